"""`caselink serve` runs Streamlit through this module: the libraries and caselink modules the pages use are
imported once when the server starts, so the first visitor does not wait for them (~1.5 s on the build
machine), and the one-off costs of a process's first page are paid here too (`warm_up`). Modules holding
Streamlit caches are left to the pages, which import them inside the runtime.

    python -m dashboards.server run dashboards/streamlit_app.py --server.port 8501 …
"""

from __future__ import annotations

import logging
import os
import sys


def preload() -> None:
    """Import what every page needs (pandas, charts, network pictures, the store and the query library)."""
    import altair  # noqa: F401
    import networkx  # noqa: F401
    import pandas  # noqa: F401
    import pyvis.network  # noqa: F401
    import xlsxwriter  # noqa: F401

    import caselink.intake  # noqa: F401
    import caselink.users  # noqa: F401  (hashes a dummy password when imported: ~0.1 s)
    import graph.memory_store  # noqa: F401
    import queries.embedded  # noqa: F401
    import queries.overview  # noqa: F401
    import queries.run  # noqa: F401


def warm_up() -> None:
    """Pay now what the first page view of a process would otherwise pay (~0.15-0.3 s of CPU on the 200k
    bench machine): Altair loading and compiling the Vega-Lite schema on its first chart, and the
    module-file index that `inspect.stack()` builds, which Streamlit calls once per process when the
    first element is sent (its check for running in a REPL)."""
    import inspect

    import altair as alt
    import pandas as pd

    alt.Chart(pd.DataFrame({"x": [1], "y": [1]})).mark_bar().encode(x="x", y="y").to_dict()
    inspect.stack()


def main() -> None:
    from streamlit.web import cli

    preload()
    warm_up()
    sys.argv[0] = "streamlit"
    try:
        cli.main()
        code = 0
    except SystemExit as stop:
        code = _exit_code(stop.code)
    # Leave without tearing the interpreter down: freeing a loaded graph object by object takes seconds
    # (200k filings: ~10 s before the port is free again), and nothing is left to save.
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def _exit_code(code: object) -> int:
    if code is None or isinstance(code, int):
        return code or 0
    print(code, file=sys.stderr)
    return 1


if __name__ == "__main__":
    main()
