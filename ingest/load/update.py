"""Resolution → store, sending only what changed: the graph update of every `caselink ingest`.

    stats = update_graph(res, store, ws.graph_dir)              # incremental when it can be
    stats = update_graph(res, store, ws.graph_dir, full=True)   # everything (`caselink ingest --full`)

The new graph tables (load/graph_tables.py) are compared, node by node and owner by owner, with the digests
of what the store holds (load/sent_state.py, kept in the workspace); the store receives the nodes whose
content is new or changed, the edge lists of each kind that are new or changed (an owner's whole list of
that kind, as GraphWriter.replace_edges takes it), and the deletion of nodes no longer in the tables (a
petitioner or issue merged into another, a unit no filing names any more).

The graph is loaded whole (load/store.py) instead when there are no digests (a first ingest), when they
describe another store or the store no longer holds what they say (its node and edge counts differ: wiped,
replaced, loaded by someone else), when more than MAX_CHANGED_ROWS rows changed (a whole load streams them
in chunks; the changes would sit in memory), or when asked (`full=True`). Either way the digests of the new
tables are written afterwards; see load/sent_state.py for how a run killed half-way is completed.
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

MAX_CHANGED_ROWS = 200_000
"""Changed node and owner rows beyond which the graph is loaded whole (the changes are held in memory)."""
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


@dataclass(slots=True)
class Plan:
    """What an incremental update sends: changed rows, deletions, and the digests before and after."""

    data: GraphData = field(default_factory=GraphData)
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


def _pick_owners(table: EdgeTable, chosen: np.ndarray[Any, np.dtype[np.bool_]]) -> list[OwnerRow]:
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


def _compare(plan: Plan, part: Part, old: LabelDigests | None) -> None:
    """Add the part's changed rows to the plan."""
    before = _old_digests(part, old)
    changed = {c: before[c] != part.digests[c] for c in part.digests}
    node_changed = changed[NODE]
    if node_changed.any():
        rows = _pick_nodes(part.nodes, np.flatnonzero(node_changed).tolist())
        plan.data.nodes.setdefault(part.label, []).extend(rows)
        plan.rows += len(rows)
    for name, table in part.edges.items():
        if changed[name].any():
            owner_rows = _pick_owners(table, changed[name])
            plan.data.edges.setdefault(table.spec, []).extend(owner_rows)
            plan.rows += len(owner_rows)
    touched = np.logical_or.reduce(list(changed.values()))
    plan.after.add(part)
    plan.during.add(part, {c: np.where(touched, UNKNOWN, d) for c, d in part.digests.items()})


def plan_update(res: Resolution, old: SentState, chunk: int = CHUNK) -> Plan | None:
    """What to send to bring a store holding `old` to the graph of `res`; None when more than
    MAX_CHANGED_ROWS rows changed."""
    plan = Plan()
    with paused_gc():
        mapper = GraphMapper(res)
        for part in parts(*mapper.static_tables()):
            _compare(plan, part, old.labels.get(part.label))
        for first in range(0, len(mapper.filings), chunk):
            for part in parts(*_filing_step(mapper, first, chunk)):
                _compare(plan, part, old.labels.get(part.label))
            if plan.rows > MAX_CHANGED_ROWS:
                return None
    if plan.rows > MAX_CHANGED_ROWS:
        return None
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
    plan = None
    if why is None and old is not None:
        plan = plan_update(res, old, chunk)
        if plan is None:
            why = f"more than {MAX_CHANGED_ROWS:,} rows changed"
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


def _send(plan: Plan, writer: GraphWriter) -> tuple[int, int]:
    """Changed nodes (every label), then changed edge lists, then deletions; (nodes, edges) written."""
    data = GraphData(
        nodes={label: plan.data.nodes[label] for label in _NODE_ORDER if label in plan.data.nodes},
        edges=plan.data.edges,
    )
    nodes, edges = write_graph(data, writer)
    for label in _NODE_ORDER:
        if plan.deleted.get(label):
            writer.delete_nodes(label, plan.deleted[label])
    return nodes, edges
