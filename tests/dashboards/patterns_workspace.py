"""A small generated workspace for the pattern, review and data-quality page tests; opening a page on it."""

from __future__ import annotations

from pathlib import Path

import pytest
import streamlit as st
from click.testing import CliRunner
from streamlit.testing.v1 import AppTest

from caselink.cli import cli

PAGES = Path(__file__).parents[2] / "dashboards" / "app_pages"
N_FILINGS = 1200


def build(out: Path, n: int = N_FILINGS, seed: int = 11) -> Path:
    """Generate `n` demo filings into out/data, ingest them (embedded store) into out/ws; return out/ws."""
    runner = CliRunner()
    res = runner.invoke(
        cli, ["demo-data", "--filings", str(n), "--seed", str(seed), "--out", str(out / "data")]
    )
    assert res.exit_code == 0, res.output
    ws = out / "ws"
    res = runner.invoke(
        cli,
        [
            "ingest",
            str(out / "data" / "filings.csv"),
            "--transfers",
            str(out / "data" / "transfers.csv"),
            "--workspace",
            str(ws),
            "--backend",
            "embedded",
        ],
    )
    assert res.exit_code == 0, res.output
    return ws


def open_page(
    monkeypatch: pytest.MonkeyPatch,
    ws: Path,
    page: str,
    *,
    lang: str = "zh",
    state: dict[str, object] | None = None,
    backend: str = "embedded",
) -> AppTest:
    """Run dashboards/app_pages/`page` on workspace `ws` (fresh caches) and fail on any exception shown."""
    monkeypatch.setenv("CASELINK_WORKSPACE", str(ws))
    monkeypatch.setenv("CASELINK_BACKEND", backend)
    st.cache_resource.clear()
    st.cache_data.clear()
    at = AppTest.from_file(str(PAGES / page), default_timeout=30)
    at.session_state["lang"] = lang
    for k, v in (state or {}).items():
        at.session_state[k] = v
    at.run()
    assert not at.exception, at.exception
    return at
