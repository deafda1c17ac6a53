"""`caselink serve` runs Streamlit through this module: the libraries and caselink modules the pages use are
imported once when the server starts, so the first visitor does not wait for them (~1.5 s on the build
machine). Modules holding Streamlit caches are left to the pages, which import them inside the runtime.

    python -m dashboards.server run dashboards/streamlit_app.py --server.port 8501 …
"""

from __future__ import annotations

import sys


def preload() -> None:
    """Import what every page needs (pandas, charts, network pictures, the store and the query library)."""
    import altair  # noqa: F401
    import networkx  # noqa: F401
    import pandas  # noqa: F401
    import pyvis.network  # noqa: F401
    import xlsxwriter  # noqa: F401

    import caselink.intake  # noqa: F401
    import graph.memory_store  # noqa: F401
    import queries.embedded  # noqa: F401
    import queries.overview  # noqa: F401
    import queries.run  # noqa: F401


def main() -> None:
    from streamlit.web import cli

    preload()
    sys.argv[0] = "streamlit"
    sys.exit(cli.main())


if __name__ == "__main__":
    main()
