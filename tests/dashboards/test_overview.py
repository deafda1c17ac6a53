"""The overview page, run by Streamlit's AppTest against real embedded workspaces.

The pattern fixture of tests/queries (13 filings whose bounced chains and overdue filings are known by
construction) is loaded into a workspace with the real loader, so every figure on the page can be checked.
"""

from __future__ import annotations

import io
import json
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from caselink.workspace import Workspace
from dashboards import explore_data
from graph.memory_store import MemoryStore
from graph.model import Label
from ingest.load import load
from queries.run import run_query
from tests.dashboards.patterns_workspace import build
from tests.queries.fixtures import query_fixture

APP = str(Path(__file__).parents[2] / "dashboards" / "streamlit_app.py")


def _run(monkeypatch: pytest.MonkeyPatch, root: Path, *, clear: bool = True, lang: str = "zh",
         state: dict[str, object] | None = None) -> AppTest:
    monkeypatch.setenv("CASELINK_WORKSPACE", str(root))
    monkeypatch.setenv("CASELINK_BACKEND", "embedded")
    monkeypatch.delenv("CASELINK_USERS", raising=False)
    if clear:
        st.cache_resource.clear()
        st.cache_data.clear()
    at = AppTest.from_file(APP, default_timeout=30)
    at.session_state["lang"] = lang
    for key, value in (state or {}).items():
        at.session_state[key] = value
    at.run()
    assert not at.exception, at.exception
    return at


@pytest.fixture
def fixture_ws(tmp_path: Path) -> Path:
    ws = Workspace.open(tmp_path / "ws")
    store = MemoryStore(ws.graph_dir)
    load(query_fixture(), store)
    store.close()
    return ws.root


def test_empty_workspace_says_what_to_do(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    at = _run(monkeypatch, tmp_path / "ws")
    assert any("caselink ingest" in info.value for info in at.info)
    assert [m.value for m in at.metric][0] == "0"


def test_counts_come_from_the_store(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    ws = Workspace.open(tmp_path / "ws")
    store = MemoryStore(ws.graph_dir)
    with store.writer() as w:
        w.upsert_nodes(
            Label.FILING, [{"filing_id": f"F{i}", "received_date": date(2024, 1, 1)} for i in range(1234)]
        )
        w.upsert_nodes(Label.PETITIONER, [{"petitioner_id": "P1"}, {"petitioner_id": "P2"}])
    store.close()
    at = _run(monkeypatch, ws.root)
    values = {m.label: m.value for m in at.metric}
    assert values["信访件"] == "1,234"
    assert values["信访人"] == "2"
    assert values["超期未办结"] == "1,234"  # no status, no conclusion, received in 2024: all overdue by now
    assert not any("caselink ingest" in info.value for info in at.info)


def test_figures_of_the_pattern_fixture(monkeypatch: pytest.MonkeyPatch, fixture_ws: Path) -> None:
    at = _run(monkeypatch, fixture_ws)
    values = {m.label: m.value for m in at.metric}
    assert values["信访件"] == "13" and values["信访人"] == "8" and values["单位"] == "5"
    assert values["推诿件"] == "4"  # F03, F05, F07, F10
    assert values["已办结"] == "6"
    store = MemoryStore(Workspace.open(fixture_ws).graph_dir)
    overdue = run_query("overdue", store, {"as_of": date.today()})
    assert values["超期未办结"] == str(len(overdue.rows)) and len(overdue.rows) >= 4
    assert [s.value for s in at.subheader] == ["趋势", "推诿最多的单位"]
    # the first view: the open tab's chart and the bounced units' bars; the tables wait in an expander
    month, bounced = at.get("vega_lite_chart")
    assert _data(month)["信访件"].sum() == 13 and _data(month)["已办结"].sum() == 6  # legend = column
    # the dispatch-only 信访局 (U08) is on every chain but is not counted
    assert _data(bounced)[["label", "bounced_filings"]].values.tolist() == [
        ["自然资源局", 3], ["住建局", 3], ["人社局", 2]
    ]
    assert not at.dataframe
    assert at.expander[0].label == "全部 3 个单位和来回推诿的单位对（表格、导出）"


def test_tables_and_the_other_tabs_on_request(monkeypatch: pytest.MonkeyPatch, fixture_ws: Path) -> None:
    open_all = {"overview_trend_tab": "按县区", "overview_bounced_tables": True}
    at = _run(monkeypatch, fixture_ws, state=open_all)
    county, bounced = at.get("vega_lite_chart")
    assert _data(county)[["county", "filings"]].values.tolist() == [["东城区", 11], ["西城区", 2]]
    units = at.dataframe[0].value
    assert units.values.tolist() == [["U01", "", "自然资源局", 3], ["U02", "", "住建局", 3],
                                     ["U03", "", "人社局", 2]]
    pairs = at.dataframe[1].value
    assert pairs[["unit_a", "unit_b", "bounces"]].values.tolist() == [["U01", "U02", 3]]
    at.session_state["overview_trend_tab"] = "按渠道"
    at.run()
    channel, per_month, _ = at.get("vega_lite_chart")
    assert _data(channel)["filings"].sum() == 13 and _data(channel).iloc[0]["channel"] == "来信"
    assert _data(per_month)["filings"].sum() == 13 and set(_data(per_month)["channel"]) == set(
        _data(channel)["channel"])


def test_units_are_named_with_their_county(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Units of different counties share department names (自然资源局): the bars say which county."""
    ws = build(tmp_path, n=400, seed=3)
    at = _run(monkeypatch, ws)
    bars = _data(at.get("vega_lite_chart")[1])
    view = MemoryStore(Workspace.open(ws).graph_dir).view()
    for uid, label in zip(bars["unit_id"], bars["label"], strict=True):
        county = view.node(Label.COUNTY, uid.split(":")[0])
        assert county is not None and label == f"{county['name']} {view.node(Label.UNIT, uid)['name']}"
    assert len(set(bars["label"])) == len(bars)


def _data(chart: Any) -> pd.DataFrame:
    """The data drawn by a chart (sent as Arrow beside its spec)."""
    return pa.ipc.open_stream(io.BytesIO(chart.proto.data.data)).read_pandas()


def test_language_switch(monkeypatch: pytest.MonkeyPatch, fixture_ws: Path) -> None:
    at = _run(monkeypatch, fixture_ws, lang="en")
    labels = [m.label for m in at.metric]
    assert labels[:5] == ["Filings", "Petitioners", "Issues", "Units", "Counties"]
    assert "Overdue filings" in labels
    assert [s.value for s in at.subheader] == ["Trends", "Units with the most bounced cases"]
    assert at.title[0].value == "Overview"


def test_a_new_ingest_shows_without_clearing_the_cache(
    monkeypatch: pytest.MonkeyPatch, fixture_ws: Path
) -> None:
    at = _run(monkeypatch, fixture_ws)
    assert {m.label: m.value for m in at.metric}["信访件"] == "13"
    store = MemoryStore(Workspace.open(fixture_ws).graph_dir)
    with store.writer() as w:
        w.upsert_nodes(
            Label.FILING, [{"filing_id": "F99", "received_date": date(2024, 9, 1), "channel": "来信"}]
        )
    store.close()
    at = _run(monkeypatch, fixture_ws, clear=False)  # the same server process, its caches kept
    assert {m.label: m.value for m in at.metric}["信访件"] == "14"
    at.switch_page("app_pages/search.py").run()
    at.text_input(key="search_text").input("F99")
    at.button[0].click().run()
    assert any("F99" in link.label for link in at.get("page_link")), "the pages read the new graph"


def test_trends_by_month_channel_and_county(fixture_ws: Path) -> None:
    store = MemoryStore(Workspace.open(fixture_ws).graph_dir)
    result = run_query("overview-trends", store, {})
    trends = pd.DataFrame(result.rows, columns=result.columns)
    month = explore_data.trend_by(trends, "month")
    assert month["month"].tolist()[:3] == ["2023-12", "2024-01", "2024-02"]
    assert month.set_index("month")["filings"].to_dict()["2024-01"] == 4  # F03, F04, F07, F01
    county = explore_data.trend_by(trends, "county")
    assert county.values.tolist() == [["东城区", 11, 5], ["西城区", 2, 1]]
    channel = explore_data.trend_by(trends, "channel")
    assert channel["filings"].sum() == 13 and channel.iloc[0]["channel"] == "来信"
    assert explore_data.trend_by(trends, "category").values.tolist() == [["(空)", 13, 6]]


def _spec(chart: Any) -> dict[str, Any]:
    return dict(json.loads(chart.proto.spec))


def test_charts_read_level_with_months_in_place(monkeypatch: pytest.MonkeyPatch, fixture_ws: Path) -> None:
    """Months on a time axis with every month between the first and last (an empty one keeps its place),
    axis titles written level, and every count and time scale given its domain (so Vega never computes one
    from the empty first view: no "Infinite extent" warnings)."""
    at = _run(monkeypatch, fixture_ws)
    month, bounced = at.get("vega_lite_chart")
    spec = _spec(month)
    assert spec["encoding"]["x"]["type"] == "temporal" and "domain" in spec["encoding"]["x"]["scale"]
    assert spec["encoding"]["y"]["axis"]["titleAngle"] == 0 and "domain" in spec["encoding"]["y"]["scale"]
    months = _data(month)["month"].tolist()
    every = pd.period_range(months[0], months[-1], freq="M").strftime("%Y-%m").tolist()
    assert months == every
    bars = _spec(bounced)["encoding"]
    assert bars["y"]["axis"]["titleAngle"] == 0 and "domain" in bars["x"]["scale"]


def test_months_filled_keeps_empty_months() -> None:
    from dashboards.charts import months_filled

    df = pd.DataFrame({"month": ["2024-11", "2025-02"], "filings": [3, 1], "concluded": [1, 0]})
    assert months_filled(df, "month", ["filings", "concluded"]).values.tolist() == [
        ["2024-11", 3, 1], ["2024-12", 0, 0], ["2025-01", 0, 0], ["2025-02", 1, 0]]


def test_a_county_left_empty_is_named_and_explained(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    ws = build(tmp_path, n=400, seed=3)
    at = _run(monkeypatch, ws, state={"overview_trend_tab": "按县区"})
    county = _data(at.get("vega_lite_chart")[0])["county"].tolist()
    assert "(空)" not in county and "县区未识别" in county  # generated places include unrecognisable ones
    assert any("县区未识别" in c.value and "数据质量" in c.value for c in at.caption)
