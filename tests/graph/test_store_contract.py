"""One contract for every graph back end: the embedded networkx store and the real Neo4j.

Each test runs on both (`store` is parametrised); the cross-back-end test loads the same data into both and
compares the canonical dumps.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from neo4j import Driver

from graph import model
from graph.memory_store import MemoryStore
from graph.model import Edge, Label, Node, freeze_props
from graph.neo4j_store import Neo4jStore
from graph.schema import CONSTRAINTS, INDEXES
from graph.store import Dump, GraphStore
from ingest.columns import Action
from ingest.load import GraphData, load, to_graph, write_graph
from ingest.records import Evidence, Resolution, Transfer, UnitMention, UnitRole
from tests.graph.sample import synthetic_resolution

INJECTION = "'}) DETACH DELETE n //"
NASTY = ['"; MATCH (x) DETACH DELETE x; //', "$rows", "\\u0027 `Filing` {x:1}", "王伟\n 李娜"]

BACKENDS = ["embedded", "neo4j"]
ACTIONS = {1: Action.SEND_ON, 2: Action.SEND_BACK, 3: Action.SEND_ON}


@pytest.fixture(params=BACKENDS)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[GraphStore]:
    if request.param == "embedded":
        s: GraphStore = MemoryStore(tmp_path / "graph")
    else:
        driver: Driver = request.getfixturevalue("neo4j_clean")
        s = Neo4jStore(driver, batch_size=7)  # small batches: every load spans several transactions
    yield s
    s.close()


def expected_dump(data: GraphData) -> Dump:
    """What any store must hold after writing `data` into an empty store (computed without a store)."""
    nodes: dict[tuple[str, str], dict[str, Any]] = {}
    for label, rows in data.nodes.items():
        for row in rows:
            nodes.setdefault((str(label), row[label.key]), {}).update(row)
    edges = []
    for spec, owner_rows in data.edges.items():
        for orow in owner_rows:
            for e in orow["edges"]:
                src, dst = (orow["owner"], e["other"]) if spec.owner == "src" else (e["other"], orow["owner"])
                if (str(spec.src), src) in nodes and (str(spec.dst), dst) in nodes:
                    edges.append(
                        Edge(str(spec.rel), str(spec.src), src, str(spec.dst), dst, freeze_props(e["props"]))
                    )
    return sorted(Node(lab, key, freeze_props(p)) for (lab, key), p in nodes.items()), sorted(edges)


def small() -> Resolution:
    res = synthetic_resolution(40, seed=3)
    f = res.filings[0]
    res.filings[0] = dataclasses.replace(
        f, content=INJECTION, petitioner_name=NASTY[0], receiving_org=NASTY[1]
    )
    res.filings[1] = dataclasses.replace(res.filings[1], category=NASTY[2], content=NASTY[3])
    return res


def test_load_gives_the_mapped_graph(store: GraphStore) -> None:
    res = small()
    before = time.perf_counter()
    stats = load(res, store, chunk=15)  # several chunks
    assert 0 < stats.seconds <= time.perf_counter() - before
    assert store.canonical_dump() == expected_dump(to_graph(res))
    assert stats.counts["Filing"] == 40
    assert stats.counts["FILED"] == 40
    assert stats.counts["ROUTED"] == len(res.transfers)
    assert stats.counts["Petitioner"] == len(set(res.petitioner_of.values())) + sum(
        1 for n in expected_dump(to_graph(res))[0] if ("cosigner_only", True) in n.props
    )


def test_online_filings_keep_title_account_and_reply(store: GraphStore) -> None:
    """Filing nodes hold title, account_id and reply as given; a petitioner holds every account id of the
    filings it filed (sorted); absent ones are absent, not empty."""
    res = small()
    res.filings[2] = dataclasses.replace(res.filings[2], title="标题", account_id="B9", reply="答复\n第二行")
    res.filings[3] = dataclasses.replace(res.filings[3], title="", account_id="", reply="")
    # a second account for the petitioner of filing 2, on another of their filings
    pid = res.petitioner_of[res.filings[2].filing_id]
    k = next(i for i, f in enumerate(res.filings) if i != 2 and res.petitioner_of[f.filing_id] == pid)
    res.filings[k] = dataclasses.replace(res.filings[k], account_id="A0")
    load(res, store)
    nodes = {(n.label, n.key): dict(n.props) for n in store.canonical_dump()[0]}
    f2, f3 = (nodes[("Filing", res.filings[i].filing_id)] for i in (2, 3))
    assert (f2["title"], f2["account_id"], f2["reply"]) == ("标题", "B9", "答复\n第二行")
    assert not {"title", "account_id", "reply"} & set(f3)
    mine = {f.account_id for f in res.filings if f.account_id and res.petitioner_of[f.filing_id] == pid}
    assert {"A0", "B9"} <= mine
    assert nodes[("Petitioner", pid)]["account_ids"] == tuple(sorted(mine))
    with_accounts = {res.petitioner_of[f.filing_id] for f in res.filings if f.account_id}
    assert len(with_accounts) > 3
    assert {p for (label, p), props in nodes.items() if "account_ids" in props} == with_accounts


def test_loading_twice_changes_nothing(store: GraphStore) -> None:
    res = small()
    load(res, store)
    first = store.canonical_dump()
    load(res, store)
    assert store.canonical_dump() == first
    assert store.counts()["Filing"] == 40


def test_partial_then_full_equals_full(store: GraphStore, tmp_path: Path) -> None:
    res = small()
    data = to_graph(res)
    # an interrupted load: every node, but only the first few owners' edges of each kind were written
    partial = GraphData(nodes=data.nodes, edges={spec: rows[:9] for spec, rows in data.edges.items()})
    with store.writer() as w:
        write_graph(partial, w, new=True)  # a first load that crashed half-way
    assert store.canonical_dump() != expected_dump(data)
    load(res, store)
    assert store.canonical_dump() == expected_dump(data)


def test_new_filings_merge_into_the_graph(store: GraphStore) -> None:
    res = small()
    half = dataclasses.replace(res, filings=res.filings[:20])
    load(half, store)
    assert store.counts()["Filing"] == 20
    load(res, store)
    assert store.canonical_dump() == expected_dump(to_graph(res))


def test_reresolution_moves_edges_and_prunes(store: GraphStore) -> None:
    res = small()
    load(res, store)
    # every filing of the first petitioner now belongs to another one (clusters merged)
    first_pid = res.petitioner_of[res.filings[0].filing_id]
    moved = {fid: ("P-merged" if pid == first_pid else pid) for fid, pid in res.petitioner_of.items()}
    res2 = dataclasses.replace(res, petitioner_of=moved)
    load(res2, store)
    dump = store.canonical_dump()
    assert dump == expected_dump(to_graph(res2))
    assert not any(n.label == "Petitioner" and n.key == first_pid for n in dump[0])
    filed = [e for e in dump[1] if e.rel == "FILED" and e.dst == res.filings[0].filing_id]
    assert [e.src for e in filed] == ["P-merged"]


def test_routing_chain_keeps_every_step(store: GraphStore) -> None:
    res = small()
    fid = res.filings[0].filing_id
    a, b = sorted(res.units)[:2]
    steps = [(1, a, b), (2, b, a), (3, a, b)]  # bounced: A → B → A → B
    res.transfers = [t for t in res.transfers if t.filing_id != fid] + [
        Transfer(900 + s, fid, s, date(2024, 3, s), res.units[x].name, res.units[y].name, ACTIONS[s])
        for s, x, y in steps
    ]
    res.unit_mentions = [m for m in res.unit_mentions if not (m.filing_id == fid and m.seq is not None)]
    for s, x, y in steps:
        res.unit_mentions.append(UnitMention(fid, UnitRole.FROM, s, res.units[x].name, x))
        res.unit_mentions.append(UnitMention(fid, UnitRole.TO, s, res.units[y].name, y))
    load(res, store)
    routed = sorted(
        (dict(e.props)["seq"], dict(e.props)["from_unit_id"], e.dst, dict(e.props)["date"])
        for e in store.canonical_dump()[1]
        if e.rel == "ROUTED" and e.src == fid
    )
    assert routed == [(s, x, y, date(2024, 3, s)) for s, x, y in steps]


def test_injection_looking_text_is_stored_verbatim(store: GraphStore) -> None:
    res = small()
    load(res, store)
    nodes = {(n.label, n.key): dict(n.props) for n in store.canonical_dump()[0]}
    f0, f1 = res.filings[0].filing_id, res.filings[1].filing_id
    assert nodes[("Filing", f0)]["content"] == INJECTION
    assert nodes[("Filing", f0)]["petitioner_name"] == NASTY[0]
    assert nodes[("Org", NASTY[1])]["name"] == NASTY[1]
    assert nodes[("Filing", f1)]["category"] == NASTY[2]
    assert nodes[("Filing", f1)]["content"] == NASTY[3]
    assert store.counts()["Filing"] == 40


def test_constraints_and_indexes_exist(store: GraphStore) -> None:
    store.ensure_schema()
    assert {c.name for c in CONSTRAINTS} | {i.name for i in INDEXES} <= store.schema_names()


def test_none_removes_a_property_and_missing_ends_are_skipped(store: GraphStore) -> None:
    with store.writer() as w:
        w.upsert_nodes(Label.FILING, [{"filing_id": "F1", "status": "办理中", "headcount": 2}])
        w.upsert_nodes(Label.FILING, [{"filing_id": "F1", "status": None}])
        w.upsert_nodes(Label.PETITIONER, [{"petitioner_id": "P1"}])
        written = w.replace_edges(
            model.FILED,
            [
                {"owner": "F1", "edges": [{"other": "P1", "props": {"score": 1.0, "reasons": ["a"]}}]},
                {"owner": "F-missing", "edges": [{"other": "P1", "props": {}}]},
            ],
        )
        w.replace_edges(model.ABOUT, [{"owner": "F1", "edges": [{"other": "I-missing", "props": {}}]}])
    assert written == 1
    nodes, edges = store.canonical_dump()
    assert nodes == [
        Node("Filing", "F1", (("filing_id", "F1"), ("headcount", 2))),
        Node("Petitioner", "P1", (("petitioner_id", "P1"),)),
    ]
    assert edges == [Edge("FILED", "Petitioner", "P1", "Filing", "F1", (("reasons", ("a",)), ("score", 1.0)))]


def test_clear_empties_the_store(store: GraphStore) -> None:
    load(small(), store)
    store.clear()
    assert store.canonical_dump() == ([], [])
    assert set(store.counts().values()) == {0}


def test_both_backends_hold_the_same_graph(tmp_path: Path, neo4j_clean: Driver) -> None:
    res = synthetic_resolution(300, seed=11)
    res.petitioner_evidence[res.filings[5].filing_id] = Evidence(
        7.25, ("电话一致 / phone equal (+7.3)",), "F00000001"
    )
    embedded, neo = MemoryStore(tmp_path / "g"), Neo4jStore(neo4j_clean, batch_size=64)
    load(res, embedded)
    load(res, neo)
    assert embedded.canonical_dump() == neo.canonical_dump()
    assert embedded.counts() == neo.counts()
    # and after a reload from disk
    assert MemoryStore(tmp_path / "g").canonical_dump() == neo.canonical_dump()
