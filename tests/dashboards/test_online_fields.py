"""Titles, platform account ids and replies of online filings on the search and details pages (issue 15),
run by AppTest on the small fixture of tests/queries/fixtures.skip_level_fixture (message-board filings)."""

from __future__ import annotations

from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from caselink.workspace import Workspace
from graph.memory_store import MemoryStore
from ingest.load import load
from tests.dashboards.app import open_page as _open
from tests.queries.fixtures import skip_level_fixture


@pytest.fixture
def ws(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    ws = Workspace.open(tmp_path / "ws")
    store = MemoryStore(ws.graph_dir)
    load(skip_level_fixture(), store)
    store.close()
    monkeypatch.setenv("CASELINK_WORKSPACE", str(ws.root))
    monkeypatch.setenv("CASELINK_BACKEND", "embedded")
    monkeypatch.delenv("CASELINK_USERS", raising=False)
    st.cache_resource.clear()
    st.cache_data.clear()
    return ws.root


def _texts(at: AppTest) -> list[str]:
    return [e.value for e in at.get("text")]


def test_a_filing_page_shows_its_title_account_and_reply(ws: Path) -> None:
    at = _open("details.py", kind="filing", id="G1")
    assert at.title[0].value == "信访件 · 小区噪音扰民"
    assert "平台账号 A0001" in _texts(at)
    texts = _texts(at)
    assert "G1 的诉求" in texts and "已责成街道办事处处理。" in texts  # content and reply in full, as text
    assert texts.index("已责成街道办事处处理。") > texts.index("G1 的诉求")
    plain = _open("details.py", kind="filing", id="G2")  # a visit: no title, account or reply
    assert plain.title[0].value == "信访件 · G2"
    assert not any(t.startswith("平台账号") for t in _texts(plain))
    assert "G2 的诉求" in _texts(plain) and not any("答复意见" in m.value for m in plain.markdown)
    english = _open("details.py", "en", kind="filing", id="G1")
    assert "Platform account A0001" in _texts(english)
    assert any("Reply" in m.value for m in english.markdown)


def test_a_petitioner_page_shows_the_account_ids(ws: Path) -> None:
    at = _open("details.py", kind="petitioner", id="S3")
    assert "平台账号 A0003" in _texts(at)  # pseudonymous: shown whole, not masked
    assert not any(t.startswith("平台账号") for t in _texts(_open("details.py", kind="petitioner", id="S2")))


def test_an_issue_page_names_its_filings_by_title(ws: Path) -> None:
    at = _open("details.py", kind="issue", id="J3")
    table = at.dataframe[0].value
    assert list(table.columns[:2]) == ["filing_id", "title"]
    assert table.set_index("filing_id")["title"].to_dict() == {"G3": "道路破损无人修", "G4": ""}


def test_search_finds_an_account_and_shows_titles(ws: Path) -> None:
    at = _open("search.py")
    at.text_input(key="search_text").input("A0003")
    at.button[0].click().run()
    assert not at.exception, at.exception
    table = at.dataframe[0].value
    assert table["编号"].tolist() == ["S3", "S4", "G3", "G5"]  # the people first, then their filings
    assert set(table["匹配"]) == {"证件号/电话/账号"}
    assert table.set_index("编号")["标题"].to_dict()["G3"] == "道路破损无人修"
    labels = [link.label for link in at.get("page_link")]
    assert any("G3 · 道路破损无人修" in label for label in labels)
    assert any("S4 · 信访人S4" in label for label in labels)
