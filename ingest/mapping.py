"""Resolution → graph tables: every node and edge of graph/README.md, as columns (graph.tables).

One mapping for every way into a store: `ingest.load` turns the tables into writer rows (Neo4j over Bolt, the
embedded store), `ingest.bulk` into neo4j-admin import files. Values are derived from the records in a fixed
order, so mapping the same Resolution twice gives the same tables. Filings come oldest first; their tables are
built a chunk at a time (`filing_tables`), everything else at once (`static_tables`).

Columns are built with one comprehension (or C-level map) per property over a chunk, not a dict per node: a
million filings are mapped in seconds.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Sequence
from operator import attrgetter
from typing import Any

from graph import model
from graph.model import NODE_PROPS, EdgeSpec, Label
from graph.tables import Column, EdgeTable, NodeTable
from ingest.columns import Level
from ingest.places import county_by_code
from ingest.records import Evidence, Filing, Resolution, Transfer, UnitRole

RANK = {level: level.rank for level in Level}

FILING_SPECS: tuple[EdgeSpec, ...] = (
    model.FILED,
    model.CO_SIGNED,
    model.ABOUT,
    model.ROUTED,
    model.HANDLED_BY,
    model.RECEIVED_BY,
    model.FILING_IN,
)
"""Edge kinds owned by a filing, built with each chunk of filings (in this order)."""

_FILING_FIELDS = attrgetter(
    "filing_id",
    "received_date",
    "channel",
    "receiving_level",
    "receiving_org",
    "petitioner_name",
    "content",
    "category",
    "headcount",
    "co_petitioners",
    "issue_place",
    "county",
    "responsible_unit",
    "status",
    "concluded_date",
    "flags",
)
_PERSON_FIELDS = attrgetter(
    "petitioner_name", "name_norm", "name_pinyin", "id_number", "phone", "address", "address_county", "sex",
    "birth_date",
)  # fmt: skip


def cosigner_id(name: str, county: str | None) -> str:
    """Stable id of a co-signer known by name only: 'C-' and a hash of name and county."""
    digest = hashlib.sha1(f"{name}|{county or ''}".encode()).hexdigest()[:12]
    return f"C-{digest}"


def _node_table(label: Label, columns: Sequence[Column]) -> NodeTable:
    names = [name for name, _ in NODE_PROPS[label]]
    return NodeTable(label, dict(zip(names, columns, strict=True)))


def _edge_table(spec: EdgeSpec, rows: Sequence[tuple[Any, ...]], owners: Column) -> EdgeTable:
    """An edge table from (src, dst, *props) tuples."""
    width = 2 + len(spec.props)
    cols: list[Column] = [list(c) for c in zip(*rows, strict=True)] if rows else [[] for _ in range(width)]
    return EdgeTable(
        spec, cols[0], cols[1], {name: cols[2 + i] for i, (name, _) in enumerate(spec.props)}, owners
    )


def _none_if_empty(values: Sequence[Any]) -> Column:
    return [v or None for v in values]


class GraphMapper:
    """Lookups built once over a Resolution; produces the node and edge tables."""

    def __init__(self, res: Resolution) -> None:
        self.res = res
        self.filings = sorted(res.filings, key=lambda f: (f.received_date, f.filing_id))
        self.transfers: dict[str, list[Transfer]] = defaultdict(list)
        for t in sorted(res.transfers, key=lambda t: (t.filing_id, t.seq, t.row)):
            self.transfers[t.filing_id].append(t)
        self.responsible: dict[str, str] = {}
        self.steps: dict[tuple[str, UnitRole, int | None], str] = {}
        for m in res.unit_mentions:
            if m.role is UnitRole.RESPONSIBLE:
                self.responsible[m.filing_id] = m.unit_id
            else:
                self.steps[(m.filing_id, m.role, m.seq)] = m.unit_id
        by_name: dict[str, set[str]] = defaultdict(set)
        for f in self.filings:
            pid = res.petitioner_of.get(f.filing_id)
            if pid is not None:
                by_name[f.name_norm].add(pid)
        self.cosigners: dict[str, tuple[str, str | None]] = {}
        """Co-signers known by name only: id → (name, county)."""
        self.cosigned: dict[str, list[tuple[str, str, str]]] = {}
        """Per filing: (petitioner id, name as listed, how) of each co-signer."""
        for f in self.filings:
            if not f.co_petitioners:
                continue
            edges: dict[str, tuple[str, str, str]] = {}
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
                    self.cosigners[pid] = (name, f.county)
                if pid != own and pid not in edges:
                    edges[pid] = (pid, name, how)
            self.cosigned[f.filing_id] = list(edges.values())

    # --- nodes and edges that do not depend on the chunk of filings ----------------------------------------

    def static_tables(self) -> tuple[list[NodeTable], list[EdgeTable]]:
        """County, Org, Unit, Issue and Petitioner nodes (in that order) and their LOCATED_IN edges."""
        petitioners = self._petitioners()
        issues = self._issues()
        units = self._units()
        nodes = [self._counties(petitioners, issues, units), self._orgs(), units, issues, petitioners]
        edges = [
            self._located(model.PETITIONER_IN, petitioners),
            self._located(model.ISSUE_IN, issues),
            self._located(model.UNIT_IN, units),
        ]
        return nodes, edges

    def _petitioners(self) -> NodeTable:
        """A row per petitioner, each field from the latest filing that has it; then name-only co-signers."""
        po = self.res.petitioner_of
        pids = [po.get(f.filing_id) for f in self.filings]
        with_pid = [(p, f) for p, f in zip(pids, self.filings, strict=True) if p is not None]
        owners = [p for p, _ in with_pid]
        fields = list(zip(*map(_PERSON_FIELDS, (f for _, f in with_pid)), strict=True)) or [()] * 9
        name, norm, pinyin, idn, phone, address, county, sex, birth = fields
        # filings come oldest first: in a dict built from them the latest value wins
        latest = [dict(zip(owners, col, strict=True)) for col in (name, norm, pinyin)]
        known = [
            {p: v for p, v in zip(owners, col, strict=True) if v is not None}
            for col in (idn, phone, _none_if_empty(address), county, sex, birth)
        ]
        keys = sorted(latest[0])
        cos = [k for k in sorted(self.cosigners) if k not in latest[0]]
        names = [self.cosigners[k][0] for k in cos]
        return _node_table(
            Label.PETITIONER,
            [
                keys + cos,
                [latest[0][k] for k in keys] + names,
                [latest[1][k] for k in keys] + names,
                [latest[2][k] for k in keys] + [None] * len(cos),
                *([d.get(k) for k in keys] + [None] * len(cos) for d in known[:3]),
                [known[3].get(k) for k in keys] + [self.cosigners[k][1] for k in cos],
                *([d.get(k) for k in keys] + [None] * len(cos) for d in known[4:]),
                [None] * len(keys) + [True] * len(cos),
            ],
        )

    def _issues(self) -> NodeTable:
        issues = sorted(self.res.issues.values(), key=lambda i: i.issue_id)
        return _node_table(
            Label.ISSUE,
            [
                [i.issue_id for i in issues],
                [i.title for i in issues],
                [i.county for i in issues],
                [i.category or None for i in issues],
            ],
        )

    def _units(self) -> NodeTable:
        units = sorted(self.res.units.values(), key=lambda u: u.unit_id)
        return _node_table(
            Label.UNIT,
            [
                [u.unit_id for u in units],
                [u.name for u in units],
                [u.county for u in units],
                [u.level for u in units],
                [u.known for u in units],
            ],
        )

    def _orgs(self) -> NodeTable:
        levels = {f.receiving_org: str(f.receiving_level) for f in self.filings if f.receiving_org}
        keys = sorted(levels)
        return _node_table(Label.ORG, [keys, [levels[k] for k in keys]])

    def _counties(self, petitioners: NodeTable, issues: NodeTable, units: NodeTable) -> NodeTable:
        codes = {f.county for f in self.filings}
        for table in (petitioners, issues, units):
            codes.update(table.columns["county"])
        found = [(code, county_by_code(code)) for code in sorted(c for c in codes if c)]
        return _node_table(
            Label.COUNTY,
            [
                [code for code, _ in found],
                [c.name if c else None for _, c in found],
                [c.city_name if c else None for _, c in found],
                [c.province_name if c else None for _, c in found],
            ],
        )

    @staticmethod
    def _located(spec: EdgeSpec, nodes: NodeTable) -> EdgeTable:
        keys = nodes.columns[nodes.label.key]
        rows = [(k, c) for k, c in zip(keys, nodes.columns["county"], strict=True) if c]
        return _edge_table(spec, rows, keys)

    # --- per chunk of filings ------------------------------------------------------------------------------

    def filing_tables(self, filings: Sequence[Filing]) -> tuple[NodeTable, list[EdgeTable]]:
        """The Filing nodes of these filings and every edge they own (FILING_SPECS, in that order)."""
        cols = list(zip(*map(_FILING_FIELDS, filings), strict=True)) or [()] * 16
        fid, received, channel, level, org, name, content, category, headcount = cols[:9]
        co, place, county, resp, status, concluded, flags = cols[9:]
        fids = list(fid)
        node = _node_table(
            Label.FILING,
            [
                fids,
                list(received),
                list(map(str, channel)),
                list(map(str, level)),
                list(map(RANK.__getitem__, level)),
                _none_if_empty(org),
                list(name),
                list(content),
                _none_if_empty(category),
                list(headcount),
                [h >= 5 for h in headcount],
                [list(c) if c else None for c in co],
                _none_if_empty(place),
                list(county),
                _none_if_empty(resp),
                [None if s is None else str(s) for s in status],
                list(concluded),
                [[f"{p.column}: {p.reason_zh}" for p in fl] if fl else None for fl in flags],
            ],
        )
        res = self.res
        cosigned = self.cosigned
        edges = [
            self._evidence(model.FILED, fids, res.petitioner_of, res.petitioner_evidence),
            _edge_table(
                model.CO_SIGNED,
                [(pid, f, nm, how) for f in fids if f in cosigned for pid, nm, how in cosigned[f]],
                fids,
            ),
            self._evidence(model.ABOUT, fids, res.issue_of, res.issue_evidence),
            _edge_table(
                model.ROUTED, [row for f in fids if f in self.transfers for row in self._routed(f)], fids
            ),
            _edge_table(
                model.HANDLED_BY, [(f, u) for f in fids if (u := self.responsible.get(f)) is not None], fids
            ),
            _edge_table(model.RECEIVED_BY, [(f, o) for f, o in zip(fids, org, strict=True) if o], fids),
            _edge_table(model.FILING_IN, [(f, c) for f, c in zip(fids, county, strict=True) if c], fids),
        ]
        return node, edges

    @staticmethod
    def _evidence(
        spec: EdgeSpec, fids: Column, other: dict[str, str], evidence: dict[str, Evidence]
    ) -> EdgeTable:
        """FILED or ABOUT: the filing's petitioner or issue, with the evidence that attached it."""
        rows = []
        for f in fids:
            key = other.get(f)
            if not key:
                continue
            ev = evidence.get(f)
            props = (
                (None, None, None)
                if ev is None
                else (float(ev.score), list(ev.reasons) or None, ev.matched_filing_id)
            )
            rows.append((key, f, *props) if spec.owner == "dst" else (f, key, *props))
        return _edge_table(spec, rows, fids)

    def _routed(self, fid: str) -> list[tuple[Any, ...]]:
        """One ROUTED row per step (the last transfer row of a seq wins), ordered by seq."""
        steps: dict[int, tuple[Any, ...]] = {}
        for t in self.transfers[fid]:
            to = self.steps.get((fid, UnitRole.TO, t.seq))
            if to is None:
                continue
            frm = self.steps.get((fid, UnitRole.FROM, t.seq))
            steps[t.seq] = (
                fid,
                to,
                t.seq,
                t.date,
                str(t.action),
                t.note or None,
                frm,
                t.from_unit,
                t.to_unit,
            )
        return [steps[s] for s in sorted(steps)]
