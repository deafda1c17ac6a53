"""Resolution → graph tables: every node and edge of graph/README.md, as columns (graph.tables).

One mapping for every way into a store: `load.store` turns the tables into writer rows (Neo4j over Bolt, the
embedded store), `load.bulk` into neo4j-admin import files. Values are derived from the records in a fixed
order, so mapping the same Resolution twice gives the same tables. Filings come oldest first
(`mapper.filings`); their tables are built a range at a time (`filing_tables(start, stop)`), everything else
at once (`static_tables`).

Columns are built by C-level passes (attrgetter, map, zip, compress, numpy) over a range, not by a dict per
node or a Python loop per value where that can be avoided: a million filings hold millions of records, and a
pass that touches each of them costs about a second.
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from itertools import compress, repeat
from operator import attrgetter, is_not, itemgetter
from typing import Any

import numpy as np

from graph import facts, model
from graph.model import NODE_PROPS, EdgeSpec, Label
from graph.tables import Column, EdgeTable, NodeTable
from ingest.columns import Level
from ingest.read.places import county_by_code
from ingest.records import Evidence, Resolution, Transfer, UnitMention, UnitRole

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
    "place_county",
    "address_county",
    "responsible_unit",
    "status",
    "concluded_date",
    "flags",
    "title",
    "account_id",
    "reply",
)
_TRANSFER_FIELDS = attrgetter("filing_id", "seq", "row", "date", "action", "note", "from_unit", "to_unit")
_STEP = itemgetter(0, 1)
"""(filing_id, seq) of a _TRANSFER_FIELDS tuple."""
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


def _edge_table(
    spec: EdgeSpec, rows: Sequence[tuple[Any, ...]], owners: Column, owner_index: list[int] | None = None
) -> EdgeTable:
    """An edge table from (src, dst, *props) tuples."""
    width = 2 + len(spec.props)
    cols: list[Column] = [list(c) for c in zip(*rows, strict=True)] if rows else [[] for _ in range(width)]
    props = {name: cols[2 + i] for i, (name, _) in enumerate(spec.props)}
    return EdgeTable(spec, cols[0], cols[1], props, owners, owner_index)


def _pairs(spec: EdgeSpec, owners: Column, others: Sequence[Any], keep: Iterable[Any]) -> EdgeTable:
    """Edges without properties from their owner (the source): owners[i] → others[i] wherever keep[i]."""
    index = list(compress(range(len(owners)), keep))
    return EdgeTable(
        spec, list(map(owners.__getitem__, index)), list(map(others.__getitem__, index)), {}, owners, index
    )


def _columns(records: Sequence[Any], *fields: str) -> list[Column]:
    """The given attributes of the records, as one list per attribute (at least two attributes)."""
    return [list(c) for c in zip(*map(attrgetter(*fields), records), strict=True)] or [[] for _ in fields]


def _revisits(
    n: int, index: Sequence[int], receiving: Sequence[str], sending: Sequence[str | None]
) -> Column:
    """graph.facts.revisit of each of n filings from their ROUTED rows (owner index, receiving unit, sending
    unit; a filing's rows in seq order); the edge rows it reads are built only for filings that have some."""
    steps: dict[int, list[dict[str, Any]]] = {}
    for i, to, frm in zip(index, receiving, sending, strict=True):
        steps.setdefault(i, []).append({"other": to, "props": {"from_unit_id": frm}})
    out: Column = [False] * n
    for i, routing in steps.items():
        out[i] = facts.revisit(routing)
    return out


def _none_if_empty(values: Iterable[Any]) -> Column:
    return [v or None for v in values]


def _evidence_columns(evidence: Sequence[Evidence | None]) -> dict[str, Column]:
    """score, reasons, matched_filing_id of each evidence (all absent where there is none)."""
    if None in evidence:
        return {
            "score": [None if e is None else float(e.score) for e in evidence],
            "reasons": [None if e is None else list(e.reasons) or None for e in evidence],
            "matched_filing_id": [None if e is None else e.matched_filing_id for e in evidence],
        }
    score, reasons, matched = list(zip(*map(_EVIDENCE_FIELDS, evidence), strict=True)) or [(), (), ()]
    return {
        "score": list(map(float, score)),
        "reasons": [list(r) or None for r in reasons],
        "matched_filing_id": list(matched),
    }


_EVIDENCE_FIELDS = attrgetter("score", "reasons", "matched_filing_id")


def _latest(owners: Sequence[str], values: Sequence[Any], keys: Sequence[str], last: Sequence[int]) -> Column:
    """For each key, the value of its latest row that has one (not None): the key's last row if it has one,
    else the latest earlier row that does (looked up only for the keys that need it)."""
    out = list(map(values.__getitem__, last))
    missing = [i for i, v in enumerate(out) if v is None]
    if missing:
        needy = {keys[i] for i in missing}
        found = dict(
            compress(
                zip(owners, values, strict=True),
                [v is not None and o in needy for o, v in zip(owners, values, strict=True)],
            )
        )
        for i in missing:
            out[i] = found.get(keys[i])
    return out


class GraphMapper:
    """Lookups built once over a Resolution; produces the node and edge tables."""

    def __init__(self, res: Resolution) -> None:
        self.res = res
        self.filings = sorted(res.filings, key=attrgetter("received_date", "filing_id"))
        self.fids: list[str] = list(map(attrgetter("filing_id"), self.filings))
        self.pids: list[str | None] = list(map(res.petitioner_of.get, self.fids))
        self.responsible: dict[str, str] = {}
        to, frm = self._mentions(res.unit_mentions)
        self._routing(res.transfers, to, frm)
        self.cosigners: dict[str, tuple[str, str | None]] = {}
        """Co-signers known by name only: id → (name, county)."""
        self.cosigned: dict[str, list[tuple[str, str, str]]] = {}
        """Per filing: (petitioner id, name as listed, how) of each co-signer."""
        self._cosigners()
        self.petitioners = self._petitioners()
        self.issue_counties, self.filing_counties = self._signer_counties()
        """graph.facts.signer_counties of each issue and co-signed filing (Issue and Filing properties)."""

    def _mentions(
        self, mentions: Sequence[UnitMention]
    ) -> tuple[dict[tuple[str, int | None], str], dict[tuple[str, int | None], str]]:
        """The responsible unit of each filing; the receiving and sending unit of each (filing, seq)."""
        # three comprehensions over the records beat one pass that copies their fields into tuples
        self.responsible = {m.filing_id: m.unit_id for m in mentions if m.role is UnitRole.RESPONSIBLE}
        to = {(m.filing_id, m.seq): m.unit_id for m in mentions if m.role is UnitRole.TO}
        frm = {(m.filing_id, m.seq): m.unit_id for m in mentions if m.role is UnitRole.FROM}
        return to, frm

    def _routing(
        self,
        transfers: Sequence[Transfer],
        to: dict[tuple[str, int | None], str],
        frm: dict[tuple[str, int | None], str],
    ) -> None:
        """ROUTED rows of every filing, ordered by the filing's position in `filings`, then by seq.

        One step per (filing, seq): its last transfer row; a step whose receiving unit is not known is left
        out. `routed_at[i]` is the filing position of row i, so a range of filings is a slice.
        """
        rows = list(map(_TRANSFER_FIELDS, transfers))  # the one pass over the records
        last = dict(zip(map(_STEP, rows), rows, strict=True))
        if len(last) != len(rows):  # a step given twice: its last row wins
            rows.sort(key=itemgetter(2))
            last = dict(zip(map(_STEP, rows), rows, strict=True))
        position = dict(zip(self.fids, range(len(self.fids)), strict=True))
        keys = list(last)
        receiving = list(map(to.get, keys))
        at = list(map(position.get, map(itemgetter(0), keys)))
        keep = [u is not None and p is not None for u, p in zip(receiving, at, strict=True)]
        keys, rows, units = (
            list(compress(keys, keep)),
            list(compress(last.values(), keep)),
            list(compress(receiving, keep)),
        )
        sending = list(map(frm.get, keys))
        where = np.array(list(compress(at, keep)), dtype=np.int64)
        order: list[int] = np.lexsort((np.array([s for _, s in keys], dtype=np.int64), where)).tolist()
        fields = list(zip(*[rows[i] for i in order], strict=True)) or [()] * 8
        fid, seq, _, day, action, note, from_unit, to_unit = fields
        self.routed_at = where[order]
        self.routed: list[Column] = [
            list(fid),
            [units[i] for i in order],
            list(seq),
            list(day),
            list(map(str, action)),
            _none_if_empty(note),
            [sending[i] for i in order],
            list(from_unit),
            list(to_unit),
        ]

    def _cosigners(self) -> None:
        joint = [(f, pid) for f, pid in zip(self.filings, self.pids, strict=True) if f.co_petitioners]
        listed = {name for f, _ in joint for name in f.co_petitioners}
        by_name: dict[str, set[str]] = defaultdict(set)
        norms = map(attrgetter("name_norm"), self.filings)
        for norm, pid in zip(norms, self.pids, strict=True):
            if pid is not None and norm in listed:
                by_name[norm].add(pid)
        for f, own in joint:
            edges: dict[str, tuple[str, str, str]] = {}
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

    # --- nodes and edges that do not depend on the range of filings ----------------------------------------

    def static_tables(self) -> tuple[list[NodeTable], list[EdgeTable]]:
        """County, Org, Unit, Issue and Petitioner nodes (in that order) and their LOCATED_IN edges."""
        petitioners = self.petitioners
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
        """A row per petitioner, its name the one most of its filings use, each other field from the latest
        filing that has it, and every account id of their filings; then name-only co-signers."""
        have = list(map(is_not, self.pids, repeat(None)))
        owners: list[str] = [p for p in self.pids if p is not None]
        fields = list(zip(*map(_PERSON_FIELDS, compress(self.filings, have)), strict=True)) or [()] * 9
        name, norm, pinyin, idn, phone, address, county, sex, birth = fields
        last = dict(zip(owners, range(len(owners)), strict=True))  # filings are oldest first: the latest wins
        keys = sorted(last)
        at = list(map(last.__getitem__, keys))
        # the name is the form most of their filings use (叶华 written 9 times in 10, not the one 叶桦), ties
        # to the latest; its normalised form and pinyin come from the same row
        uses = Counter(zip(owners, name, strict=True))
        most: dict[str, tuple[int, int]] = {}
        for i, pair in enumerate(zip(owners, name, strict=True)):
            n_uses = uses[pair]
            if n_uses >= most.get(pair[0], (0, 0))[0]:
                most[pair[0]] = (n_uses, i)
        named_at = [most[k][1] for k in keys]
        cos = [k for k in sorted(self.cosigners) if k not in last]
        names = [self.cosigners[k][0] for k in cos]
        none = [None] * len(cos)
        accounts: dict[str, set[str]] = {}
        given = list(map(attrgetter("account_id"), self.filings))
        for pid, account in compress(zip(self.pids, given, strict=True), given):  # only filings with one
            if pid is not None:
                accounts.setdefault(pid, set()).add(account)
        return _node_table(
            Label.PETITIONER,
            [
                keys + cos,
                list(map(name.__getitem__, named_at)) + names,
                list(map(norm.__getitem__, named_at)) + names,
                list(map(pinyin.__getitem__, named_at)) + none,
                _latest(owners, idn, keys, at) + none,
                _latest(owners, phone, keys, at) + none,
                _latest(owners, _none_if_empty(address), keys, at) + none,
                _latest(owners, county, keys, at) + [self.cosigners[k][1] for k in cos],
                _latest(owners, sex, keys, at) + none,
                _latest(owners, birth, keys, at) + none,
                [None] * len(keys) + [True] * len(cos),
                [sorted(accounts[k]) if k in accounts else None for k in keys] + none,
            ],
        )

    def _signer_counties(self) -> tuple[dict[str, int], dict[str, int]]:
        table = self.petitioners.columns
        county_of = dict(zip(table["petitioner_id"], table["county"], strict=True))
        cosigners = ([pid for pid, _, _ in self.cosigned.get(f, ())] for f in self.fids)
        issues = map(self.res.issue_of.get, self.fids)
        return facts.signer_counties(zip(self.fids, issues, self.pids, cosigners, strict=True), county_of)

    def _issues(self) -> NodeTable:
        issues = sorted(self.res.issues.values(), key=attrgetter("issue_id"))
        issue_id, title, county, category = _columns(issues, "issue_id", "title", "county", "category")
        signers = [self.issue_counties.get(i, 0) for i in issue_id]
        return _node_table(Label.ISSUE, [issue_id, title, county, _none_if_empty(category), signers])

    def _units(self) -> NodeTable:
        units = sorted(self.res.units.values(), key=attrgetter("unit_id"))
        return _node_table(Label.UNIT, _columns(units, "unit_id", "name", "county", "level", "known"))

    def _orgs(self) -> NodeTable:
        levels = {f.receiving_org: str(f.receiving_level) for f in self.filings if f.receiving_org}
        keys = sorted(levels)
        return _node_table(Label.ORG, [keys, [levels[k] for k in keys]])

    def _counties(self, petitioners: NodeTable, issues: NodeTable, units: NodeTable) -> NodeTable:
        places = map(attrgetter("place_county", "address_county"), self.filings)
        codes = {place or address for place, address in places}
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
        county = nodes.columns["county"]
        return _pairs(spec, nodes.columns[nodes.label.key], county, county)

    # --- per range of filings ------------------------------------------------------------------------------

    def filing_tables(self, start: int, stop: int) -> tuple[NodeTable, list[EdgeTable]]:
        """The Filing nodes of filings[start:stop] and every edge they own (FILING_SPECS, in that order)."""
        filings = self.filings[start:stop]
        cols = list(zip(*map(_FILING_FIELDS, filings), strict=True)) or [()] * 20
        fid, received, channel, level, org, name, content, category, headcount = cols[:9]
        co, place, place_county, address_county, resp, status, concluded, flags = cols[9:17]
        title, account, reply = cols[17:]
        fids = list(fid)
        county = [p or a for p, a in zip(place_county, address_county, strict=True)]
        lo, hi = np.searchsorted(self.routed_at, [start, stop]).tolist()
        routed = [column[lo:hi] for column in self.routed]
        routed_index: list[int] = (self.routed_at[lo:hi] - start).tolist()
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
                county,
                _none_if_empty(resp),
                [None if s is None else str(s) for s in status],
                list(concluded),
                [[f"{p.column}: {p.reason_zh}" for p in fl] if fl else None for fl in flags],
                _revisits(len(fids), routed_index, routed[1], routed[6]),
                list(map(self.filing_counties.get, fids)),
                [c is None for c in concluded],
                _none_if_empty(title),
                _none_if_empty(account),
                _none_if_empty(reply),
            ],
        )
        res, cosigned = self.res, self.cosigned
        issues = list(map(res.issue_of.get, fids))
        handled = list(map(self.responsible.get, fids))
        edges = [
            self._evidence(model.FILED, fids, self.pids[start:stop], res.petitioner_evidence),
            _edge_table(
                model.CO_SIGNED,
                [(pid, f, nm, how) for f in fids if f in cosigned for pid, nm, how in cosigned[f]],
                fids,
            ),
            self._evidence(model.ABOUT, fids, issues, res.issue_evidence),
            EdgeTable(
                model.ROUTED,
                routed[0],
                routed[1],
                {name: routed[2 + i] for i, (name, _) in enumerate(model.ROUTED.props)},
                fids,
                routed_index,
            ),
            _pairs(model.HANDLED_BY, fids, handled, map(is_not, handled, repeat(None))),
            _pairs(model.RECEIVED_BY, fids, org, org),
            _pairs(model.FILING_IN, fids, county, county),
        ]
        return node, edges

    @staticmethod
    def _evidence(
        spec: EdgeSpec, fids: Column, others: Sequence[str | None], evidence: dict[str, Evidence]
    ) -> EdgeTable:
        """FILED or ABOUT: the filing's petitioner or issue (others[i] of fids[i]), with the evidence."""
        index = list(compress(range(len(fids)), others))
        owners, keys = list(map(fids.__getitem__, index)), list(map(others.__getitem__, index))
        columns = _evidence_columns(list(map(evidence.get, owners)))
        src, dst = (keys, owners) if spec.owner == "dst" else (owners, keys)
        return EdgeTable(spec, src, dst, columns, fids, index)
