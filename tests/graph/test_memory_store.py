"""The embedded store on disk: atomic save, failed writes, read-only view, settings."""

from __future__ import annotations

import gc
from pathlib import Path

import networkx as nx
import pytest

from graph import model
from graph.errors import GraphError
from graph.memory_store import FILE_NAME, MemoryStore
from graph.model import Label
from graph.settings import Settings
from graph.store import open_store
from ingest.load import load
from tests.graph.sample import synthetic_resolution


class Ws:
    """The part of caselink.workspace.Workspace that open_store needs."""

    def __init__(self, root: Path) -> None:
        self.graph_dir = root / "graph"


def test_round_trip_through_the_workspace(tmp_path: Path) -> None:
    ws = Ws(tmp_path)
    store = open_store(Settings(), ws)
    assert isinstance(store, MemoryStore)
    load(synthetic_resolution(120, seed=2), store)
    dump, counts = store.canonical_dump(), store.counts()
    store.close()
    again = open_store(Settings(), ws)  # a later `caselink serve` / `query` in another process
    assert again.canonical_dump() == dump
    assert again.counts() == counts
    assert counts["Filing"] == 120
    assert [p.name for p in (tmp_path / "graph").iterdir()] == [FILE_NAME]  # no temporary file left behind


def test_nothing_is_read_until_used(tmp_path: Path) -> None:
    (tmp_path / "graph").mkdir()
    (tmp_path / "graph" / FILE_NAME).write_bytes(b"not a pickle")
    store = MemoryStore(tmp_path / "graph")  # lazy: opening does not read
    with pytest.raises(GraphError, match="cannot be read"):
        store.counts()


def test_a_failed_writer_block_leaves_the_file_as_it_was(tmp_path: Path) -> None:
    store = MemoryStore(tmp_path)
    with store.writer() as w:
        w.upsert_nodes(Label.FILING, [{"filing_id": "F1"}])
    before = (tmp_path / FILE_NAME).read_bytes()
    with pytest.raises(RuntimeError), store.writer() as w:
        w.upsert_nodes(Label.FILING, [{"filing_id": "F2"}])
        raise RuntimeError("crash half-way")
    assert (tmp_path / FILE_NAME).read_bytes() == before
    assert store.counts()["Filing"] == 1  # the in-memory change was dropped too


def test_view_is_read_only_and_keyed_by_label_and_key(tmp_path: Path) -> None:
    store = MemoryStore(tmp_path)
    with store.writer() as w:
        w.upsert_nodes(Label.FILING, [{"filing_id": "F1", "channel": "来信"}])
        w.upsert_nodes(Label.UNIT, [{"unit_id": "U1"}, {"unit_id": "U2"}])
        w.replace_edges(
            model.ROUTED,
            [
                {
                    "owner": "F1",
                    "edges": [{"other": "U1", "props": {"seq": 1}}, {"other": "U2", "props": {"seq": 2}}],
                }
            ],
        )
    view = store.view()
    assert view.node(Label.FILING, "F1") == {"filing_id": "F1", "channel": "来信"}
    assert sorted(k for _, _, k in view.graph.out_edges(("Filing", "F1"), keys=True)) == [
        ("ROUTED", 1),
        ("ROUTED", 2),
    ]
    assert sorted(key for key, _ in view.nodes(Label.UNIT)) == ["U1", "U2"]
    with pytest.raises(nx.NetworkXError):
        view.graph.add_node(("Filing", "F9"))


def test_settings_default_to_embedded_and_pick_neo4j_when_a_uri_is_set(tmp_path: Path) -> None:
    assert Settings.from_env({}, dotenv=None).backend == "embedded"
    s = Settings.from_env(
        {"CASELINK_NEO4J_URI": "bolt://h:7687", "CASELINK_NEO4J_PASSWORD": "pw"}, dotenv=None
    )
    assert (s.backend, s.neo4j_uri, s.neo4j_user, s.neo4j_password) == (
        "neo4j",
        "bolt://h:7687",
        "neo4j",
        "pw",
    )
    assert "pw" not in repr(s)
    assert (
        Settings.from_env({"CASELINK_NEO4J_URI": "bolt://h"}, backend="embedded", dotenv=None).backend
        == "embedded"
    )
    env = tmp_path / ".env"
    env.write_text(
        "# local\nexport CASELINK_NEO4J_URI='bolt://x:1'\nCASELINK_NEO4J_USER=u\n", encoding="utf-8"
    )
    s = Settings.from_env({"CASELINK_NEO4J_USER": "wins"}, dotenv=env)
    assert (s.backend, s.neo4j_uri, s.neo4j_user) == ("neo4j", "bolt://x:1", "wins")
    with pytest.raises(GraphError, match="CASELINK_NEO4J_URI"):
        Settings.from_env({}, backend="neo4j", dotenv=None)
    with pytest.raises(GraphError, match="Unknown backend"):
        Settings.from_env({"CASELINK_BACKEND": "sqlite"}, dotenv=None)


@pytest.mark.parametrize("collecting", [True, False])
def test_reading_pauses_the_collector_and_freezes_the_graph_until_closed(
    tmp_path: Path, collecting: bool
) -> None:
    ws = Ws(tmp_path)
    store = open_store(Settings(), ws)
    load(synthetic_resolution(30, seed=4), store)
    dump = store.canonical_dump()
    store.close()
    (tmp_path / "broken").mkdir()
    (tmp_path / "broken" / FILE_NAME).write_bytes(b"CASELINK-STATE truncated")
    was = gc.isenabled()
    try:
        gc.enable() if collecting else gc.disable()
        again = open_store(Settings(), ws)
        assert again.canonical_dump() == dump
        assert gc.isenabled() is collecting
        assert gc.get_freeze_count() > 0  # the graph read is out of the collector's sight ...
        again.close()
        assert gc.get_freeze_count() == 0  # ... until the store is closed
        with pytest.raises(GraphError, match="cannot be read"):
            MemoryStore(tmp_path / "broken").counts()
        assert gc.isenabled() is collecting
    finally:
        gc.enable() if was else gc.disable()


def test_prefetch_reads_the_graph_once_in_the_background(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import threading
    import time

    ws = Ws(tmp_path)
    with open_store(Settings(), ws) as store:
        load(synthetic_resolution(40, seed=3), store)
        dump = store.canonical_dump()
    reads: list[str] = []
    slow_read = MemoryStore._read

    def counted(self: MemoryStore) -> nx.MultiDiGraph:
        reads.append(threading.current_thread().name)
        time.sleep(0.3)  # a query arrives while the read is under way
        return slow_read(self)

    monkeypatch.setattr(MemoryStore, "_read", counted)
    store = open_store(Settings(), ws)
    assert isinstance(store, MemoryStore)
    store.prefetch()
    deadline = time.monotonic() + 10
    while not reads and time.monotonic() < deadline:  # the background read has begun
        time.sleep(0.01)
    store.prefetch()  # a second page view while the first read runs starts nothing more
    assert store.canonical_dump() == dump  # waits for the background read instead of reading again
    assert reads == ["caselink-graph-prefetch"]
    store.prefetch()  # already in memory: nothing to do
    assert reads == ["caselink-graph-prefetch"]
    store.close()


def test_prefetch_of_an_empty_workspace_starts_nothing(tmp_path: Path) -> None:
    import threading

    store = open_store(Settings(), Ws(tmp_path))
    store.prefetch()
    assert "caselink-graph-prefetch" not in [t.name for t in threading.enumerate()]
    assert store.counts()["Filing"] == 0
    store.close()


def test_a_read_graph_keeps_the_order_of_nodes_edges_and_properties(tmp_path: Path) -> None:
    """graph_from_tables builds rows by the columns they have values in, then interleaves labels and
    relationship types back: what comes out is the saved graph in the same order, nulls left out."""
    ws = Ws(tmp_path)
    store = open_store(Settings(), ws)
    assert isinstance(store, MemoryStore)
    load(synthetic_resolution(300, seed=5), store)
    g = store.graph
    store.close()
    again = open_store(Settings(), ws)
    assert isinstance(again, MemoryStore)
    h = again.graph
    assert list(h.nodes) == list(g.nodes)
    for n, data in g.nodes(data=True):
        kept = {k: v for k, v in data.items() if v is not None}
        assert h.nodes[n] == kept and list(h.nodes[n]) == list(kept)
    edges = g.edges(keys=True, data=True)
    assert list(h.edges(keys=True, data=True)) == [
        (u, v, k, {p: x for p, x in d.items() if x is not None}) for u, v, k, d in edges
    ]
    assert [set(h.pred[n]) for n in h] == [set(g.pred[n]) for n in g]
    with_gaps = [d for _, d in h.nodes(data=True) if len(d) < max(len(e) for _, e in h.nodes(data=True))]
    assert with_gaps  # rows with values in different sets of columns were read


def test_lists_of_strings_are_read_in_either_spelling(tmp_path: Path) -> None:
    """graph_tables writes lists of strings dictionary-encoded; a file written before that (plain strings)
    reads the same."""
    import pyarrow as pa

    from graph.memory_store import graph_from_tables, graph_tables

    ws = Ws(tmp_path)
    store = open_store(Settings(), ws)
    load(synthetic_resolution(120, seed=3), store)
    tables = graph_tables(store.graph)
    plain = pa.list_(pa.string())
    older = {}
    listed = 0
    for name, table in tables.items():
        for i, field in enumerate(table.schema):
            if pa.types.is_list(field.type) and pa.types.is_dictionary(field.type.value_type):
                table = table.set_column(i, field.name, table.column(i).cast(plain))
                listed += 1
        older[name] = table
    assert listed >= 2
    a, b = graph_from_tables(tables), graph_from_tables(older)
    assert list(a.nodes(data=True)) == list(b.nodes(data=True))
    assert list(a.edges(keys=True, data=True)) == list(b.edges(keys=True, data=True))
