"""The incremental graph update (ingest.load.update_graph) on both back ends: a batch of new filings into an
existing workspace gives the graph a fresh full ingest of everything gives, and the store receives only the
rows that changed — counted through the store's own tally (GraphStore.sent) and checked against a plain
comparison of the two graphs' rows made here, without digests.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from neo4j import Driver

from caselink.cli import cli
from graph.memory_store import MemoryStore
from graph.neo4j_store import Neo4jStore
from graph.store import GraphStore, Sent
from ingest.load import DIGESTS_FILE, to_graph, update_graph
from ingest.read import read_and_validate
from ingest.records import Resolution
from ingest.resolve import resolve_with_report

N = 360
NEW = 30


@pytest.fixture(scope="module")
def resolutions(tmp_path_factory: pytest.TempPathFactory) -> tuple[Resolution, Resolution]:
    """The demo workspace resolved without its last NEW filings, then with them (stable ids kept)."""
    out = tmp_path_factory.mktemp("demo")
    result = CliRunner().invoke(cli, ["demo-data", "--filings", str(N), "--seed", "23", "--out", str(out)])
    assert result.exit_code == 0, result.output
    read = read_and_validate(out / "filings.csv", out / "transfers.csv")
    filings = sorted(read.filings, key=lambda f: f.filing_id)
    first = {f.filing_id for f in filings[:-NEW]}
    state = tmp_path_factory.mktemp("resolution")
    before, _ = resolve_with_report(
        [f for f in filings if f.filing_id in first],
        [t for t in read.transfers if t.filing_id in first],
        state_dir=state,
    )
    after, _ = resolve_with_report(filings, read.transfers, state_dir=state)
    return before, after


@pytest.fixture(params=["embedded", "neo4j"])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[GraphStore, GraphStore]]:
    """A store and a second, fresh one to compare it with (Neo4j: the same database, cleared first)."""
    if request.param == "embedded":
        stores: tuple[GraphStore, GraphStore] = (
            MemoryStore(tmp_path / "graph"),
            MemoryStore(tmp_path / "fresh"),
        )
    else:
        driver: Driver = request.getfixturevalue("neo4j_clean")
        one = Neo4jStore(driver, batch_size=7)  # small batches: each update spans several transactions
        stores = (one, one)
    yield stores
    for s in stores:
        s.close()


def _frozen(value: Any) -> Any:
    if isinstance(value, list | tuple):
        return tuple(_frozen(v) for v in value)
    if isinstance(value, dict):
        return tuple(sorted((k, _frozen(v)) for k, v in value.items() if v is not None))
    return value


def rows_of(res: Resolution) -> tuple[dict[tuple[str, str], Any], dict[tuple[str, str], Any]]:
    """Every node row by (label, key) and every owner's edges by (edge kind, owner), frozen."""
    data = to_graph(res)
    nodes = {(str(label), str(r[label.key])): _frozen(r) for label, rows in data.nodes.items() for r in rows}
    owners = {
        (spec.name, str(r["owner"])): tuple(sorted(_frozen(e) for e in r["edges"]))
        for spec, rows in data.edges.items()
        for r in rows
    }
    return nodes, owners


def expected_sent(old: Resolution, new: Resolution) -> Sent:
    """The rows an update from `old` to `new` must send: changed or new nodes, changed edge lists (an owner
    new to the graph without edges has nothing to send), and nodes gone."""
    old_nodes, old_owners = rows_of(old)
    new_nodes, new_owners = rows_of(new)
    return Sent(
        nodes=sum(1 for k, row in new_nodes.items() if old_nodes.get(k) != row),
        owners=sum(1 for k, edges in new_owners.items() if old_owners.get(k, ()) != edges),
        edges=sum(len(edges) for k, edges in new_owners.items() if old_owners.get(k, ()) != edges),
        deleted=len(old_nodes.keys() - new_nodes.keys()),
    )


def fresh_dump(res: Resolution, fresh: GraphStore, state: Path) -> Any:
    """The graph a full ingest of `res` into an empty store gives."""
    fresh.clear()
    stats = update_graph(res, fresh, state)
    assert not stats.incremental
    return fresh.canonical_dump()


def merged(res: Resolution) -> Resolution:
    """`res` with its two busiest petitioners found to be one person (the second id goes)."""
    counts: dict[str, int] = {}
    for pid in res.petitioner_of.values():
        counts[pid] = counts.get(pid, 0) + 1
    keep, gone = sorted(counts, key=lambda p: (-counts[p], p))[:2]
    mapping = {f: keep if p == gone else p for f, p in res.petitioner_of.items()}
    return dataclasses.replace(res, petitioner_of=mapping)


def test_a_batch_sends_only_what_changed_and_gives_the_full_graph(
    resolutions: tuple[Resolution, Resolution], backend: tuple[GraphStore, GraphStore], tmp_path: Path
) -> None:
    before, after = resolutions
    store, fresh = backend
    state = tmp_path / "ws-graph"
    first = update_graph(before, store, state)
    assert not first.incremental and (state / DIGESTS_FILE).exists()

    mark = store.sent.copy()
    stats = update_graph(after, store, state)
    sent = store.sent.since(mark)
    want = expected_sent(before, after)
    assert stats.incremental, stats.why
    assert sent == want
    nodes, owners = rows_of(after)
    # a batch, not the whole graph (today's full re-resolution re-estimates the match weights, so most FILED
    # and ABOUT edges change their scores: the graph receives those, and nothing else of the old filings)
    assert 0 < sent.nodes < len(nodes) / 4 and sent.rows < (len(nodes) + len(owners)) / 4
    got = store.canonical_dump()

    mark = store.sent.copy()
    again = update_graph(after, store, state)  # the same resolution again: nothing to send
    assert again.incremental and store.sent.since(mark) == Sent()
    assert store.canonical_dump() == got

    assert got == fresh_dump(after, fresh, tmp_path / "fresh-graph")


def test_a_merge_removes_the_merged_node_and_nothing_else(
    resolutions: tuple[Resolution, Resolution], backend: tuple[GraphStore, GraphStore], tmp_path: Path
) -> None:
    _, after = resolutions
    store, fresh = backend
    state = tmp_path / "ws-graph"
    update_graph(after, store, state)
    joined = merged(after)
    mark = store.sent.copy()
    stats = update_graph(joined, store, state)
    sent = store.sent.since(mark)
    assert stats.incremental
    assert sent == expected_sent(after, joined) and sent.deleted == 1
    got = store.canonical_dump()
    assert got == fresh_dump(joined, fresh, tmp_path / "fresh-graph")


def test_a_store_changed_behind_the_workspace_is_loaded_whole(
    resolutions: tuple[Resolution, Resolution], backend: tuple[GraphStore, GraphStore], tmp_path: Path
) -> None:
    before, after = resolutions
    store, _ = backend
    state = tmp_path / "ws-graph"
    update_graph(after, store, state)
    want = store.canonical_dump()
    store.clear()  # wiped by someone else: the digests no longer describe it
    stats = update_graph(after, store, state)
    assert not stats.incremental and "no longer holds" in stats.why
    assert store.canonical_dump() == want
    forced = update_graph(after, store, state, full=True)
    assert not forced.incremental and forced.sent.nodes == len(rows_of(after)[0])
    assert store.canonical_dump() == want
