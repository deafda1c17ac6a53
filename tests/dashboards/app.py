"""The dashboards app as AppTest opens it, for the page tests."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).parents[2] / "dashboards" / "streamlit_app.py")


def open_page(page: str, lang: str = "zh", **query: str) -> AppTest:
    """The app run once in `lang`, then switched to app_pages/`page` with `query` in the address bar."""
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["lang"] = lang
    at.run()
    for k, v in query.items():
        at.query_params[k] = v
    at.switch_page(f"app_pages/{page}").run()
    assert not at.exception, at.exception
    return at
