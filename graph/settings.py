"""Graph settings from `CASELINK_…` environment variables (and an optional git-ignored `.env`).

CASELINK_BACKEND         embedded | neo4j; default: neo4j when CASELINK_NEO4J_URI is set, else embedded
CASELINK_NEO4J_URI       e.g. bolt://localhost:7687
CASELINK_NEO4J_USER      default neo4j
CASELINK_NEO4J_PASSWORD  default empty
CASELINK_NEO4J_DATABASE  default: the server's default database
CASELINK_NEO4J_RETRY_SECONDS  how long to keep retrying when Neo4j fails mid-load (default 30)
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from graph.errors import GraphError

Backend = Literal["embedded", "neo4j"]
BACKENDS: tuple[Backend, ...] = ("embedded", "neo4j")


@dataclass(frozen=True, slots=True)
class Settings:
    backend: Backend = "embedded"
    neo4j_uri: str | None = None
    neo4j_user: str = "neo4j"
    neo4j_password: str = ""
    neo4j_database: str | None = None
    neo4j_retry_seconds: float = 30.0

    def __repr__(self) -> str:  # never print the password
        return (
            f"Settings(backend={self.backend!r}, neo4j_uri={self.neo4j_uri!r}, "
            f"neo4j_user={self.neo4j_user!r}, neo4j_database={self.neo4j_database!r})"
        )

    @classmethod
    def from_env(
        cls,
        environ: Mapping[str, str] | None = None,
        *,
        backend: str | None = None,
        dotenv: Path | None = Path(".env"),
    ) -> Settings:
        """Read the settings; `backend` (e.g. from `--backend`) wins over CASELINK_BACKEND.

        Values in `environ` (default os.environ) win over those in the `.env` file.
        """
        env: dict[str, str] = read_dotenv(dotenv) if dotenv is not None else {}
        env.update(os.environ if environ is None else environ)
        uri = env.get("CASELINK_NEO4J_URI") or None
        chosen = (backend or env.get("CASELINK_BACKEND") or ("neo4j" if uri else "embedded")).strip().lower()
        if chosen not in BACKENDS:
            raise GraphError(f"Unknown backend {chosen!r}: use one of {', '.join(BACKENDS)}.")
        if chosen == "neo4j" and not uri:
            raise GraphError(
                "The neo4j backend needs CASELINK_NEO4J_URI (e.g. bolt://localhost:7687); "
                "set it, or use --backend embedded."
            )
        return cls(
            backend=chosen,
            neo4j_uri=uri,
            neo4j_user=env.get("CASELINK_NEO4J_USER") or "neo4j",
            neo4j_password=env.get("CASELINK_NEO4J_PASSWORD", ""),
            neo4j_database=env.get("CASELINK_NEO4J_DATABASE") or None,
            neo4j_retry_seconds=_seconds(env, "CASELINK_NEO4J_RETRY_SECONDS", 30.0),
        )


def _seconds(env: Mapping[str, str], name: str, default: float) -> float:
    """A non-negative number of seconds from `env[name]`, else `default`."""
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not value >= 0:  # also refuses nan
        raise GraphError(f"{name}={raw!r} is not a number of seconds: set it to e.g. 30, or unset it.")
    return value


def read_dotenv(path: Path) -> dict[str, str]:
    """KEY=VALUE lines of a `.env` file (comments, blank lines, `export ` allowed); {} when absent."""
    if not path.is_file():
        return {}
    out: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, value = line.removeprefix("export ").partition("=")
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        out[key.strip()] = value
    return out
