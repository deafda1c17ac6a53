# The caselink app image used by docker-compose.yml (services `dashboards`, `ingest`, `bulk-prepare`,
# `bulk-finish`). /import belongs to the app user, so the `import` volume it seeds is writable for it.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /src
COPY . /src
RUN pip install . \
    && useradd --create-home --uid 10001 caselink \
    && mkdir -p /workspace /data /import \
    && chown caselink:caselink /workspace /import

USER caselink
WORKDIR /home/caselink
ENV CASELINK_WORKSPACE=/workspace
EXPOSE 8501
CMD ["caselink", "--help"]
