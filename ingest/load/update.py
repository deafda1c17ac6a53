"""Resolution → store, sending only what changed: the graph update of every `caselink ingest`.

    stats = update_graph(res, store, ws.graph_dir)              # incremental when it can be
    stats = update_graph(res, store, ws.graph_dir, full=True)   # everything (`caselink ingest --full`)

The new graph tables (load/graph_tables.py) are compared, node by node and owner by owner, with the digests
of what the store holds (load/sent_state.py, kept in the workspace); the store receives the nodes whose
content is new or changed, the edge lists of each kind that are new or changed (an owner's whole list of
that kind, as GraphWriter.replace_edges takes it), and the deletion of nodes no longer in the tables (a
petitioner or issue merged into another, a unit no filing names any more).

Two passes over the tables, a chunk of filings at a time as load/store.py does, so that memory stays
bounded whatever changed: the first digests every row and keeps which changed (a bit per row and column);
the second builds again the chunks that hold changes and sends their changed rows, in the order a whole load
writes them (nodes of the other labels, then each chunk's filings with their edges, then the other labels'
edges, then the deletions).

The graph is loaded whole (load/store.py) instead when there are no digests (a first ingest), when they
describe another store or the store no longer holds what they say (its node and edge counts differ: wiped,
replaced, loaded by someone else), or when asked (`full=True`). Either way the digests of the new tables
are written afterwards; see load/sent_state.py for how a run killed half-way is completed.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from graph.model import Label, OwnerRow, Row
from graph.store import GraphStore, GraphWriter
from graph.tables import EdgeTable, NodeTable
from ingest.background import paused_gc
from ingest.load.digests import EMPTY, UNKNOWN, edge_digests, node_digests, owner_positions
from ingest.load.graph_tables import GraphMapper
from ingest.load.sent_state import (
    NODE,
    Digests,
    LabelDigests,
    SentState,
    columns_of,
    forget_sent_state,
    read_sent_state,
    write_sent_state,
)
from ingest.load.store import CHUNK, GraphData, LoadStats, load, write_graph
from ingest.records import Resolution

_NODE_ORDER = (Label.COUNTY, Label.ORG, Label.UNIT, Label.ISSUE, Label.PETITIONER, Label.FILING)


@dataclass(slots=True)
class Part:
    """One node table with the edge tables its nodes own, and the digests of both."""

    label: Label
    nodes: NodeTable
    keys: list[str]
    digests: dict[str, Digests]
    edges: dict[str, EdgeTable]


def parts(nodes: Sequence[NodeTable], edges: Sequence[EdgeTable]) -> list[Part]:
    """The tables of one step of the mapping (static_tables, or filing_tables of a range) with their digests.

    Every edge table's owners must be nodes of a node table given with it (the mapping gives each owner
    kind with its nodes)."""
    out: dict[Label, Part] = {}
    for table in nodes:
        keys = [str(k) for k in table.columns[table.label.key]]
        digests = {c: np.full(len(keys), EMPTY, np.uint64) for c in columns_of(table.label)}
        digests[NODE] = node_digests(table)
        out[table.label] = Part(table.label, table, keys, digests, {})
    for edge_table in edges:
        part = out[edge_table.spec.owner_label]
        found = edge_digests(edge_table)
        owners = [str(o) for o in edge_table.owners]
        if owners == part.keys:
            part.digests[edge_table.spec.name] = found
        else:
            position = dict(zip(part.keys, range(len(part.keys)), strict=True))
            column = part.digests[edge_table.spec.name]
            column[[position[o] for o in owners]] = found
        part.edges[edge_table.spec.name] = edge_table
    return list(out.values())


@dataclass(slots=True)
class Collected:
    """Keys and digests of every node, gathered part by part."""

    keys: dict[Label, list[str]] = field(default_factory=dict)
    columns: dict[Label, dict[str, list[Digests]]] = field(default_factory=dict)

    def add(self, part: Part, marks: dict[str, Digests] | None = None) -> None:
        self.keys.setdefault(part.label, []).extend(part.keys)
        columns = self.columns.setdefault(part.label, {c: [] for c in columns_of(part.label)})
        for c in columns:
            columns[c].append((marks or part.digests)[c])

    def add_tables(self, nodes: Sequence[NodeTable], edges: Sequence[EdgeTable]) -> None:
        for part in parts(nodes, edges):
            self.add(part)

    def state(self, target: str, counts: dict[str, int] | None) -> SentState:
        state = SentState(target, counts)
        for label, keys in self.keys.items():
            cols = {
                c: np.concatenate(v) if v else np.empty(0, np.uint64) for c, v in self.columns[label].items()
            }
            state.labels[label] = LabelDigests(keys, cols)
        return state


Mask = np.ndarray[Any, np.dtype[np.bool_]]


@dataclass(slots=True)
class Change:
    """Which rows of one part changed: a mask per digest column (NODE, then each owned edge kind)."""

    label: Label
    changed: dict[str, Mask]
    first: int = -1
    """The part's first filing, for a chunk of filings (its tables are built again to be sent)."""
    part: Part | None = None
    """The part itself, for the tables built once (static_tables), kept until they are sent."""


@dataclass(slots=True)
class Plan:
    """What an incremental update sends: changed rows, deletions, and the digests before and after."""

    mapper: GraphMapper
    chunk: int
    static: list[Change] = field(default_factory=list)
    filings: list[Change] = field(default_factory=list)
    """Only the chunks of filings that hold a change."""
    deleted: dict[Label, list[str]] = field(default_factory=dict)
    after: Collected = field(default_factory=Collected)
    """The digests of the new tables (written once the store holds them)."""
    during: Collected = field(default_factory=Collected)
    """The same with every row to be sent marked UNKNOWN (written before anything is sent)."""
    rows: int = 0
    """Node rows and owner rows to send."""

    @property
    def empty(self) -> bool:
        return self.rows == 0 and not any(self.deleted.values())


def _old_digests(part: Part, old: LabelDigests | None) -> dict[str, Digests]:
    """The stored digests of the part's keys: UNKNOWN for a node not stored, EMPTY for its edge lists."""
    n = len(part.keys)
    if old is None:
        where = np.full(n, -1, np.int64)
    else:
        get = old.position().get
        where = np.fromiter((get(k, -1) for k in part.keys), np.int64, n)
    known = where >= 0
    out = {}
    for c in part.digests:
        column = np.full(n, UNKNOWN if c == NODE else EMPTY, np.uint64)
        if old is not None and known.any():
            column[known] = old.columns[c][where[known]]
        out[c] = column
    return out


def _pick_nodes(table: NodeTable, index: Iterable[int]) -> list[Row]:
    names = tuple(table.columns)
    columns = [table.columns[n] for n in names]
    return [dict(zip(names, (c[i] for c in columns), strict=True)) for i in index]


def _pick_owners(table: EdgeTable, chosen: Mask) -> list[OwnerRow]:
    """The owner rows (every edge of this kind) of the owners where `chosen` is set."""
    rows: dict[int, OwnerRow] = {
        int(i): {"owner": table.owners[i], "edges": []} for i in np.flatnonzero(chosen).tolist()
    }
    if len(table):
        other = table.dst if table.spec.owner == "src" else table.src
        names = tuple(table.columns)
        owner = owner_positions(table)
        for j in np.flatnonzero(chosen[owner]).tolist():
            props = {name: table.columns[name][j] for name in names}
            rows[int(owner[j])]["edges"].append({"other": other[j], "props": props})
    return list(rows.values())


def _compare(plan: Plan, part: Part, old: LabelDigests | None) -> Change | None:
    """Which of the part's rows changed (None: none); records the part's digests in the plan."""
    before = _old_digests(part, old)
    changed = {c: before[c] != part.digests[c] for c in part.digests}
    touched = np.logical_or.reduce(list(changed.values()))
    plan.after.add(part)
    plan.during.add(part, {c: np.where(touched, UNKNOWN, d) for c, d in part.digests.items()})
    plan.rows += int(changed[NODE].sum())
    plan.rows += sum(int(changed[name].sum()) for name in part.edges)
    return Change(part.label, changed) if touched.any() else None


def _changed_rows(change: Change, nodes: NodeTable | None, edges: Iterable[EdgeTable]) -> GraphData:
    """The rows of these tables that `change` marks."""
    data = GraphData()
    node_changed = change.changed[NODE]
    if nodes is not None and node_changed.any():
        data.nodes[change.label] = _pick_nodes(nodes, np.flatnonzero(node_changed).tolist())
    for table in edges:
        mask = change.changed[table.spec.name]
        if mask.any():
            data.edges[table.spec] = _pick_owners(table, mask)
    return data


def plan_update(res: Resolution, old: SentState, chunk: int = CHUNK) -> Plan:
    """Which rows to send to bring a store holding `old` to the graph of `res`, and which nodes to delete."""
    plan = Plan(GraphMapper(res), chunk)
    with paused_gc():
        for part in parts(*plan.mapper.static_tables()):
            change = _compare(plan, part, old.labels.get(part.label))
            if change is not None:
                change.part = part
                plan.static.append(change)
        for first in range(0, len(plan.mapper.filings), chunk):
            for part in parts(*_filing_step(plan.mapper, first, chunk)):
                change = _compare(plan, part, old.labels.get(part.label))
                if change is not None:
                    change.first = first
                    plan.filings.append(change)
    for label, digests in old:
        kept = set(plan.after.keys.get(label, ()))
        gone = [k for k in digests.keys if k not in kept]
        if gone:
            plan.deleted[label] = gone
            plan.during.keys.setdefault(label, []).extend(gone)
            columns = plan.during.columns.setdefault(label, {c: [] for c in columns_of(label)})
            for c in columns:
                columns[c].append(np.full(len(gone), UNKNOWN, np.uint64))
    return plan


def _filing_step(mapper: GraphMapper, first: int, chunk: int) -> tuple[list[NodeTable], list[EdgeTable]]:
    node, edges = mapper.filing_tables(first, first + chunk)
    return [node], edges


def _send(plan: Plan, writer: GraphWriter) -> tuple[int, int]:
    """Changed rows in a whole load's order: the other labels' nodes, each chunk of filings with its edges,
    the other labels' edges; then the deletions. (nodes, edges) written."""
    nodes = edges = 0
    for change in plan.static:
        assert change.part is not None
        data = _changed_rows(change, change.part.nodes, [])
        nodes += write_graph(data, writer)[0]
    for change in plan.filings:
        with paused_gc():
            [node], edge_tables = _filing_step(plan.mapper, change.first, plan.chunk)
            data = _changed_rows(change, node, edge_tables)
        n, e = write_graph(data, writer)
        nodes, edges = nodes + n, edges + e
    for change in plan.static:
        assert change.part is not None
        data = _changed_rows(change, None, change.part.edges.values())
        edges += write_graph(data, writer)[1]
    for label in _NODE_ORDER:
        if plan.deleted.get(label):
            writer.delete_nodes(label, plan.deleted[label])
    return nodes, edges


def _why_full(old: SentState | None, target: str, counts: dict[str, int] | None) -> str | None:
    """Why the graph must be loaded whole, or None when the digests can be trusted."""
    if old is None:
        return "no record of what the store holds"
    if old.target != target:
        return f"the digests describe another store ({old.target})"
    if old.counts is not None and old.counts != counts:
        return "the store no longer holds what the workspace last loaded into it"
    return None


def update_graph(
    res: Resolution,
    store: GraphStore,
    state_dir: Path,
    *,
    full: bool = False,
    progress: bool = False,
    chunk: int = CHUNK,
) -> LoadStats:
    """Bring the store to the graph of `res`, sending only what changed since the last update recorded in
    `state_dir` (see the module doc for when everything is sent). `stats.sent` counts what was sent."""
    start = time.perf_counter()
    before = store.sent.copy()
    target = store.target()
    old = None if full else read_sent_state(state_dir)
    now = store.counts() if old is not None else None
    why = "asked for (--full)" if full else _why_full(old, target, now)
    plan = plan_update(res, old, chunk) if why is None and old is not None else None
    if plan is None:
        forget_sent_state(state_dir)  # a load killed half-way is then redone whole
        collected = Collected()
        stats = load(res, store, progress=progress, chunk=chunk, on_tables=collected.add_tables)
        write_sent_state(state_dir, collected.state(target, stats.counts))
        stats.why = why or ""
    else:
        stats = LoadStats(filings=len(res.filings), incremental=True)
        if not plan.empty:
            write_sent_state(state_dir, plan.during.state(target, None))
            with store.writer() as w:
                stats.nodes, stats.edges = _send(plan, w)
            now = store.counts()
        assert old is not None and now is not None  # a plan is made only from trusted digests
        if not plan.empty or old.counts is None:  # (unchanged, but a killed run left them marked)
            write_sent_state(state_dir, plan.after.state(target, now))
        stats.counts = now
    stats.sent = store.sent.since(before)
    stats.seconds = time.perf_counter() - start
    return stats
