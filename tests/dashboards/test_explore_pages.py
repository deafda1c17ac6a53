"""Search, entity details and shortest-connection pages, run by AppTest on a workspace ingested from 1,000
generated filings (built once for the module)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import streamlit as st
from click.testing import CliRunner
from streamlit.testing.v1 import AppTest

from caselink.cli import cli
from caselink.workspace import Workspace
from graph.memory_store import MemoryStore
from queries.run import run_query
from tests.dashboards.app import open_page as _open
from tests.hostile.corpus import shown


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, dict[str, Any]]]:
    """The workspace, and a petitioner with several filings, an ID number and a phone."""
    root = tmp_path_factory.mktemp("explore")
    mp = pytest.MonkeyPatch()
    for var in ("CASELINK_NEO4J_URI", "CASELINK_BACKEND", "CASELINK_WORKSPACE", "CASELINK_USERS"):
        mp.delenv(var, raising=False)
    runner = CliRunner()
    out = runner.invoke(cli, ["demo-data", "--filings", "1000", "--seed", "5", "--out", str(root / "data")])
    assert out.exit_code == 0, out.output
    out = runner.invoke(
        cli,
        ["ingest", str(root / "data" / "filings.csv"), "--transfers", str(root / "data" / "transfers.csv"),
         "--workspace", str(root / "ws"), "--backend", "embedded"],
    )  # fmt: skip
    assert out.exit_code == 0, out.output
    store = MemoryStore(Workspace.open(root / "ws").graph_dir)
    repeat = run_query("repeat-petitions", store, {}).records()
    person: dict[str, Any] = {}
    for row in repeat:
        card = run_query("entities", store, {"keys": [row["petitioner_id"]]}).records()[0]
        if card["id_number"] and card["phone"] and len(card["phone"]) == 11:
            person = {
                **card,
                "petitioner_id": card["key"],
                "filing_ids": row["filing_ids"],
                "issue_id": row["issue_id"],
            }
            break
    assert person, "the generated data should hold a repeat petitioner with an ID number and a mobile"
    store.close()
    yield root / "ws", person
    mp.undo()


@pytest.fixture
def ws(demo: tuple[Path, dict[str, Any]], monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("CASELINK_WORKSPACE", str(demo[0]))
    monkeypatch.setenv("CASELINK_BACKEND", "embedded")
    monkeypatch.delenv("CASELINK_USERS", raising=False)
    st.cache_resource.clear()
    st.cache_data.clear()
    return demo[0]


def _audit(ws: Path) -> list[dict[str, Any]]:
    log = Workspace.open(ws).audit_log
    return [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()] if log.exists() else []


def _search(text: str, lang: str = "zh") -> AppTest:
    at = _open("search.py", lang)
    at.text_input(key="search_text").input(text)
    at.button[0].click().run()
    assert not at.exception, at.exception
    return at


def _store(ws: Path) -> MemoryStore:
    return MemoryStore(Workspace.open(ws).graph_dir)


def test_search_by_phone_as_a_clerk_types_it(ws: Path, demo: tuple[Path, dict[str, Any]]) -> None:
    person = demo[1]
    phone = person["phone"]
    at = _search(f"{phone[:3]} {phone[3:7]}-{phone[7:]}")
    table = at.dataframe[0].value
    first = table.iloc[0]
    assert first["编号"] == person["petitioner_id"] and first["匹配"] == "证件号/电话/账号"
    assert first["电话"] == f"{phone[:3]}****{phone[7:]}"  # masked by default
    assert first["身份证号"].count("*") == len(person["id_number"]) - 7
    link = at.get("page_link")[0].proto
    assert "details" in link.page and person["petitioner_id"] in link.label
    entry = [e for e in _audit(ws) if e["action"] == "search"][-1]
    assert person["petitioner_id"] in entry["petitioner_ids"] and entry["results"] == len(table)
    assert phone not in json.dumps(entry, ensure_ascii=False)  # the number looked for is kept masked


def test_search_by_id_number_and_by_name(ws: Path, demo: tuple[Path, dict[str, Any]]) -> None:
    person = demo[1]
    idn = person["id_number"]
    at = _search(f"{idn[:6]} {idn[6:14]} {idn[14:].lower()}")
    assert at.dataframe[0].value.iloc[0]["编号"] == person["petitioner_id"]
    at = _search(person["name"])
    keys = at.dataframe[0].value["编号"].tolist()
    assert person["petitioner_id"] in keys


def test_search_by_a_masked_number_copied_from_a_screen(ws: Path, demo: tuple[Path, dict[str, Any]]) -> None:
    person = demo[1]
    phone = person["phone"]
    at = _search(f"{phone[:3]}****{phone[7:]}")
    table = at.dataframe[0].value
    assert person["petitioner_id"] in table["编号"].tolist()
    assert set(table["匹配"]) == {"证件号/电话/账号"}
    assert all(v.startswith(phone[:3]) and v.endswith(phone[7:]) for v in table["电话"] if v)


def test_search_finds_nothing_and_says_so(ws: Path) -> None:
    at = _search("不存在的名字甲乙丙")
    assert at.warning and "不存在的名字甲乙丙" in at.warning[0].value
    assert not at.dataframe


def test_search_in_english(ws: Path, demo: tuple[Path, dict[str, Any]]) -> None:
    at = _search(demo[1]["filing_ids"][0], lang="en")
    table = at.dataframe[0].value
    assert table.iloc[0]["type"] == "Filing" and table.iloc[0]["matched on"] == "key"
    assert table.iloc[0]["id"] == demo[1]["filing_ids"][0]
    assert at.title[0].value == "Search"


def test_petitioner_page(ws: Path, demo: tuple[Path, dict[str, Any]]) -> None:
    person = demo[1]
    pid = person["petitioner_id"]
    at = _open("details.py", kind="petitioner", id=pid)
    assert at.title[0].value == f"信访人 · {person['name']}"
    metrics = {m.label: shown(m.value) for m in at.metric}
    assert metrics["身份证号"] != person["id_number"] and "*" in metrics["身份证号"]
    assert metrics["电话"] == f"{person['phone'][:3]}****{person['phone'][7:]}"
    assert metrics["县区"] != person["county"] and metrics["县区"].endswith(("区", "县", "市"))  # its name
    timeline = at.dataframe[0].value
    assert set(person["filing_ids"]) <= set(timeline["filing_id"])
    assert set(timeline["role"]) <= {"提交", "联名"}  # FILED / CO_SIGNED, in words
    link_texts = [shown(p.proto.label) for p in at.get("page_link")]
    assert any(person["issue_id"] in text for text in link_texts)
    picture = at.get("iframe")[0].proto.srcdoc
    assert (
        f"Petitioner:{pid}" in picture
        and person["id_number"] not in picture
        and person["phone"] not in picture
    )
    views = [e for e in _audit(ws) if e["action"] == "view_petitioner"]
    assert views and views[-1]["petitioner_id"] == pid and views[-1]["masked"] is True
    at.run()  # a rerun of the same page is not another look-up
    assert len([e for e in _audit(ws) if e["action"] == "view_petitioner"]) == len(views)


def test_network_filters_and_recentre(ws: Path, demo: tuple[Path, dict[str, Any]]) -> None:
    person = demo[1]
    at = _open("details.py", kind="petitioner", id=person["petitioner_id"])
    at.multiselect(key="net_types").set_value(["Petitioner", "Filing"]).run()
    picture = at.get("iframe")[0].proto.srcdoc
    assert "Issue:" not in picture and "Filing:" in picture
    at.date_input(key="net_from").set_value(date(2100, 1, 1)).run()  # no filing that late: the person alone
    assert "Filing:" not in at.get("iframe")[0].proto.srcdoc
    at.date_input(key="net_from").set_value(None).run()
    chosen = at.selectbox(key="net_target").value
    assert chosen.label in ("Filing", "Petitioner")
    at.button(key="net_recentre").click().run()
    assert not at.exception
    assert at.query_params["kind"] == chosen.label.lower() and at.query_params["id"] == chosen.key
    assert at.title[0].value.startswith("信访件 · " if chosen.label == "Filing" else "信访人 · ")


def test_filing_issue_and_unit_pages(ws: Path, demo: tuple[Path, dict[str, Any]]) -> None:
    store = _store(ws)
    fid = demo[1]["filing_ids"][0]
    filing = run_query("filing", store, {"filing_id": fid}).records()
    at = _open("details.py", kind="filing", id=fid)
    assert at.title[0].value == f"信访件 · {fid}"
    routed = [r for r in filing if r["seq"] is not None]
    if routed:
        assert len(at.dataframe[0].value) == len(routed)
    assert any(demo[1]["petitioner_id"] in p.proto.label for p in at.get("page_link"))

    iid = demo[1]["issue_id"]
    on_issue = run_query("entity-filings", store, {"key": iid}).records()
    at = _open("details.py", kind="issue", id=iid)
    assert {m.label: m.value for m in at.metric}["信访件"] == str(len(on_issue)) and len(on_issue) >= 2

    unit = run_query("bounced-cases", store, {}).records()[0]["chain_unit_ids"][-1]
    at = _open("details.py", lang="en", kind="unit", id=unit)
    handled = run_query("entity-filings", store, {"key": unit, "label": "Unit"}).records()
    assert {m.label: m.value for m in at.metric}["Filings"] == f"{len(handled):,}"
    assert at.title[0].value.startswith("Unit · ")


def test_unknown_or_missing_entity(ws: Path) -> None:
    at = _open("details.py", kind="petitioner", id="P-NOBODY")
    assert at.warning and "P-NOBODY" in shown(at.warning[0].value)
    at = _open("details.py")
    assert at.info and at.get("page_link")


def test_path_page(ws: Path, demo: tuple[Path, dict[str, Any]]) -> None:
    person = demo[1]
    start, end = person["filing_ids"][0], person["filing_ids"][1]
    at = _open("path.py", **{"from": start, "to": end})
    steps = at.dataframe[0].value
    ids = steps["编号"].tolist()
    assert len(ids) == 3 and ids[0] == start and ids[-1] == end  # through the person, the issue or a unit
    assert at.subheader[0].value == "2 步"
    assert f"Filing:{start}" in at.get("iframe")[0].proto.srcdoc
    at = _open("path.py", **{"from": start, "to": "XF-NOBODY"})
    assert at.warning and not at.dataframe


def test_neighbourhood_picture_is_bounded_and_filtered(ws: Path, demo: tuple[Path, dict[str, Any]]) -> None:
    from dashboards import explore_graph

    pid = demo[1]["petitioner_id"]
    every = {"Petitioner", "Filing", "Issue", "Unit", "County", "Org"}
    big = explore_graph.neighbourhood(("Petitioner", pid), 3, every, max_nodes=30)
    assert big.cut and len(big.nodes) <= 30
    keys = {(n.label, n.key) for n in big.nodes}
    assert all(e.src in keys and e.dst in keys for e in big.edges)
    small = explore_graph.neighbourhood(("Petitioner", pid), 2, {"Petitioner", "Filing", "Issue"})
    assert {n.label for n in small.nodes} <= {"Petitioner", "Filing", "Issue"}
    assert {n.key for n in small.nodes if n.label == "Filing"} >= set(demo[1]["filing_ids"])
    assert max(n.distance or 0 for n in small.nodes) == 2
