"""The overview page, run by Streamlit's AppTest against real embedded workspaces."""

from __future__ import annotations

from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from caselink.workspace import Workspace
from graph.memory_store import MemoryStore
from graph.model import Label

APP = str(Path(__file__).parents[2] / "dashboards" / "streamlit_app.py")


def _run(monkeypatch: pytest.MonkeyPatch, root: Path) -> AppTest:
    monkeypatch.setenv("CASELINK_WORKSPACE", str(root))
    monkeypatch.setenv("CASELINK_BACKEND", "embedded")
    st.cache_resource.clear()
    st.cache_data.clear()
    at = AppTest.from_file(APP, default_timeout=30)
    at.run()
    assert not at.exception, at.exception
    return at


def test_empty_workspace_says_what_to_do(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    at = _run(monkeypatch, tmp_path / "ws")
    assert any("caselink ingest" in info.value for info in at.info)
    assert [m.value for m in at.metric][0] == "0"


def test_counts_come_from_the_store(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    ws = Workspace.open(tmp_path / "ws")
    store = MemoryStore(ws.graph_dir)
    with store.writer() as w:
        w.upsert_nodes(Label.FILING, [{"filing_id": f"F{i}"} for i in range(1234)])
        w.upsert_nodes(Label.PETITIONER, [{"petitioner_id": "P1"}, {"petitioner_id": "P2"}])
    store.close()
    at = _run(monkeypatch, ws.root)
    values = {m.label: m.value for m in at.metric}
    assert values["信访件 Filings"] == "1,234"
    assert values["信访人 Petitioners"] == "2"
    assert not at.info
