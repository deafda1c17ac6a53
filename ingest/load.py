"""Resolution → graph: map resolved records to nodes and edges (graph/README.md) and load them into a store.

`to_graph(res)` builds the whole graph in memory (small inputs, tests); `load(res, store)` streams the same
rows in chunks of filings, so a million filings never sit in memory as rows all at once. Every property is
derived from the records in a fixed order, so loading the same Resolution twice writes the same graph.
"""

from __future__ import annotations

import hashlib
import time
from collections import defaultdict
from collections.abc import Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from graph import facts, model
from graph.model import EdgeSpec, Label, OwnerRow, Row
from graph.store import GraphStore, GraphWriter, chunks
from ingest.columns import Level
from ingest.places import county_by_code
from ingest.records import Evidence, Filing, Resolution, Transfer, UnitMention, UnitRole

FILING_SPECS: tuple[EdgeSpec, ...] = (
    model.FILED,
    model.CO_SIGNED,
    model.ABOUT,
    model.ROUTED,
    model.HANDLED_BY,
    model.RECEIVED_BY,
    model.FILING_IN,
)
"""Edge kinds owned by a filing, written with each chunk of filings."""

CHUNK = 40_000
RANK = {level: level.rank for level in Level}


@dataclass(slots=True)
class GraphData:
    """Nodes per label and owner rows per edge kind, in the form GraphWriter takes them."""

    nodes: dict[Label, list[Row]] = field(default_factory=dict)
    edges: dict[EdgeSpec, list[OwnerRow]] = field(default_factory=dict)

    def extend(self, other: GraphData) -> None:
        for label, rows in other.nodes.items():
            self.nodes.setdefault(label, []).extend(rows)
        for spec, owner_rows in other.edges.items():
            self.edges.setdefault(spec, []).extend(owner_rows)


@dataclass(slots=True)
class LoadStats:
    filings: int = 0
    nodes: int = 0
    edges: int = 0
    pruned: int = 0
    seconds: float = 0.0
    counts: dict[str, int] = field(default_factory=dict)
    """Nodes per label and edges per type in the store after the load."""

    @property
    def rows_per_second(self) -> float:
        return self.filings / self.seconds if self.seconds else 0.0


def _evidence_props(ev: Evidence | None) -> dict[str, Any]:
    if ev is None:
        return {"score": None, "reasons": None, "matched_filing_id": None}
    return {
        "score": float(ev.score),
        "reasons": list(ev.reasons) or None,
        "matched_filing_id": ev.matched_filing_id,
    }


def _edge(other: str, props: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"other": other, "props": props or {}}


def cosigner_id(name: str, county: str | None) -> str:
    """Stable id of a co-signer known by name only: 'C-' and a hash of name and county."""
    digest = hashlib.sha1(f"{name}|{county or ''}".encode()).hexdigest()[:12]
    return f"C-{digest}"


class _Mapper:
    """Lookups built once over a Resolution; produces node and edge rows."""

    def __init__(self, res: Resolution) -> None:
        self.res = res
        self.filings = sorted(res.filings, key=lambda f: (f.received_date, f.filing_id))
        self.transfers: dict[str, list[Transfer]] = defaultdict(list)
        for t in sorted(res.transfers, key=lambda t: (t.filing_id, t.seq, t.row)):
            self.transfers[t.filing_id].append(t)
        self.mentions: dict[tuple[str, UnitRole, int | None], UnitMention] = {
            (m.filing_id, m.role, m.seq): m for m in res.unit_mentions
        }
        by_name: dict[str, set[str]] = defaultdict(set)
        for f in self.filings:
            pid = res.petitioner_of.get(f.filing_id)
            if pid is not None:
                by_name[f.name_norm].add(pid)
        self.petitioners_named = by_name
        self.cosigners: dict[str, Row] = {}
        self.cosigned: dict[str, list[dict[str, Any]]] = {}
        for f in self.filings:
            edges: dict[str, dict[str, Any]] = {}
            own = res.petitioner_of.get(f.filing_id)
            for name in f.co_petitioners:
                if not name or name == f.name_norm:
                    continue
                known = by_name.get(name, set())
                if len(known) == 1:
                    (pid,) = known
                    how = "unique_name"
                else:
                    pid = cosigner_id(name, f.county)
                    how = "name_only"
                    self.cosigners[pid] = {
                        "petitioner_id": pid,
                        "name": name,
                        "name_norm": name,
                        "cosigner_only": True,
                        "county": f.county,
                    }
                if pid != own and pid not in edges:
                    edges[pid] = _edge(pid, {"name": name, "how": how})
            self.cosigned[f.filing_id] = list(edges.values())
        self.issue_counties: dict[str, int] = {}
        self.filing_counties: dict[str, int] = {}
        """graph.facts.signer_counties, filled by static_nodes (which runs before any filing_rows)."""

    # --- nodes that do not depend on the chunk of filings ----------------------------------------------

    def petitioners(self) -> list[Row]:
        """One row per petitioner; each field from the latest filing that has it."""
        rows: dict[str, Row] = {}
        for f in self.filings:  # oldest first: later filings overwrite
            pid = self.res.petitioner_of.get(f.filing_id)
            if pid is None:
                continue
            row = rows.setdefault(pid, {"petitioner_id": pid, "cosigner_only": None})
            row["name"] = f.petitioner_name
            row["name_norm"] = f.name_norm
            row["name_pinyin"] = f.name_pinyin
            for key, value in (
                ("id_number", f.id_number),
                ("phone", f.phone),
                ("address", f.address or None),
                ("county", f.address_county),
                ("sex", f.sex),
                ("birth_date", f.birth_date),
            ):
                if value is not None:
                    row[key] = value
                else:
                    row.setdefault(key, None)
        out = [self.cosigners[k] for k in sorted(self.cosigners) if k not in rows]
        return [rows[k] for k in sorted(rows)] + out

    def issues(self) -> list[Row]:
        return [
            {
                "issue_id": i.issue_id,
                "title": i.title,
                "county": i.county,
                "category": i.category or None,
                facts.SIGNER_COUNTIES: self.issue_counties.get(i.issue_id, 0),
            }
            for i in sorted(self.res.issues.values(), key=lambda i: i.issue_id)
        ]

    def _signer_facts(self, petitioners: list[Row]) -> None:
        signers = (
            (
                f.filing_id,
                self.res.issue_of.get(f.filing_id),
                self.res.petitioner_of.get(f.filing_id),
                [e["other"] for e in self.cosigned.get(f.filing_id, [])],
            )
            for f in self.filings
        )
        county_of = {p["petitioner_id"]: p.get("county") for p in petitioners}
        self.issue_counties, self.filing_counties = facts.signer_counties(signers, county_of)

    def units(self) -> list[Row]:
        return [
            {"unit_id": u.unit_id, "name": u.name, "county": u.county, "level": u.level, "known": u.known}
            for u in sorted(self.res.units.values(), key=lambda u: u.unit_id)
        ]

    def orgs(self) -> list[Row]:
        rows: dict[str, Row] = {}
        for f in self.filings:
            if f.receiving_org:
                rows[f.receiving_org] = {"name": f.receiving_org, "level": str(f.receiving_level)}
        return [rows[k] for k in sorted(rows)]

    def counties(self, petitioners: list[Row]) -> list[Row]:
        codes = {f.county for f in self.filings}
        codes |= {p["county"] for p in petitioners}
        codes |= {i.county for i in self.res.issues.values()}
        codes |= {u.county for u in self.res.units.values()}
        rows = []
        for code in sorted(c for c in codes if c):
            c = county_by_code(code)
            rows.append(
                {
                    "code": code,
                    "name": c.name if c else None,
                    "city": c.city_name if c else None,
                    "province": c.province_name if c else None,
                }
            )
        return rows

    def static_edges(self, petitioners: list[Row]) -> dict[EdgeSpec, list[OwnerRow]]:
        def located(key: str, county: str | None) -> OwnerRow:
            return {"owner": key, "edges": [_edge(county)] if county else []}

        return {
            model.PETITIONER_IN: [located(p["petitioner_id"], p["county"]) for p in petitioners],
            model.ISSUE_IN: [located(row["issue_id"], row["county"]) for row in self.issues()],
            model.UNIT_IN: [located(row["unit_id"], row["county"]) for row in self.units()],
        }

    # --- per filing -------------------------------------------------------------------------------------

    def filing_rows(self, filings: Iterable[Filing]) -> GraphData:
        res, data = self.res, GraphData()
        nodes: list[Row] = []
        edges: dict[EdgeSpec, list[OwnerRow]] = {spec: [] for spec in FILING_SPECS}
        for f in filings:
            fid = f.filing_id
            routed = self._routed(fid)
            nodes.append(
                {
                    "filing_id": fid,
                    "received_date": f.received_date,
                    "channel": str(f.channel),
                    "receiving_level": str(f.receiving_level),
                    "level_rank": RANK[f.receiving_level],
                    "receiving_org": f.receiving_org or None,
                    "petitioner_name": f.petitioner_name,
                    "content": f.content,
                    "category": f.category or None,
                    "headcount": f.headcount,
                    "group": f.headcount >= 5,
                    "co_petitioners": list(f.co_petitioners) or None,
                    "issue_place": f.issue_place or None,
                    "county": f.county,
                    "responsible_unit": f.responsible_unit or None,
                    "status": str(f.status) if f.status is not None else None,
                    "concluded_date": f.concluded_date,
                    "flags": [f"{p.column}: {p.reason_zh}" for p in f.flags] or None,
                    facts.REVISIT: facts.revisit(routed),
                    facts.SIGNER_COUNTIES: self.filing_counties.get(fid),
                }
            )
            pid = res.petitioner_of.get(fid)
            edges[model.FILED].append(
                {
                    "owner": fid,
                    "edges": [_edge(pid, _evidence_props(res.petitioner_evidence.get(fid)))] if pid else [],
                }
            )
            edges[model.CO_SIGNED].append({"owner": fid, "edges": self.cosigned.get(fid, [])})
            iid = res.issue_of.get(fid)
            edges[model.ABOUT].append(
                {
                    "owner": fid,
                    "edges": [_edge(iid, _evidence_props(res.issue_evidence.get(fid)))] if iid else [],
                }
            )
            edges[model.ROUTED].append({"owner": fid, "edges": routed})
            resp = self.mentions.get((fid, UnitRole.RESPONSIBLE, None))
            edges[model.HANDLED_BY].append({"owner": fid, "edges": [_edge(resp.unit_id)] if resp else []})
            edges[model.RECEIVED_BY].append(
                {"owner": fid, "edges": [_edge(f.receiving_org)] if f.receiving_org else []}
            )
            edges[model.FILING_IN].append({"owner": fid, "edges": [_edge(f.county)] if f.county else []})
        data.nodes[Label.FILING] = nodes
        data.edges = edges
        return data

    def _routed(self, fid: str) -> list[dict[str, Any]]:
        steps: dict[int, dict[str, Any]] = {}
        for t in self.transfers.get(fid, ()):
            to = self.mentions.get((fid, UnitRole.TO, t.seq))
            if to is None:
                continue
            frm = self.mentions.get((fid, UnitRole.FROM, t.seq))
            steps[t.seq] = _edge(
                to.unit_id,
                {
                    "seq": t.seq,
                    "date": t.date,
                    "action": str(t.action),
                    "note": t.note or None,
                    "from_unit_id": frm.unit_id if frm else None,
                    "from_unit": t.from_unit,
                    "to_unit": t.to_unit,
                },
            )
        return [steps[s] for s in sorted(steps)]

    def static_nodes(self) -> tuple[dict[Label, list[Row]], list[Row]]:
        petitioners = self.petitioners()
        self._signer_facts(petitioners)
        nodes = {
            Label.COUNTY: self.counties(petitioners),
            Label.ORG: self.orgs(),
            Label.UNIT: self.units(),
            Label.ISSUE: self.issues(),
            Label.PETITIONER: petitioners,
        }
        return nodes, petitioners


def to_graph(res: Resolution) -> GraphData:
    """The whole graph of a Resolution as node rows and edge owner rows."""
    mapper = _Mapper(res)
    nodes, petitioners = mapper.static_nodes()
    data = GraphData(nodes=dict(nodes))
    data.extend(mapper.filing_rows(mapper.filings))
    data.edges.update(mapper.static_edges(petitioners))
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


def load(res: Resolution, store: GraphStore, progress: bool = False, chunk: int = CHUNK) -> LoadStats:
    """Load a Resolution into a store: nodes first, then each chunk of filings with its edges, then pruning.

    Idempotent: loading the same Resolution again leaves the same graph; a load interrupted half-way is
    completed by running it again (that run merges, since the store is no longer empty). Into an empty store
    nodes are created instead of merged, which is faster. `progress` shows a bar (filings) on stderr.
    The next chunk of rows is built while the previous one is written (one writing thread at a time).
    """
    start = time.perf_counter()
    stats = LoadStats(filings=len(res.filings))
    new = all(store.node_count(label) == 0 for label in Label)
    mapper = _Mapper(res)
    nodes, petitioners = mapper.static_nodes()
    bar = _bar(len(mapper.filings), progress)
    with store.writer() as w:
        stats.nodes += write_graph(GraphData(nodes=nodes), w, new=new)[0]
        with ThreadPoolExecutor(1, thread_name_prefix="load-write") as bg:
            pending: list[tuple[Future[tuple[int, int]], int]] = []
            for batch in chunks(mapper.filings, chunk):
                data = mapper.filing_rows(batch)
                for done, filings in pending:
                    _add(stats, done.result(), bar, filings)
                pending = [(bg.submit(write_graph, data, w, new=new), len(batch))]
            for done, filings in pending:
                _add(stats, done.result(), bar, filings)
        stats.edges += write_graph(GraphData(edges=mapper.static_edges(petitioners)), w, new=new)[1]
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


def _bar(total: int, progress: bool) -> Any:
    if not progress:
        return None
    from tqdm import tqdm

    return tqdm(total=total, unit="filing", desc="load", leave=False)
