"""The six pattern pages, run by Streamlit's AppTest on a small generated workspace: each shows what the named
query returns (same counts and rows), follows its parameter widgets, and switches language."""

from __future__ import annotations

import io
import json
import os
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pytest
import streamlit as st
from click.testing import CliRunner
from neo4j import Driver
from streamlit.testing.v1 import AppTest

from caselink.cli import cli
from caselink.workspace import Workspace
from dashboards import patterns_data as pdata
from graph.memory_store import MemoryStore
from graph.model import Label
from ingest.workspace import load_records
from queries.run import run_query
from tests.dashboards.patterns_workspace import PAGES, build, open_page


@pytest.fixture(scope="module")
def ws(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(tmp_path_factory.mktemp("patterns"))


@pytest.fixture(scope="module")
def store(ws: Path) -> Iterator[MemoryStore]:
    s = MemoryStore(Workspace.open(ws).graph_dir)
    yield s
    s.close()


def rows(store: MemoryStore, name: str, **params: Any) -> list[dict[str, Any]]:
    return run_query(name, store, params).records()


def metrics(at: Any) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def n(value: int) -> str:
    return f"{value:,}"


def test_repeat_counts_and_widgets(monkeypatch: pytest.MonkeyPatch, ws: Path, store: MemoryStore) -> None:
    expected = rows(store, "repeat-petitions")
    assert expected, "the generated data should hold repeat petitions"
    at = open_page(monkeypatch, ws, "repeat.py")
    assert at.title[0].value == "重复访"
    assert "没有真正解决" in at.markdown[0].value
    m = metrics(at)
    assert m["事项（人×事项）"] == n(len(expected))
    assert m["办结后又反映"] == n(sum(r["after_conclusion"] for r in expected))
    table = at.dataframe[0].value
    assert len(table) == len(expected)
    assert table["filings"].is_monotonic_decreasing
    # names beside the ids: an id alone means nothing to a clerk
    view = store.view()
    for row in table.head(20).itertuples(index=False):
        assert row.petitioner_name == view.node(Label.PETITIONER, row.petitioner_id)["name"]  # type: ignore[attr-defined]
        assert row.issue_title == view.node(Label.ISSUE, row.issue_id)["title"]  # type: ignore[attr-defined]
    assert table["petitioner_name"].notna().all() and table["issue_title"].notna().all()

    at.checkbox(key="repeat_only_after").check().run()
    assert not at.exception
    after = [r for r in expected if r["after_conclusion"]]
    assert metrics(at)["事项（人×事项）"] == n(len(after))
    assert set(at.dataframe[0].value["petitioner_id"] + at.dataframe[0].value["issue_id"]) == {
        r["petitioner_id"] + r["issue_id"] for r in after
    }

    at.number_input(key="repeat_min_filings").set_value(3).run()
    three = [r for r in rows(store, "repeat-petitions", min_filings=3) if r["after_conclusion"]]
    assert len(three) < len(after)
    assert metrics(at)["事项（人×事项）"] == n(len(three))


def test_repeat_in_english(monkeypatch: pytest.MonkeyPatch, ws: Path) -> None:
    at = open_page(monkeypatch, ws, "repeat.py", lang="en")
    assert at.title[0].value == "Repeat petitioning"
    assert "Matters (petitioner × issue)" in metrics(at)
    assert "not resolved" in at.markdown[0].value


def test_multi_channel(monkeypatch: pytest.MonkeyPatch, ws: Path, store: MemoryStore) -> None:
    expected = rows(store, "multi-channel")
    at = open_page(monkeypatch, ws, "multi_channel.py")
    m = metrics(at)
    assert m["事项（人×事项）"] == n(len(expected))
    assert m["多渠道"] == n(sum(r["by_channel"] for r in expected))
    assert len(at.dataframe[0].value) == len(expected)
    at.number_input(key="multi_min_channels").set_value(3).run()
    at.number_input(key="multi_window_days").set_value(0).run()
    narrow = rows(store, "multi-channel", min_channels=3, window_days=0)
    assert len(narrow) < len(expected)
    assert metrics(at)["事项（人×事项）"] == n(len(narrow))


def test_skip_level(monkeypatch: pytest.MonkeyPatch, ws: Path, store: MemoryStore) -> None:
    expected = rows(store, "skip-level")
    at = open_page(monkeypatch, ws, "skip_level.py")
    assert at.multiselect(key="skip_local_levels").value == ["乡镇", "县"]
    assert metrics(at)["越级信访件"] == n(len(expected))
    assert sorted(at.dataframe[0].value["filing_id"]) == sorted(r["filing_id"] for r in expected)
    assert all(level not in ("乡镇", "县") for level in at.dataframe[0].value["receiving_level"])

    at.multiselect(key="skip_local_levels").set_value(["乡镇", "县", "市"]).run()
    wider = rows(store, "skip-level", local_levels=["乡镇", "县", "市"])
    assert metrics(at)["越级信访件"] == n(len(wider))
    assert set(at.dataframe[0].value["receiving_level"]) <= {"省", "国家"}

    at.multiselect(key="skip_local_levels").set_value([]).run()
    assert not at.exception and at.warning


def test_skip_level_says_which_channels_count(
    monkeypatch: pytest.MonkeyPatch, ws: Path, store: MemoryStore
) -> None:
    at = open_page(monkeypatch, ws, "skip_level.py")
    assert at.multiselect(key="skip_channels").value == ["来访"]
    assert "计入：来访" in at.caption[0].value and "网上信访" in at.caption[0].value
    assert set(at.dataframe[0].value["channel"]) == {"来访"}
    every = ["来信", "来访", "网上信访", "电话", "领导信箱"]
    at.multiselect(key="skip_channels").set_value(every).run()
    wider = rows(store, "skip-level", channels=every)
    assert len(wider) > len(rows(store, "skip-level"))
    assert metrics(at)["越级信访件"] == n(len(wider))
    assert "计入：来信、来访、网上信访、电话、领导信箱" in at.caption[0].value
    at.multiselect(key="skip_channels").set_value([]).run()
    assert not at.exception and at.warning
    en = open_page(monkeypatch, ws, "skip_level.py", lang="en")
    assert "Counted: 来访" in en.caption[0].value


def test_cross_county_draws_the_chosen_group(
    monkeypatch: pytest.MonkeyPatch, ws: Path, store: MemoryStore
) -> None:
    expected = rows(store, "cross-county")
    at = open_page(monkeypatch, ws, "cross_county.py")
    assert metrics(at)["跨地区群体"] == n(len(expected))
    table = at.dataframe[0].value
    assert len(table) == len(expected)
    assert (table["counties"].map(len) >= 2).all()
    html = at.get("iframe")[0].proto.srcdoc
    first = table.iloc[0]
    assert all(pid in html for pid in first["petitioner_ids"][:60])
    assert all(c in html for c in first["counties"])
    assert "cdn.jsdelivr" not in html and "vis-network" in html
    view = store.view()
    names = [view.node(Label.COUNTY, c)["name"] for c in first["counties"]]  # type: ignore[attr-defined]
    assert list(first["county_names"]) == names and all(names)
    assert all(name in html or json.dumps(name) in html for name in names)
    people = [view.node(Label.PETITIONER, p)["name"] for p in first["petitioner_ids"][:60]]  # type: ignore[attr-defined]
    assert list(first["petitioner_names"])[:60] == people
    assert all(json.dumps(name)[1:-1] in html for name in people)
    assert set(table["kind"]) <= {"事项", "信访件"}

    at.selectbox(key="cross_group").set_value(1).run()
    html = at.get("iframe")[0].proto.srcdoc
    assert str(table.iloc[1]["group_id"]) in html


def _chart_data(chart: Any) -> pd.DataFrame:
    frames = [pa.ipc.open_stream(io.BytesIO(d.data.data)).read_pandas() for d in chart.proto.datasets]
    return pd.concat(frames, ignore_index=True)


def test_bounced_timeline_and_heat_map(monkeypatch: pytest.MonkeyPatch, ws: Path, store: MemoryStore) -> None:
    expected = rows(store, "bounced-cases")
    pairs = rows(store, "unit-bounce-pairs")
    at = open_page(monkeypatch, ws, "bounced.py")
    m = metrics(at)
    assert m["推诿信访件"] == n(len(expected))
    assert m["有退回"] == n(sum("send_back" in r["reason"] for r in expected))
    assert len(at.dataframe[0].value) == len(expected)
    assert " → " in at.dataframe[0].value["chain"].iloc[0]

    chosen = at.multiselect(key="bounced_timeline").value
    longest = sorted(expected, key=lambda r: (-r["days_in_routing"], r["filing_id"]))[:10]
    assert chosen == [r["filing_id"] for r in longest]
    timeline, heat = at.get("vega_lite_chart")
    layers = json.loads(timeline.proto.spec)["layer"]
    assert [layer["mark"]["type"] for layer in layers] == ["bar", "text"]
    segments = _chart_data(timeline)
    transfers = load_records(Workspace.open(ws)).transfers
    assert len(segments) == sum(1 for (fid, _), _t in transfers.items() if fid in chosen)
    one = chosen[0]
    steps = sorted((t for (fid, _), t in transfers.items() if fid == one), key=lambda t: t.seq)
    got = segments[segments["filing_id"] == one].sort_values("seq")
    assert list(got["to_unit"]) == [t.to_unit for t in steps]
    assert [d.date() for d in pd.to_datetime(got["start"])] == [t.date for t in steps]
    assert list(got["day"]) == [(t.date - steps[0].date).days for t in steps]

    assert json.loads(heat.proto.spec)["mark"]["type"] == "rect"
    assert _chart_data(heat)["bounces"].max() == max(p["bounces"] for p in pairs)
    assert len(at.dataframe[1].value) == len(pairs)

    at.number_input(key="bounced_min_units").set_value(5).run()
    fewer = rows(store, "bounced-cases", min_units=5)
    assert len(fewer) < len(expected)
    assert metrics(at)["推诿信访件"] == n(len(fewer))


def test_overdue_limits(monkeypatch: pytest.MonkeyPatch, ws: Path, store: MemoryStore) -> None:
    today = date.today().isoformat()
    expected = rows(store, "overdue", as_of=today)
    at = open_page(monkeypatch, ws, "overdue.py")
    assert at.number_input(key="overdue_limit_days").value == 60
    assert at.number_input(key="overdue_extended_days").value == 90
    assert metrics(at)["超期信访件"] == n(len(expected))
    table = at.dataframe[1].value
    assert sorted(table["filing_id"]) == sorted(r["filing_id"] for r in expected)
    assert table["days_overdue"].is_monotonic_decreasing
    by_unit = at.dataframe[0].value
    assert by_unit["filings"].sum() == len(expected)
    # per county: a department is counted in each county apart, named with its county
    per_unit: dict[str, int] = {}
    for r in expected:
        per_unit[r["responsible_unit_id"]] = per_unit.get(r["responsible_unit_id"], 0) + 1
    assert len(by_unit) == len(per_unit)
    assert sorted(by_unit["filings"], reverse=True) == sorted(per_unit.values(), reverse=True)
    assert (by_unit["county_name"] != "").all()
    assert len(set(by_unit["responsible_unit"])) < len(by_unit)  # the same department in several counties

    assert not at.warning, "the generated filings carry statuses"

    late = rows(store, "concluded-late")
    assert late, "the generated data should hold filings concluded late"
    assert at.subheader[-1].value == "超期办结"
    assert metrics(at)["超期办结信访件"] == n(len(late))
    late_table = at.dataframe[2].value
    assert list(late_table["filing_id"]) == [r["filing_id"] for r in late]
    assert list(late_table["days_late"]) == [r["days_late"] for r in late]
    assert (late_table["days_taken"] - late_table["limit_days"] == late_table["days_late"]).all()
    assert late_table["issue_title"].notna().all()

    at.number_input(key="overdue_limit_days").set_value(365).run()
    longer = rows(store, "overdue", as_of=today, limit_days=365)
    assert len(longer) < len(expected)
    assert metrics(at)["超期信访件"] == n(len(longer))
    # a 365-day limit with extensions at 90 days: only extended filings can still be late
    fewer = rows(store, "concluded-late", limit_days=365)
    assert len(fewer) < len(late) and all(r["extended"] for r in fewer)
    assert metrics(at)["超期办结信访件"] == n(len(fewer))


def test_overdue_without_statuses_says_they_are_unknown(
    monkeypatch: pytest.MonkeyPatch, ws: Path, tmp_path: Path
) -> None:
    """A file without status and concluded-date columns: no filing can be told concluded, so the page says
    the statuses are unknown instead of counting every filing older than 60 days overdue."""
    data = ws.parent / "data" / "filings.csv"
    filings = pd.read_csv(data, dtype=str, keep_default_na=False, encoding="utf-8-sig").head(150)
    bare = tmp_path / "bare.csv"
    filings.drop(columns=["status", "concluded_date"]).to_csv(bare, index=False)
    res = CliRunner().invoke(cli, ["ingest", str(bare), "--workspace", str(tmp_path / "ws")])
    assert res.exit_code == 0, res.output
    store = MemoryStore(Workspace.open(tmp_path / "ws").graph_dir)
    assert len(rows(store, "overdue")) == 150, "without statuses every old filing would count as overdue"
    store.close()
    at = open_page(monkeypatch, tmp_path / "ws", "overdue.py")
    assert "办理状态不明" in at.warning[0].value and "150" in at.warning[0].value
    assert "超期信访件" not in metrics(at) and not at.dataframe
    en = open_page(monkeypatch, tmp_path / "ws", "overdue.py", lang="en")
    assert "statuses are unknown" in en.warning[0].value


@pytest.mark.parametrize(
    "page", ["repeat.py", "multi_channel.py", "skip_level.py", "cross_county.py", "bounced.py", "overdue.py"]
)
def test_empty_workspace_says_what_to_do(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, page: str) -> None:
    at = open_page(monkeypatch, tmp_path / "empty", page)
    assert any("caselink ingest" in i.value for i in at.info)


PAGE_TITLES = {
    "repeat.py": "重复访",
    "multi_channel.py": "多头访",
    "skip_level.py": "越级访",
    "cross_county.py": "跨地区",
    "bounced.py": "推诿",
    "overdue.py": "超期",
    "review.py": "人工核对",
    "quality.py": "数据质量",
}


def test_registered_in_the_app(monkeypatch: pytest.MonkeyPatch, ws: Path) -> None:
    monkeypatch.setenv("CASELINK_WORKSPACE", str(ws))
    monkeypatch.setenv("CASELINK_BACKEND", "embedded")
    monkeypatch.delenv("CASELINK_USERS", raising=False)
    at = AppTest.from_file(str(PAGES.parent / "streamlit_app.py"), default_timeout=30)
    at.run()
    for page, title in PAGE_TITLES.items():
        at.switch_page(f"app_pages/{page}").run()
        assert not at.exception, (page, at.exception)
        assert at.title[0].value == title


def _warm_script() -> None:
    import streamlit as st

    from dashboards import explore_data, patterns_data

    patterns_data.warm_patterns()
    st.write("warmed: " + ",".join(patterns_data.results().names(explore_data.state())))


def warmed(monkeypatch: pytest.MonkeyPatch, ws: Path, backend: str) -> list[str]:
    """What dashboards.patterns_data.warm_patterns queues on workspace `ws` (fresh caches)."""
    monkeypatch.setenv("CASELINK_WORKSPACE", str(ws))
    monkeypatch.setenv("CASELINK_BACKEND", backend)
    st.cache_resource.clear()
    st.cache_data.clear()
    at = AppTest.from_function(_warm_script, default_timeout=30).run()
    assert not at.exception, at.exception
    text = at.markdown[0].value.removeprefix("warmed:").strip()
    return text.split(",") if text else []


def test_pages_read_the_same_from_neo4j(
    monkeypatch: pytest.MonkeyPatch, ws: Path, tmp_path: Path, neo4j_clean: Driver
) -> None:
    """The pattern pages read through named queries, so a Neo4j workspace shows the same figures."""
    monkeypatch.setenv("CASELINK_NEO4J_URI", os.environ["CASELINK_TEST_NEO4J_URI"])
    monkeypatch.setenv("CASELINK_NEO4J_USER", os.environ.get("CASELINK_TEST_NEO4J_USER", "neo4j"))
    monkeypatch.setenv("CASELINK_NEO4J_PASSWORD", os.environ.get("CASELINK_TEST_NEO4J_PASSWORD", ""))
    data = ws.parent / "data"
    neo = tmp_path / "neo"
    res = CliRunner().invoke(
        cli,
        [
            "ingest",
            str(data / "filings.csv"),
            "--transfers",
            str(data / "transfers.csv"),
            "--workspace",
            str(neo),
            "--backend",
            "neo4j",
        ],
    )
    assert res.exit_code == 0, res.output
    # the app queues the pattern pages' default results on Neo4j, and only there
    assert warmed(monkeypatch, neo, "neo4j") == sorted(pdata.WARMED)
    assert warmed(monkeypatch, ws, "embedded") == []
    for page in (
        "repeat.py",
        "multi_channel.py",
        "skip_level.py",
        "cross_county.py",
        "bounced.py",
        "overdue.py",
    ):
        embedded = open_page(monkeypatch, ws, page)
        on_neo4j = open_page(monkeypatch, neo, page, backend="neo4j")
        assert metrics(on_neo4j) == metrics(embedded), page
        assert on_neo4j.dataframe[0].value.equals(embedded.dataframe[0].value), page
