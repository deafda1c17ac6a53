"""Resolution → graph: load the nodes and edges of ingest.load.graph_tables (graph/README.md) into a store.

`to_graph(res)` builds the whole graph in memory (small inputs, tests); `load(res, store)` streams the same
rows in chunks of filings, so a million filings never sit in memory as rows all at once. Every property is
derived from the records in a fixed order, so loading the same Resolution twice writes the same graph.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from graph import model
from graph.model import EdgeSpec, Label, OwnerRow, Row
from graph.store import GraphStore, GraphWriter, Sent
from graph.tables import EdgeTable, NodeTable, node_rows, owner_rows
from ingest.background import paused_gc
from ingest.load.graph_tables import GraphMapper
from ingest.records import Resolution

CHUNK = 40_000


@dataclass(slots=True)
class GraphData:
    """Nodes per label and owner rows per edge kind, in the form GraphWriter takes them."""

    nodes: dict[Label, list[Row]] = field(default_factory=dict)
    edges: dict[EdgeSpec, list[OwnerRow]] = field(default_factory=dict)

    def extend(self, other: GraphData) -> None:
        for label, rows in other.nodes.items():
            self.nodes.setdefault(label, []).extend(rows)
        for spec, rows in other.edges.items():
            self.edges.setdefault(spec, []).extend(rows)


@dataclass(slots=True)
class LoadStats:
    filings: int = 0
    nodes: int = 0
    edges: int = 0
    pruned: int = 0
    seconds: float = 0.0
    counts: dict[str, int] = field(default_factory=dict)
    """Nodes per label and edges per type in the store after the load."""
    incremental: bool = False
    """Only what changed was sent (load/update.py); False: the graph was loaded whole."""
    why: str = ""
    """Why the graph was loaded whole, when it was."""
    sent: Sent = field(default_factory=Sent)
    """Rows sent to the store."""

    @property
    def rows_per_second(self) -> float:
        return self.filings / self.seconds if self.seconds else 0.0


def graph_data(nodes: Iterable[NodeTable], edges: Iterable[EdgeTable]) -> GraphData:
    """Tables as the rows a GraphWriter takes."""
    return GraphData(
        nodes={t.label: node_rows(t) for t in nodes}, edges={t.spec: owner_rows(t) for t in edges}
    )


def to_graph(res: Resolution) -> GraphData:
    """The whole graph of a Resolution as node rows and edge owner rows."""
    mapper = GraphMapper(res)
    nodes, edges = mapper.static_tables()
    filing, filing_edges = mapper.filing_tables(0, len(mapper.filings))
    data = graph_data(nodes, [])
    data.extend(graph_data([filing], filing_edges))
    data.edges.update(graph_data([], edges).edges)
    return data


PRUNE: tuple[tuple[Label, tuple[EdgeSpec, ...]], ...] = (
    (Label.PETITIONER, (model.FILED, model.CO_SIGNED)),
    (Label.ISSUE, (model.ABOUT,)),
    (Label.ORG, (model.RECEIVED_BY,)),
)
"""Nodes that exist only through filings: removed once no filing points to them (e.g. clusters merged)."""


def write_graph(data: GraphData, writer: GraphWriter, *, new: bool = False) -> tuple[int, int]:
    """Write nodes (all labels) then edges; returns (nodes, edges) written.

    new=True: the store holds none of these nodes yet (a first load), so nodes are created rather than
    merged, old edges are not looked for, and owners without edges are not sent at all.
    """
    n = sum(writer.upsert_nodes(label, rows, new=new) for label, rows in data.nodes.items())
    e = 0
    for spec, rows in data.edges.items():
        e += writer.replace_edges(spec, [r for r in rows if r["edges"]] if new else rows, new=new)
    return n, e


TablesSeen = Callable[[list[NodeTable], list[EdgeTable]], None]


def load(
    res: Resolution,
    store: GraphStore,
    progress: bool = False,
    chunk: int = CHUNK,
    on_tables: TablesSeen | None = None,
) -> LoadStats:
    """Load a Resolution into a store: nodes first, then each chunk of filings with its edges, then pruning.

    Idempotent: loading the same Resolution again leaves the same graph; a load interrupted half-way is
    completed by running it again (that run merges, since the store is no longer empty). Into an empty store
    nodes are created instead of merged, which is faster. `progress` shows a bar (filings) on stderr.
    The next chunk of rows is built while the previous one is written (one writing thread at a time).
    `on_tables` is shown each set of tables as it is built (load/update.py digests them).
    """
    start = time.perf_counter()
    stats = LoadStats(filings=len(res.filings))
    new = all(store.node_count(label) == 0 for label in Label)
    with paused_gc():  # millions of small acyclic rows: collection passes would rescan the heap for nothing
        mapper = GraphMapper(res)
        nodes, static_edges = mapper.static_tables()
        if on_tables is not None:
            on_tables(nodes, static_edges)
    bar = progress_bar(len(mapper.filings), progress)
    with store.writer() as w:
        stats.nodes += write_graph(graph_data(nodes, []), w, new=new)[0]
        with ThreadPoolExecutor(1, thread_name_prefix="load-write") as bg:
            pending: list[tuple[Future[tuple[int, int]], int]] = []
            for first in range(0, len(mapper.filings), chunk):
                with paused_gc():
                    filing, edges = mapper.filing_tables(first, first + chunk)
                    data = graph_data([filing], edges)
                    if on_tables is not None:
                        on_tables([filing], edges)
                for done, filings in pending:
                    _add(stats, done.result(), bar, filings)
                pending = [(bg.submit(write_graph, data, w, new=new), len(filing))]
            for done, filings in pending:
                _add(stats, done.result(), bar, filings)
        stats.edges += write_graph(graph_data([], static_edges), w, new=new)[1]
        if not new:
            stats.pruned = sum(w.prune(label, specs) for label, specs in PRUNE)
    if bar is not None:
        bar.close()
    stats.seconds = time.perf_counter() - start
    stats.counts = store.counts()
    return stats


def _add(stats: LoadStats, written: tuple[int, int], bar: Any, filings: int) -> None:
    stats.nodes += written[0]
    stats.edges += written[1]
    if bar is not None:
        bar.update(filings)


def progress_bar(total: int, progress: bool, desc: str = "load") -> Any:
    """A tqdm bar counting filings on stderr, or None when `progress` is off."""
    if not progress:
        return None
    from tqdm import tqdm

    return tqdm(total=total, unit="filing", desc=desc, leave=False)
