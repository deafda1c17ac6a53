"""One contract for the query library on both back ends: the embedded networkx store and the real Neo4j.

The hand-built fixture (tests/queries/fixtures.py) has, for every pattern, cases that must and must not match;
each query must give exactly the rows known by construction on both back ends. A generated data set checks
that the two back ends also agree on messier data, and EXPLAIN proves every query's Cypher is read-only.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from neo4j import Driver

from graph.memory_store import MemoryStore
from graph.neo4j_store import Neo4jStore
from graph.store import GraphStore
from ingest.load import load
from ingest.records import Resolution
from queries.registry import SPECS
from queries.run import parse_params, run_query
from tests.conftest import wipe_database
from tests.queries.fixtures import AS_OF, generated_resolution, query_fixture, skip_level_fixture

BACKENDS = ["embedded", "neo4j"]
A, B = "110101", "110102"


def _open(backend: str, request: pytest.FixtureRequest, folder: Path, res: Resolution) -> GraphStore:
    if backend == "embedded":
        store: GraphStore = MemoryStore(folder)
    else:
        driver: Driver = request.getfixturevalue("neo4j_driver")
        wipe_database(driver)
        store = Neo4jStore(driver)
    load(res, store)
    return store


@pytest.fixture(scope="module", params=BACKENDS)
def store(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[GraphStore]:
    """The hand-built fixture loaded into one back end (once per module and back end)."""
    s = _open(request.param, request, tmp_path_factory.mktemp("graph"), query_fixture())
    yield s
    s.close()


def rows(store: GraphStore, name: str, **params: Any) -> list[dict[str, Any]]:
    return run_query(name, store, params).records()


# --- expected rows, known by construction -----------------------------------------------------------------


def repeat(
    pid: str,
    iid: str,
    fids: list[str],
    first: str,
    last: str,
    channels: list[str],
    concluded: str,
    after: int,
) -> dict[str, Any]:
    return {
        "petitioner_id": pid,
        "issue_id": iid,
        "filings": len(fids),
        "filing_ids": fids,
        "first_date": first,
        "last_date": last,
        "channels": channels,
        "concluded_date": concluded,
        "after_conclusion": after > 0,
        "filings_after_conclusion": after,
    }


REPEATS = [
    repeat("P1", "I1", ["F01", "F02"], "2024-01-05", "2024-03-10", ["来信", "来访"], "2024-02-01", 1),
    repeat("P2", "I2", ["F03", "F04"], "2024-01-10", "2024-01-20", ["网上信访"], "2024-02-20", 0),
    repeat("P3", "I3", ["F05", "F06"], "2023-12-01", "2024-02-01", ["来信", "来访"], "2023-12-20", 1),
    repeat("P4", "I4", ["F07", "F08"], "2024-01-01", "2024-04-01", ["来信"], "2024-04-15", 0),
]


def test_repeat_petitions(store: GraphStore) -> None:
    assert rows(store, "repeat-petitions") == REPEATS
    assert rows(store, "repeat-petitions", min_filings="3") == []


def multi(
    pid: str, iid: str, channels: list[str], orgs: list[str], fids: list[str], by_channel: bool, by_org: bool
) -> dict[str, Any]:
    return {
        "petitioner_id": pid,
        "issue_id": iid,
        "channels": channels,
        "receiving_orgs": orgs,
        "filing_ids": fids,
        "by_channel": by_channel,
        "by_receiving_org": by_org,
    }


def test_multi_channel(store: GraphStore) -> None:
    p1 = multi("P1", "I1", ["来信", "来访"], ["乙市信访局", "甲县信访局"], ["F01", "F02"], True, False)
    p2 = multi("P2", "I2", ["网上信访"], ["甲县信访局", "省信访局"], ["F03", "F04"], False, True)
    p3 = multi("P3", "I3", ["来信", "来访"], ["甲县信访局", "省信访局"], ["F05", "F06"], True, False)
    assert rows(store, "multi-channel") == [p1, p2, p3]
    # P4 wrote to two bodies 91 days apart: multi-headed only with a window of at least 91 days
    p4 = multi("P4", "I4", ["来信"], ["乙市信访局", "甲县信访局"], ["F07", "F08"], False, True)
    assert rows(store, "multi-channel", window_days=91)[-1] == p4
    # P1 wrote to two bodies 65 days apart, P3 to two 62 days apart
    assert rows(store, "multi-channel", window_days=61) == [p1, p2, p3]
    assert [r["by_receiving_org"] for r in rows(store, "multi-channel", window_days=90)] == [True, True, True]


def test_skip_level(store: GraphStore) -> None:
    # only visits are counted by default: F03 (online, 省) and F10 (a letter, 市) may go to any level
    assert [r["filing_id"] for r in rows(store, "skip-level")] == ["F09"]
    assert rows(store, "skip-level", channels="来访,来信,网上信访") == [
        {
            "filing_id": "F03",
            "petitioner_id": "P2",
            "issue_id": "I2",
            "receiving_level": "省",
            "received_date": "2024-01-10",
            "receiving_org": "省信访局",
            "channel": "网上信访",
        },
        {
            "filing_id": "F09",
            "petitioner_id": "P5",
            "issue_id": "I5",
            "receiving_level": "国家",
            "received_date": "2024-05-01",
            "receiving_org": "国家信访局",
            "channel": "来访",
        },
        {
            "filing_id": "F10",
            "petitioner_id": "P6",
            "issue_id": "I5",
            "receiving_level": "市",
            "received_date": "2024-06-01",
            "receiving_org": "乙市信访局",
            "channel": "来信",
        },
    ]
    # counting 市 as local too leaves only the provincial and national first filings
    every = "来访,来信,网上信访"
    assert [
        r["filing_id"] for r in rows(store, "skip-level", local_levels="乡镇,县,市", channels=every)
    ] == ["F03", "F09"]
    assert [r["filing_id"] for r in rows(store, "skip-level", local_levels="乡镇,县,市,省,国家")] == []


@pytest.fixture(scope="module", params=BACKENDS)
def channel_store(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[GraphStore]:
    """tests/queries/fixtures.skip_level_fixture loaded into one back end."""
    s = _open(request.param, request, tmp_path_factory.mktemp("channels"), skip_level_fixture())
    yield s
    s.close()


def test_skip_level_counts_visits_only_by_default(channel_store: GraphStore) -> None:
    """An online message to a city is not skip-level, a visit is (domain.md, 信访工作条例 Art. 24)."""
    got = rows(channel_store, "skip-level")
    assert [(r["filing_id"], r["petitioner_id"], r["channel"], r["receiving_level"]) for r in got] == [
        ("G2", "S2", "来访", "市"),
        ("G4", "S3", "来访", "市"),
    ]
    online = rows(channel_store, "skip-level", channels="网上信访")
    assert [(r["filing_id"], r["receiving_level"]) for r in online] == [("G1", "市"), ("G3", "市")]
    others = rows(channel_store, "skip-level", channels="电话,领导信箱,来信")
    assert [r["filing_id"] for r in others] == ["G7", "G8", "G9"]
    # S5's phone call at 省 is not local, so it does not stop the later letter or mailbox message
    every = rows(channel_store, "skip-level", channels="来访,来信,网上信访,电话,领导信箱")
    assert [r["filing_id"] for r in every] == ["G1", "G2", "G3", "G4", "G7", "G8", "G9"]


def test_cross_county(store: GraphStore) -> None:
    assert rows(store, "cross-county") == [
        {
            "group_id": "F11",
            "kind": "Filing",
            "petitioner_ids": ["P7", "P8"],
            "counties": [A, B],
            "issue_ids": ["I6"],
            "size": 2,
        },
        {
            "group_id": "I5",
            "kind": "Issue",
            "petitioner_ids": ["P5", "P6"],
            "counties": [A, B],
            "issue_ids": ["I5"],
            "size": 2,
        },
        {
            "group_id": "I6",
            "kind": "Issue",
            "petitioner_ids": ["P7", "P8"],
            "counties": [A, B],
            "issue_ids": ["I6"],
            "size": 2,
        },
    ]
    one_county = rows(store, "cross-county", min_counties=1)
    assert {
        "group_id": "F12",
        "kind": "Filing",
        "petitioner_ids": ["P1", "P2"],
        "counties": [A],
        "issue_ids": ["I7"],
        "size": 2,
    } in one_county
    assert len(one_county) == 10  # 8 issues and 2 co-signed filings


def test_bounced_cases(store: GraphStore) -> None:
    assert rows(store, "bounced-cases") == [
        {
            "filing_id": "F03",
            "chain": ["信访局", "自然资源局", "住建局", "自然资源局"],
            "chain_unit_ids": ["U08", "U01", "U02", "U01"],
            "distinct_units": 2,
            "returns": 1,
            "send_backs": 0,
            "days_in_routing": 14,
            "reason": ["return"],
        },
        {
            "filing_id": "F05",
            "chain": ["信访局", "人社局", "信访局"],
            "chain_unit_ids": ["U08", "U03", "U08"],
            "distinct_units": 1,
            "returns": 0,
            "send_backs": 1,
            "days_in_routing": 3,
            "reason": ["send_back"],
        },
        {
            "filing_id": "F07",
            "chain": ["信访局", "自然资源局", "住建局", "人社局"],
            "chain_unit_ids": ["U08", "U01", "U02", "U03"],
            "distinct_units": 3,
            "returns": 0,
            "send_backs": 0,
            "days_in_routing": 7,
            "reason": ["many_units"],
        },
        {
            "filing_id": "F10",
            "chain": ["信访局", "自然资源局", "住建局", "自然资源局", "住建局"],
            "chain_unit_ids": ["U08", "U01", "U02", "U01", "U02"],
            "distinct_units": 2,
            "returns": 2,
            "send_backs": 1,
            "days_in_routing": 10,
            "reason": ["return", "send_back"],
        },
    ]


def test_bounced_cases_parameters(store: GraphStore) -> None:
    # counting 协办 and 督办 as moves makes F01 a three-unit chain
    moved = rows(store, "bounced-cases", ignore_actions="")
    assert [r["filing_id"] for r in moved] == ["F01", "F03", "F05", "F07", "F10"]
    # with no dispatch-only units, F08 (信访局→热线→信访局) and F09 (U01→信访局→U01) return
    every_unit = rows(store, "bounced-cases", dispatch_markers="")
    assert {"F08", "F09"} <= {r["filing_id"] for r in every_unit}
    assert [r["filing_id"] for r in rows(store, "bounced-cases", min_units=2)] == ["F03", "F05", "F07", "F10"]


def test_unit_bounce_pairs(store: GraphStore) -> None:
    pair = {
        "unit_a": "U01",
        "unit_b": "U02",
        "unit_a_name": "自然资源局",
        "unit_b_name": "住建局",
        "bounces": 3,
        "filings": 2,
        "filing_ids": ["F03", "F10"],
    }
    assert rows(store, "unit-bounce-pairs") == [pair]
    assert rows(store, "unit-bounce-pairs", min_bounces=4) == []


def test_overdue(store: GraphStore) -> None:
    def late(
        fid: str,
        pid: str,
        iid: str,
        day: str,
        status: str | None,
        unit: str | None,
        ext: bool,
        limit: int,
        days: int,
        unit_id: str | None = None,
    ) -> dict[str, Any]:
        return {
            "filing_id": fid,
            "petitioner_id": pid,
            "issue_id": iid,
            "received_date": day,
            "status": status,
            "responsible_unit": unit,
            "extended": ext,
            "limit_days": limit,
            "days_open": days,
            "days_overdue": days - limit,
            "responsible_unit_id": unit_id,
        }

    assert rows(store, "overdue", as_of=AS_OF.isoformat()) == [
        late("F04", "P2", "I2", "2024-01-20", "办理中", None, False, 60, 194),
        late("F02", "P1", "I1", "2024-03-10", "办理中", "自然资源局", False, 60, 144, "U01"),
        late("F08", "P4", "I4", "2024-04-01", "办理中", None, True, 90, 122),
        late("F09", "P5", "I5", "2024-05-01", None, None, False, 60, 92),
    ]
    # F10 is 61 days open with an extension: overdue only when extensions are not recognised
    no_ext = rows(store, "overdue", as_of=AS_OF, extension_marker="不会出现的备注")
    assert [r["filing_id"] for r in no_ext] == ["F04", "F02", "F08", "F09", "F10"]
    assert rows(store, "overdue", as_of="2024-01-01") == []


def test_concluded_late(store: GraphStore) -> None:
    # F07 took 105 days (2024-01-01 → 04-15) without an extension; the other concluded filings 19–41 days
    assert rows(store, "concluded-late") == [
        {
            "filing_id": "F07",
            "petitioner_id": "P4",
            "issue_id": "I4",
            "received_date": "2024-01-01",
            "concluded_date": "2024-04-15",
            "status": "已办结",
            "responsible_unit": None,
            "extended": False,
            "limit_days": 60,
            "days_taken": 105,
            "days_late": 45,
        }
    ]
    # with a 10-day limit every concluded filing is late (F06 took 19 days, F13 20); open ones never are
    ten = rows(store, "concluded-late", limit_days=10, extended_days=10)
    assert [(r["filing_id"], r["days_late"]) for r in ten][-2:] == [("F13", 10), ("F06", 9)]
    assert {r["filing_id"] for r in ten} == {"F01", "F03", "F05", "F06", "F07", "F13"}
    # a 20-day limit, and F05's note (不属本单位职责) read as an extension to 25 days: F13 took exactly 20
    short = rows(store, "concluded-late", limit_days=20, extended_days=25, extension_marker="职责")
    got = [(r["filing_id"], r["extended"], r["limit_days"], r["days_taken"], r["days_late"]) for r in short]
    assert got == [
        ("F07", False, 20, 105, 85),
        ("F03", False, 20, 41, 21),
        ("F01", False, 20, 27, 7),
        ("F05", True, 25, 29, 4),
    ]
    assert rows(store, "concluded-late", limit_days=200, extended_days=200) == []


def test_petitioner_profile(store: GraphStore) -> None:
    got = rows(store, "petitioner", petitioner_id="P2")
    assert [(r["filing_id"], r["role"], r["issue_id"]) for r in got] == [
        ("F03", "FILED", "I2"),
        ("F04", "FILED", "I2"),
        ("F12", "CO_SIGNED", "I7"),
    ]
    assert got[0]["units"] == ["住建局", "自然资源局"]
    assert got[0]["received_date"] == "2024-01-10" and got[0]["concluded_date"] == "2024-02-20"
    assert got[2]["co_petitioner_ids"] == ["P1"] and got[2]["issue_petitioner_ids"] == ["P1"]
    assert got[1]["co_petitioner_ids"] == [] and got[1]["issue_petitioner_ids"] == []
    assert rows(store, "petitioner", petitioner_id="nobody") == []


def test_neighbourhood(store: GraphStore) -> None:
    one = [(r["label"], r["key"], r["distance"]) for r in rows(store, "neighbourhood", key="F11")]
    assert one == [
        ("Filing", "F11", 0),
        ("County", A, 1),
        ("Issue", "I6", 1),
        ("Org", "丙县信访局", 1),
        ("Petitioner", "P7", 1),
        ("Petitioner", "P8", 1),
    ]
    two = rows(store, "neighbourhood", key="F11", hops=2)
    assert ("Filing", "F13", 2) in [(r["label"], r["key"], r["distance"]) for r in two]
    assert rows(store, "neighbourhood", key="F11", hops=2, limit=3) == two[:3]
    assert rows(store, "neighbourhood", key="F11", label="Unit") == []
    assert rows(store, "neighbourhood", key="U02", hops=0) == [{"label": "Unit", "key": "U02", "distance": 0}]


def test_path(store: GraphStore) -> None:
    got = [
        (r["step"], r["label"], r["key"], r["rel"]) for r in rows(store, "path", from_id="F03", to_id="F05")
    ]
    # several 4-step paths exist (through U01 or U02, F01 or F07); the first by node keys is shown
    assert got == [
        (0, "Filing", "F03", None),
        (1, "Unit", "U01", "ROUTED"),
        (2, "Filing", "F01", "ROUTED"),
        (3, "Unit", "U03", "ROUTED"),
        (4, "Filing", "F05", "ROUTED"),
    ]
    cosigned = [(r["label"], r["key"], r["rel"]) for r in rows(store, "path", from_id="P7", to_id="P8")]
    assert cosigned == [
        ("Petitioner", "P7", None),
        ("Filing", "F11", "FILED"),
        ("Petitioner", "P8", "CO_SIGNED"),
    ]
    assert rows(store, "path", from_id="F03", to_id="F05", max_hops=3) == []
    assert rows(store, "path", from_id="F11", to_id="F01") == []  # only a county or a body joins them


def test_path_avoids_dispatch_hubs_unless_asked(store: GraphStore) -> None:
    """F08 and F05 both pass the 信访局 U08: a two-step connection that says nothing. By default the path
    goes round the dispatch hubs (信访局, 热线 …); avoid_units="" allows them."""
    hubs = [(r["label"], r["key"]) for r in rows(store, "path", from_id="F08", to_id="F05", avoid_units="")]
    assert hubs == [("Filing", "F08"), ("Unit", "U08"), ("Filing", "F05")]
    default = [(r["label"], r["key"]) for r in rows(store, "path", from_id="F08", to_id="F05")]
    assert len(default) > 3 and not {"U08", "U09"} & {k for _, k in default}
    assert default[0] == ("Filing", "F08") and default[-1] == ("Filing", "F05")


# --- both back ends agree on data from the project's generator; the Cypher only reads ----------------------


@pytest.fixture(scope="module")
def generated(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, GraphStore]]:
    res = generated_resolution(600, 3, tmp_path_factory.mktemp("demo"))
    stores = {b: _open(b, request, tmp_path_factory.mktemp(b), res) for b in BACKENDS}
    yield stores
    for s in stores.values():
        s.close()


GENERATED_CASES: list[tuple[str, dict[str, Any]]] = [
    ("repeat-petitions", {}),
    ("repeat-petitions", {"min_filings": 4}),
    ("multi-channel", {}),
    ("multi-channel", {"window_days": 0, "min_channels": 3}),
    ("skip-level", {}),
    ("cross-county", {}),
    ("bounced-cases", {}),
    ("bounced-cases", {"min_units": 2, "dispatch_markers": ""}),
    ("unit-bounce-pairs", {}),
    ("overdue", {"as_of": "2026-11-01"}),
    ("concluded-late", {}),
    ("concluded-late", {"limit_days": 30, "extension_marker": "转"}),
    ("petitioner", {"petitioner_id": "FIRST_PETITIONER"}),
    ("neighbourhood", {"key": "XF20230000007", "hops": 2}),
    ("neighbourhood", {"key": "130104:petition_bureau", "hops": 2, "limit": 100}),
    ("path", {"from_id": "XF20230000007", "to_id": "XF20260000092", "max_hops": 12}),  # round the hubs
    ("path", {"from_id": "XF20230000001", "to_id": "XF20240000092", "avoid_units": ""}),
    ("path", {"from_id": "XF20230000001", "to_id": "XF20240000099", "max_hops": 12, "avoid_units": ""}),
    ("search", {"text": "NAME_OF_FIRST_PETITIONER"}),
]


@pytest.mark.parametrize(
    ("name", "params"), GENERATED_CASES, ids=[f"{n}-{i}" for i, (n, _) in enumerate(GENERATED_CASES)]
)
def test_back_ends_agree_on_generated_data(
    generated: dict[str, GraphStore], name: str, params: dict[str, Any]
) -> None:
    if params.get("petitioner_id") == "FIRST_PETITIONER":
        params = {"petitioner_id": run_query("repeat-petitions", generated["embedded"], {}).rows[0][0]}
    if params.get("text") == "NAME_OF_FIRST_PETITIONER":  # a name: the person's filings come with it
        first = run_query("repeat-petitions", generated["embedded"], {}).rows[0][0]
        card = run_query("entities", generated["embedded"], {"keys": [first]}).records()[0]
        params = {"text": card["name"]}
    embedded = run_query(name, generated["embedded"], params)
    neo4j = run_query(name, generated["neo4j"], params)
    assert embedded.rows == neo4j.rows
    assert embedded.rows, f"{name} {params} found nothing: the comparison would prove little"


PAGED = [s.name for s in SPECS if s.paged]


@pytest.mark.parametrize("name", PAGED)
def test_pages_are_slices_of_the_complete_result(generated: dict[str, GraphStore], name: str) -> None:
    """limit/offset give the same rows, in the same order, as cutting the complete result (limit 0)."""
    complete = run_query(name, generated["embedded"], {}).rows
    assert len(complete) > 5, f"{name}: too few rows on the generated data to test paging"
    assert run_query(name, generated["neo4j"], {"limit": 0}).rows == complete
    for backend, store in generated.items():
        for offset, limit in ((0, 1), (0, 5), (3, 2), (len(complete) - 2, 10), (len(complete) + 1, 3)):
            page = run_query(name, store, {"offset": offset, "limit": limit}).rows
            assert page == complete[offset : offset + limit], (backend, offset, limit)
        assert run_query(name, store, {"offset": 2}).rows == complete[2:], backend


def test_neo4j_reads_a_page_in_index_order_and_stops(neo4j_driver: Driver) -> None:
    """The paged queries read their leading key from its index, in order: no Sort (or Top) on that key, so a
    page is cut while the rows stream and costs its rows, not the whole graph."""
    for name in PAGED:
        if name == "cross-county":
            continue  # two kinds of groups from two labels: sorted once built (see its header)
        spec = next(s for s in SPECS if s.name == name)
        params = parse_params(spec, {"limit": 10})
        plan = neo4j_driver.execute_query("EXPLAIN " + spec.cypher, params).summary.plan
        ops = _operators(plan)
        key = spec.columns[0]
        assert any(op == "NodeIndexScan" and key in details for op, details in ops), (name, ops)
        assert not any(op in ("Sort", "Top") and key in details for op, details in ops), (name, ops)


def test_neo4j_search_reads_indexes_not_every_node(
    generated: dict[str, GraphStore], neo4j_driver: Driver
) -> None:
    """Every branch of search starts from an index (text indexes, and the range index on Filing.account_id for
    an account id), never from a scan of a label: a search at 1M filings reads what matches."""
    spec = next(s for s in SPECS if s.name == "search")
    for text in ("A0001234", "王", "XF2024"):
        params = parse_params(spec, {"text": text})
        ops = _operators(neo4j_driver.execute_query("EXPLAIN " + spec.cypher, params).summary.plan)
        assert not any(op in ("NodeByLabelScan", "AllNodesScan") for op, _ in ops), (text, ops)
        assert any(op == "NodeIndexSeek" and "account_id" in details for op, details in ops), ops


def _operators(plan: dict[str, Any]) -> list[tuple[str, str]]:
    """(operator, details) of every operator of an EXPLAIN plan."""
    op = (plan["operatorType"].split("@")[0], str(plan.get("args", {}).get("Details", "")))
    return [op] + [o for child in plan.get("children", []) for o in _operators(child)]


@pytest.mark.parametrize("name", [s.name for s in SPECS])
def test_cypher_is_read_only(neo4j_driver: Driver, name: str) -> None:
    spec = next(s for s in SPECS if s.name == name)
    required = {p.name: "X1" for p in spec.params if p.required}
    if name == "path":
        required = {"from_id": "X1", "to_id": "X2"}
    params = parse_params(spec, required)
    summary = neo4j_driver.execute_query("EXPLAIN " + spec.cypher, params).summary
    assert summary.query_type == "r"
    assert spec.is_write is False


# --- explorer queries (search, cards, links, filing and entity pages, overview trends) ----------------------


def test_overview_trends(store: GraphStore) -> None:
    got = rows(store, "overview-trends")
    assert sum(r["filings"] for r in got) == 13
    assert sum(r["concluded"] for r in got) == 6  # F01, F03, F05, F06, F07, F13
    assert sum(r["with_status"] for r in got) == 12  # all but F09
    assert got[2] == {
        "month": "2024-01",
        "channel": "网上信访",
        "category": None,
        "county": A,
        "county_name": "东城区",
        "filings": 2,
        "concluded": 1,
        "with_status": 2,
    }  # F03 (concluded) and F04
    assert [(r["month"], r["county"]) for r in got if r["county"] == B] == [("2024-02", B), ("2024-06", B)]


def test_search(store: GraphStore) -> None:
    def found(text: str, **params: Any) -> list[tuple[str, str, int]]:
        return [(r["label"], r["key"], r["rank"]) for r in rows(store, "search", text=text, **params)]

    # a name finds the person and the filings they filed or co-signed, whatever those filings' text says
    assert found("赵一") == [("Filing", "F01", 2), ("Filing", "F02", 2), ("Filing", "F12", 2),
                            ("Petitioner", "P1", 2)]
    assert found("王八") == [("Filing", "F11", 2), ("Filing", "F13", 2), ("Petitioner", "P8", 2)]
    assert found("赵") == [("Petitioner", "P1", 4)]
    assert found("F01") == [("Filing", "F01", 0)]
    # a key part shorter than 4 characters is not searched: F10–F13 come from their text ("F10 的诉求")
    assert found("F1") == [("Filing", f, 5) for f in ("F10", "F11", "F12", "F13")]
    assert found("的诉求", limit=2) == [("Filing", "F01", 5), ("Filing", "F02", 5)]
    assert found("事项I6") == [("Issue", "I6", 2)]
    assert found("局") == [("Unit", u, 4) for u in ("U01", "U02", "U03", "U08")]
    assert found("") == []
    p7 = rows(store, "search", text="P7")[0]
    assert p7 == {
        "label": "Petitioner",
        "key": "P7",
        "name": "郑七",
        "category": None,
        "received_date": None,
        "county": A,
        "id_number": None,
        "phone": None,
        "rank": 0,
        "title": None,
        "account_ids": None,
    }


def test_entities(store: GraphStore) -> None:
    got = rows(store, "entities", keys="F11,P7,I6,U01,110101,甲县信访局,P7,nobody")
    assert [(r["label"], r["key"], r["name"], r["category"]) for r in got] == [
        ("County", A, "东城区", None),
        ("Filing", "F11", "郑七", None),
        ("Issue", "I6", "事项I6", None),
        ("Org", "甲县信访局", "甲县信访局", "县"),
        ("Petitioner", "P7", "郑七", None),
        ("Unit", "U01", "自然资源局", "county_department"),
    ]
    assert got[1]["received_date"] == "2024-07-15" and got[1]["status"] == "待受理"
    assert rows(store, "entities", keys="nobody") == []


def test_links(store: GraphStore) -> None:
    got = [tuple(r.values()) for r in rows(store, "links", keys="F11,P7,P8,I6,110101")]
    assert got == [
        ("Filing", "F11", "ABOUT", "Issue", "I6", 1),
        ("Filing", "F11", "LOCATED_IN", "County", A, 1),
        ("Issue", "I6", "LOCATED_IN", "County", A, 1),
        ("Petitioner", "P7", "FILED", "Filing", "F11", 1),
        ("Petitioner", "P7", "LOCATED_IN", "County", A, 1),
        ("Petitioner", "P8", "CO_SIGNED", "Filing", "F11", 1),
    ]
    # F03 goes to U01 twice (U01 → U02 → U01): one row, two edges
    assert rows(store, "links", keys="F03,U01")[0] == {
        "src_label": "Filing",
        "src": "F03",
        "rel": "ROUTED",
        "dst_label": "Unit",
        "dst": "U01",
        "edges": 2,
    }


def test_filing(store: GraphStore) -> None:
    got = rows(store, "filing", filing_id="F03")
    assert [(r["seq"], r["action"], r["from_unit"], r["to_unit_id"], r["to_unit"]) for r in got] == [
        (1, "交办", "信访局", "U01", "自然资源局"),
        (2, "转送", "自然资源局", "U02", "住建局"),
        (3, "转送", "住建局", "U01", "自然资源局"),
    ]
    assert {(r["petitioner_id"], r["issue_id"], r["received_date"], r["content"]) for r in got} == {
        ("P2", "I2", "2024-01-10", "F03 的诉求")
    }
    (f11,) = rows(store, "filing", filing_id="F11")
    assert f11["co_petitioner_ids"] == ["P8"] and f11["headcount"] == 2
    assert f11["seq"] is None and f11["to_unit_id"] is None
    assert rows(store, "filing", filing_id="F02")[0]["responsible_unit_id"] == "U01"
    assert rows(store, "filing", filing_id="nobody") == []


def test_entity_filings(store: GraphStore) -> None:
    unit = [(r["filing_id"], r["relation"]) for r in rows(store, "entity-filings", key="U01", label="Unit")]
    assert unit == [
        ("F07", "ROUTED"),
        ("F01", "ROUTED"),
        ("F03", "ROUTED"),
        ("F02", "HANDLED_BY"),
        ("F08", "ROUTED"),
        ("F09", "ROUTED"),
        ("F10", "ROUTED"),
    ]
    issue = rows(store, "entity-filings", key="I5")
    assert [(r["filing_id"], r["petitioner_id"], r["petitioner_name"], r["relation"]) for r in issue] == [
        ("F09", "P5", "周五", "ABOUT"),
        ("F10", "P6", "吴六", "ABOUT"),
    ]
    assert rows(store, "entity-filings", key="I5", label="Unit") == []
    # each filing says what it is about: the first line of its text (at most 60 characters)
    assert [r["first_line"] for r in issue] == ["F09 的诉求", "F10 的诉求"]


def test_first_line_of_a_filing() -> None:
    from queries.embedded import _first_line

    assert _first_line("关于征地补偿的反映\n我们村……") == "关于征地补偿的反映"
    assert _first_line("长" * 80) == "长" * 60 and _first_line(None) is None


def test_online_filings_carry_title_account_and_reply(channel_store: GraphStore) -> None:
    (g1,) = rows(channel_store, "filing", filing_id="G1")
    assert (g1["title"], g1["account_id"], g1["reply"]) == ("小区噪音扰民", "A0001", "已责成街道办事处处理。")
    (g2,) = rows(channel_store, "filing", filing_id="G2")
    assert (g2["title"], g2["account_id"], g2["reply"]) == (None, None, None)
    # a filing is named by its title where it has one; a petitioner carries every account id of its filings
    cards = {r["key"]: r for r in rows(channel_store, "entities", keys="G1,G2,S3,S5,S2")}
    assert (cards["G1"]["name"], cards["G2"]["name"]) == ("小区噪音扰民", "信访人S2")
    assert [cards[p]["account_ids"] for p in ("S3", "S5", "S2")] == [["A0003"], ["人S5"], None]
    on_issue = rows(channel_store, "entity-filings", key="J3")
    assert [(r["filing_id"], r["title"]) for r in on_issue] == [("G3", "道路破损无人修"), ("G4", None)]


def test_search_finds_an_account_id_exactly(channel_store: GraphStore) -> None:
    def found(text: str) -> list[tuple[str, str, int]]:
        return [(r["label"], r["key"], r["rank"]) for r in rows(channel_store, "search", text=text)]

    # one account used by two petitioners: both, and each filing sent from it
    assert found("A0003") == [("Filing", "G3", 1), ("Filing", "G5", 1), ("Petitioner", "S3", 1),
                              ("Petitioner", "S4", 1)]  # fmt: skip
    got = {r["key"]: r for r in rows(channel_store, "search", text="A0003")}
    assert (got["G3"]["title"], got["G3"]["account_ids"], got["G3"]["name"]) == (
        "道路破损无人修", ["A0003"], "信访人S3"
    )
    assert (got["S4"]["account_ids"], got["S4"]["title"]) == (["A0003"], None)
    assert found("A000") == [] and found("0003") == []  # account ids match whole, never in part
    # 人S5 is S5's account and part of S5's name: S5 once, at the better rank
    assert found("人S5") == [("Filing", "G8", 1), ("Petitioner", "S5", 1)]
    # filing titles are searched like names
    assert found("小区噪音扰民") == [("Filing", "G1", 2)]
    assert found("噪音") == [("Filing", "G1", 4)]


def _explorer_params(store: GraphStore, params: dict[str, Any]) -> dict[str, Any]:
    """Fill placeholders with values taken from the generated data (through the embedded store)."""
    f7 = run_query("filing", store, {"filing_id": "XF20230000007"}).records()[0]
    near = [
        r["key"] for r in run_query("neighbourhood", store, {"key": "XF20230000007", "hops": 2}).records()
    ]
    person = run_query("entities", store, {"keys": [f7["petitioner_id"]]}).records()[0]
    fill = {
        "PHONE": person["phone"],
        "ID_NUMBER": person["id_number"],
        "ISSUE": f7["issue_id"],
        "UNIT": f7["responsible_unit_id"],
        "NEAR": near,
    }
    return {k: fill.get(v, v) if isinstance(v, str) else v for k, v in params.items()}


EXPLORER_CASES: list[tuple[str, dict[str, Any]]] = [
    ("overview-trends", {}),
    ("search", {"text": "PHONE"}),
    ("search", {"text": "ID_NUMBER"}),
    ("search", {"text": "王", "limit": 200}),
    ("search", {"text": "拆迁", "limit": 200}),
    ("search", {"text": "XF2024000009"}),
    ("entities", {"keys": "NEAR"}),
    ("links", {"keys": "NEAR"}),
    ("filing", {"filing_id": "XF20230000007"}),
    ("entity-filings", {"key": "ISSUE"}),
    ("entity-filings", {"key": "UNIT", "label": "Unit"}),
]


@pytest.mark.parametrize(
    ("name", "params"), EXPLORER_CASES, ids=[f"{n}-{i}" for i, (n, _) in enumerate(EXPLORER_CASES)]
)
def test_back_ends_agree_on_explorer_queries(
    generated: dict[str, GraphStore], name: str, params: dict[str, Any]
) -> None:
    params = _explorer_params(generated["embedded"], params)
    embedded = run_query(name, generated["embedded"], params)
    neo4j = run_query(name, generated["neo4j"], params)
    assert embedded.rows == neo4j.rows
    assert embedded.rows, f"{name} {params} found nothing: the comparison would prove little"
