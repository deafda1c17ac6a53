"""The networkx twin of every query in the library, under the same name.

Each twin reads the embedded store's MultiDiGraph (nodes are (label, key), edge keys start with the
relationship type; see graph.memory_store) and returns rows as dicts with the spec's columns, in the same
order and with the same values as the Cypher text gives on Neo4j (tests/queries/test_query_contract.py
holds both to it). Values are Python dates, ints, bools, strings, None and lists; queries.run normalises them.

It is one module of over 700 lines on purpose: every twin leans on the same few graph helpers below, and
TWINS lists them all in one place, as queries/*.cypher lies in one folder.
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Callable, Iterator
from typing import Any

import networkx as nx

from graph.memory_store import MemoryView
from graph.model import Label, RelType

Rows = list[dict[str, Any]]
NodeId = tuple[str, str]
Twin = Callable[[MemoryView, dict[str, Any]], Rows]

FILING, PETITIONER, ISSUE, UNIT = str(Label.FILING), str(Label.PETITIONER), str(Label.ISSUE), str(Label.UNIT)
COUNTY = str(Label.COUNTY)
FILED, CO_SIGNED, ABOUT = str(RelType.FILED), str(RelType.CO_SIGNED), str(RelType.ABOUT)
ROUTED, HANDLED_BY = str(RelType.ROUTED), str(RelType.HANDLED_BY)
PATH_RELS = frozenset({FILED, CO_SIGNED, ABOUT, ROUTED, HANDLED_BY})


# --- graph helpers -------------------------------------------------------------------------------------


def _nodes(g: nx.MultiDiGraph, label: str) -> Iterator[tuple[str, dict[str, Any]]]:
    for (lab, key), data in g.nodes(data=True):
        if lab == label:
            yield key, data


def _out(g: nx.MultiDiGraph, node: NodeId, rel: str, label: str) -> Iterator[tuple[NodeId, dict[str, Any]]]:
    """(other end, edge properties) of every `rel` edge leaving `node` towards a `label` node."""
    for v, edges in g.succ[node].items():
        if v[0] == label:
            for k, data in edges.items():
                if k[0] == rel:
                    yield v, data


def _in(g: nx.MultiDiGraph, node: NodeId, rels: frozenset[str], label: str) -> Iterator[NodeId]:
    """Each node of `label` with an edge of one of `rels` into `node` (once per edge)."""
    for u, edges in g.pred[node].items():
        if u[0] == label:
            for k in edges:
                if k[0] in rels:
                    yield u


def _first(nodes: Iterator[NodeId]) -> str | None:
    keys = sorted(n[1] for n in nodes)
    return keys[0] if keys else None


def _petitioner_issue_groups(g: nx.MultiDiGraph) -> dict[tuple[str, str], list[tuple[str, dict[str, Any]]]]:
    """(petitioner_id, issue_id) -> [(filing_id, filing props)] over FILED and ABOUT edges."""
    groups: dict[tuple[str, str], list[tuple[str, dict[str, Any]]]] = defaultdict(list)
    for fid, f in _nodes(g, FILING):
        node = (FILING, fid)
        issues = [i[1] for i, _ in _out(g, node, ABOUT, ISSUE)]
        for p in _in(g, node, frozenset({FILED}), PETITIONER):
            for iid in issues:
                groups[(p[1], iid)].append((fid, f))
    return groups


def _distinct_sorted(values: Any) -> list[Any]:
    return sorted({v for v in values if v is not None})


# --- pattern queries -------------------------------------------------------------------------------------


def repeat_petitions(view: MemoryView, params: dict[str, Any]) -> Rows:
    rows = []
    for (pid, iid), fs in _petitioner_issue_groups(view.graph).items():
        if len(fs) < params["min_filings"]:
            continue
        concluded = min((f["concluded_date"] for _, f in fs if "concluded_date" in f), default=None)
        after = [fid for fid, f in fs if concluded is not None and f["received_date"] > concluded]
        rows.append(
            {
                "petitioner_id": pid,
                "issue_id": iid,
                "filings": len(fs),
                "filing_ids": sorted(fid for fid, _ in fs),
                "first_date": min(f["received_date"] for _, f in fs),
                "last_date": max(f["received_date"] for _, f in fs),
                "channels": _distinct_sorted(f.get("channel") for _, f in fs),
                "concluded_date": concluded,
                "after_conclusion": bool(after),
                "filings_after_conclusion": len(after),
            }
        )
    return sorted(rows, key=lambda r: (r["petitioner_id"], r["issue_id"]))


def multi_channel(view: MemoryView, params: dict[str, Any]) -> Rows:
    window, rows = params["window_days"], []
    for (pid, iid), fs in _petitioner_issue_groups(view.graph).items():
        if len(fs) < 2:
            continue
        channels = _distinct_sorted(f.get("channel") for _, f in fs)
        by_org = any(
            a.get("receiving_org") is not None
            and b.get("receiving_org") is not None
            and a["receiving_org"] < b["receiving_org"]
            and abs((a["received_date"] - b["received_date"]).days) <= window
            for _, a in fs
            for _, b in fs
        )
        by_channel = len(channels) >= params["min_channels"]
        if by_channel or by_org:
            rows.append(
                {
                    "petitioner_id": pid,
                    "issue_id": iid,
                    "channels": channels,
                    "receiving_orgs": _distinct_sorted(f.get("receiving_org") for _, f in fs),
                    "filing_ids": sorted(fid for fid, _ in fs),
                    "by_channel": by_channel,
                    "by_receiving_org": by_org,
                }
            )
    return sorted(rows, key=lambda r: (r["petitioner_id"], r["issue_id"]))


def skip_level(view: MemoryView, params: dict[str, Any]) -> Rows:
    local, counted, rows = set(params["local_levels"]), set(params["channels"]), []
    for (pid, iid), fs in _petitioner_issue_groups(view.graph).items():
        local_dates = [f["received_date"] for _, f in fs if f.get("receiving_level") in local]
        for fid, f in fs:
            if f.get("receiving_level") in local or f.get("channel") not in counted:
                continue
            if any(d < f["received_date"] for d in local_dates):
                continue
            rows.append(
                {
                    "filing_id": fid,
                    "petitioner_id": pid,
                    "issue_id": iid,
                    "receiving_level": f.get("receiving_level"),
                    "received_date": f["received_date"],
                    "receiving_org": f.get("receiving_org"),
                    "channel": f.get("channel"),
                }
            )
    return sorted(rows, key=lambda r: (r["filing_id"], r["petitioner_id"]))


def cross_county(view: MemoryView, params: dict[str, Any]) -> Rows:
    g = view.graph
    signers = frozenset({FILED, CO_SIGNED})
    by_issue: dict[str, set[str]] = defaultdict(set)
    groups: list[tuple[str, str, set[str], list[str]]] = []
    for fid, _ in _nodes(g, FILING):
        node = (FILING, fid)
        people = {p[1] for p in _in(g, node, signers, PETITIONER)}
        issues = sorted({i[1] for i, _ in _out(g, node, ABOUT, ISSUE)})
        for iid in issues:
            by_issue[iid] |= people
        if any(True for _ in _in(g, node, frozenset({CO_SIGNED}), PETITIONER)):
            groups.append((fid, FILING, people, issues))
    groups += [(iid, ISSUE, people, [iid]) for iid, people in by_issue.items() if people]
    rows = []
    for group_id, kind, people, issues in groups:
        counties = _distinct_sorted(g.nodes[(PETITIONER, p)].get("county") for p in people)
        if len(counties) >= params["min_counties"]:
            rows.append(
                {
                    "group_id": group_id,
                    "kind": kind,
                    "petitioner_ids": sorted(people),
                    "counties": counties,
                    "issue_ids": issues,
                    "size": len(people),
                }
            )
    return sorted(rows, key=lambda r: (r["kind"], r["group_id"]))


# --- routing ----------------------------------------------------------------------------------------------


def _moves(g: nx.MultiDiGraph, node: NodeId, ignore: set[str]) -> list[tuple[dict[str, Any], NodeId]]:
    """The filing's routing events that move the file, in seq order: (edge properties, receiving unit)."""
    moves = [(data, v) for v, data in _out(g, node, ROUTED, UNIT) if data.get("action") not in ignore]
    return sorted(moves, key=lambda m: m[0]["seq"])


def _chain(g: nx.MultiDiGraph, moves: list[tuple[dict[str, Any], NodeId]]) -> list[NodeId]:
    """The sending unit of the first move (when known), then the receiving unit of each move."""
    src = moves[0][0].get("from_unit_id")
    head = [(UNIT, src)] if src is not None and (UNIT, src) in g else []
    return head + [v for _, v in moves]


def _handling_hops(g: nx.MultiDiGraph, chain: list[NodeId], markers: tuple[str, ...]) -> list[NodeId]:
    """The chain without dispatch-only units, repeats in a row counted once."""
    hops: list[NodeId] = []
    for u in chain:
        name = g.nodes[u].get("name") or ""
        if any(m in name for m in markers):
            continue
        if not hops or hops[-1] != u:
            hops.append(u)
    return hops


def bounced_cases(view: MemoryView, params: dict[str, Any]) -> Rows:
    g, ignore, markers = view.graph, set(params["ignore_actions"]), tuple(params["dispatch_markers"])
    rows = []
    for fid, _ in _nodes(g, FILING):
        moves = _moves(g, (FILING, fid), ignore)
        if not moves:
            continue
        chain = _chain(g, moves)
        hops = _handling_hops(g, chain, markers)
        distinct = len(set(hops))
        returns = len(hops) - distinct
        send_backs = sum(1 for m, _ in moves if m.get("action") == params["send_back"])
        many = distinct >= params["min_units"]
        if not (many or returns or send_backs):
            continue
        dates = [m["date"] for m, _ in moves]
        reason = [
            code
            for hit, code in ((many, "many_units"), (returns > 0, "return"), (send_backs > 0, "send_back"))
            if hit
        ]
        rows.append(
            {
                "filing_id": fid,
                "chain": [g.nodes[u].get("name") for u in chain],
                "chain_unit_ids": [u[1] for u in chain],
                "distinct_units": distinct,
                "returns": returns,
                "send_backs": send_backs,
                "days_in_routing": (max(dates) - min(dates)).days,
                "reason": reason,
            }
        )
    return sorted(rows, key=lambda r: r["filing_id"])


def unit_bounce_pairs(view: MemoryView, params: dict[str, Any]) -> Rows:
    g, ignore, markers = view.graph, set(params["ignore_actions"]), tuple(params["dispatch_markers"])
    bounces: dict[tuple[str, str], int] = defaultdict(int)
    filings: dict[tuple[str, str], set[str]] = defaultdict(set)
    for fid, _ in _nodes(g, FILING):
        moves = _moves(g, (FILING, fid), ignore)
        if len(moves) < 2:
            continue
        hops = [u[1] for u in _handling_hops(g, _chain(g, moves), markers)]
        steps: set[tuple[str, str]] = set()
        for k in range(1, len(hops)):
            a, b = hops[k - 1], hops[k]
            if (b, a) in steps:
                pair = (min(a, b), max(a, b))
                bounces[pair] += 1
                filings[pair].add(fid)
            steps.add((a, b))
    rows = [
        {
            "unit_a": a,
            "unit_b": b,
            "unit_a_name": g.nodes[(UNIT, a)].get("name"),
            "unit_b_name": g.nodes[(UNIT, b)].get("name"),
            "bounces": n,
            "filings": len(filings[(a, b)]),
            "filing_ids": sorted(filings[(a, b)]),
        }
        for (a, b), n in bounces.items()
        if n >= params["min_bounces"]
    ]
    return sorted(rows, key=lambda r: (-r["bounces"], r["unit_a"], r["unit_b"]))


def overdue(view: MemoryView, params: dict[str, Any]) -> Rows:
    g, as_of, opened = view.graph, params["as_of"], set(params["open_statuses"])
    marker, rows = params["extension_marker"], []
    for fid, f in _nodes(g, FILING):
        status = f.get("status")
        if (
            "concluded_date" in f
            or (status is not None and status not in opened)
            or f["received_date"] > as_of
        ):
            continue
        node = (FILING, fid)
        extended = _extended(g, node, marker)
        limit = params["extended_days"] if extended else params["limit_days"]
        days_open = (as_of - f["received_date"]).days
        if days_open <= limit:
            continue
        units = sorted((g.nodes[u].get("name"), u[1]) for u, _ in _out(g, node, HANDLED_BY, UNIT))
        rows.append(
            {
                "filing_id": fid,
                "petitioner_id": _first(_in(g, node, frozenset({FILED}), PETITIONER)),
                "issue_id": _first(u for u, _ in _out(g, node, ABOUT, ISSUE)),
                "received_date": f["received_date"],
                "status": status,
                "responsible_unit": units[0][0] if units else None,
                "extended": extended,
                "limit_days": limit,
                "days_open": days_open,
                "days_overdue": days_open - limit,
                "responsible_unit_id": units[0][1] if units else None,
            }
        )
    return sorted(rows, key=lambda r: (-r["days_overdue"], r["filing_id"]))


def _extended(g: nx.MultiDiGraph, node: NodeId, marker: str) -> bool:
    """True when a routing note of the filing mentions `marker` (an approved extension)."""
    notes = (data.get("note") for _, data in _out(g, node, ROUTED, UNIT))
    return any(note is not None and marker in note for note in notes)


def _responsible(g: nx.MultiDiGraph, node: NodeId) -> str | None:
    """The first name (in order) of the filing's responsible units."""
    units = sorted(g.nodes[u].get("name") for u, _ in _out(g, node, HANDLED_BY, UNIT))
    return units[0] if units else None


def concluded_late(view: MemoryView, params: dict[str, Any]) -> Rows:
    g, marker, rows = view.graph, params["extension_marker"], []
    shorter = min(params["limit_days"], params["extended_days"])
    for fid, f in _nodes(g, FILING):
        if "concluded_date" not in f:
            continue
        days_taken = (f["concluded_date"] - f["received_date"]).days
        if days_taken <= shorter:
            continue
        node = (FILING, fid)
        extended = _extended(g, node, marker)
        limit = params["extended_days"] if extended else params["limit_days"]
        if days_taken <= limit:
            continue
        rows.append(
            {
                "filing_id": fid,
                "petitioner_id": _first(_in(g, node, frozenset({FILED}), PETITIONER)),
                "issue_id": _first(u for u, _ in _out(g, node, ABOUT, ISSUE)),
                "received_date": f["received_date"],
                "concluded_date": f["concluded_date"],
                "status": f.get("status"),
                "responsible_unit": _responsible(g, node),
                "extended": extended,
                "limit_days": limit,
                "days_taken": days_taken,
                "days_late": days_taken - limit,
            }
        )
    return sorted(rows, key=lambda r: (-r["days_late"], r["filing_id"]))


# --- lookups ----------------------------------------------------------------------------------------------


def petitioner(view: MemoryView, params: dict[str, Any]) -> Rows:
    g, pid = view.graph, params["petitioner_id"]
    me = (PETITIONER, pid)
    if me not in g:
        return []
    signers = frozenset({FILED, CO_SIGNED})
    roles: dict[NodeId, str] = {}
    for f, edges in g.succ[me].items():
        if f[0] == FILING:
            for k in edges:
                if k[0] in signers:
                    roles[f] = min(roles.get(f, k[0]), k[0])
    rows = []
    for f, role in roles.items():
        data = g.nodes[f]
        issues: list[NodeId | None] = [i for i, _ in sorted(_out(g, f, ABOUT, ISSUE), key=lambda e: e[0])]
        for issue in issues or [None]:
            units = {g.nodes[u].get("name") for u, _ in _out(g, f, ROUTED, UNIT)}
            units |= {g.nodes[u].get("name") for u, _ in _out(g, f, HANDLED_BY, UNIT)}
            others = {p[1] for p in _in(g, f, signers, PETITIONER)} - {pid}
            on_issue: set[str] = set()
            if issue is not None:
                for f2 in _in(g, issue, frozenset({ABOUT}), FILING):
                    on_issue |= {p[1] for p in _in(g, f2, signers, PETITIONER)}
            rows.append(
                {
                    "petitioner_id": pid,
                    "filing_id": f[1],
                    "role": role,
                    "received_date": data.get("received_date"),
                    "channel": data.get("channel"),
                    "receiving_level": data.get("receiving_level"),
                    "receiving_org": data.get("receiving_org"),
                    "issue_id": issue[1] if issue else None,
                    "status": data.get("status"),
                    "concluded_date": data.get("concluded_date"),
                    "units": _distinct_sorted(units),
                    "co_petitioner_ids": sorted(others),
                    "issue_petitioner_ids": sorted(on_issue - {pid}),
                }
            )
    return sorted(rows, key=lambda r: (r["received_date"], r["filing_id"]))


def _start_nodes(g: nx.MultiDiGraph, key: str, labels: list[Label]) -> list[NodeId]:
    return [(str(lab), key) for lab in labels if (str(lab), key) in g]


def _neighbours(g: nx.MultiDiGraph, node: NodeId, rels: frozenset[str] | None = None) -> Iterator[NodeId]:
    """Nodes joined to `node` by an edge in either direction (of one of `rels`, when given)."""
    for adj in (g.succ[node], g.pred[node]):
        for other, edges in adj.items():
            if rels is None or any(k[0] in rels for k in edges):
                yield other


def neighbourhood(view: MemoryView, params: dict[str, Any]) -> Rows:
    g, hops = view.graph, params["hops"]
    labels = [lab for lab in Label if params["label"] in ("", str(lab))]
    start = _start_nodes(g, params["key"], labels)
    dist = {n: 0 for n in start}
    frontier = deque(start)
    while frontier:
        n = frontier.popleft()
        if dist[n] == hops:
            continue
        for m in _neighbours(g, n):
            if m not in dist:
                dist[m] = dist[n] + 1
                frontier.append(m)
    rows = [{"label": n[0], "key": n[1], "distance": d} for n, d in dist.items()]
    rows.sort(key=lambda r: (r["distance"], r["label"], r["key"]))
    return rows[: params["limit"]]


def path(view: MemoryView, params: dict[str, Any]) -> Rows:
    g, max_hops, avoid = view.graph, params["max_hops"], tuple(params["avoid_units"])
    ends = [Label.FILING, Label.PETITIONER]
    best: list[tuple[list[NodeId], list[str]]] = []

    def passable(node: NodeId) -> bool:  # not a unit named like a dispatch hub (unless none is avoided)
        name = g.nodes[node].get("name") if node[0] == UNIT else None
        return not (avoid and name is not None and any(m in name for m in avoid))

    for a in _start_nodes(g, params["from_id"], ends):
        for b in _start_nodes(g, params["to_id"], ends):
            if a == b:
                continue
            found = _first_shortest_path(g, a, b, max_hops, passable)
            if found is not None:
                best.append(found)
    if not best:
        return []
    length = min(len(nodes) for nodes, _ in best)
    nodes, rels = min((c for c in best if len(c[0]) == length), key=lambda c: (c[0], c[1]))
    return [
        {"step": i, "label": n[0], "key": n[1], "rel": rels[i - 1] if i else None}
        for i, n in enumerate(nodes)
    ]


def _first_shortest_path(
    g: nx.MultiDiGraph, a: NodeId, b: NodeId, max_hops: int, passable: Callable[[NodeId], bool]
) -> tuple[list[NodeId], list[str]] | None:
    """Of the shortest a–b paths through `passable` nodes, the first by node (label, key) list, then by
    relationship types.

    Breadth-first from a until b is reached; the nodes on some shortest path are found walking back from b;
    from a, each step takes the smallest next node among them.
    """
    dist, frontier, level = {a: 0}, [a], 0
    while frontier and b not in dist and level < max_hops:
        level += 1
        following = []
        for n in frontier:
            for m in _neighbours(g, n, PATH_RELS):
                if m not in dist and passable(m):
                    dist[m] = level
                    following.append(m)
                    if m == b:
                        break
            if b in dist:
                break
        frontier = following
    if b not in dist:
        return None
    on_path, layer = {b}, {b}
    for d in range(dist[b], 0, -1):
        layer = {m for n in layer for m in _neighbours(g, n, PATH_RELS) if dist.get(m) == d - 1}
        on_path |= layer
    nodes, rels = [a], []
    while nodes[-1] != b:
        here = nodes[-1]
        step = dist[here] + 1
        nxt = min(m for m in _neighbours(g, here, PATH_RELS) if m in on_path and dist.get(m) == step)
        nodes.append(nxt)
        types = [k[0] for k in g.succ[here].get(nxt, {})] + [k[0] for k in g.pred[here].get(nxt, {})]
        rels.append(min(t for t in types if t in PATH_RELS))
    return nodes, rels


# --- explorer lookups (search, cards, links, filing and entity pages, overview) -----------------------------


def _nulls_last(*values: Any) -> tuple[tuple[bool, Any], ...]:
    """A sort key that orders like Cypher's ORDER BY: None after every value."""
    return tuple((v is None, "" if v is None else v) for v in values)


def overview_trends(view: MemoryView, params: dict[str, Any]) -> Rows:
    g = view.graph
    counts: dict[tuple[Any, ...], list[int]] = defaultdict(lambda: [0, 0, 0])
    for _, f in _nodes(g, FILING):
        key = (f["received_date"].isoformat()[:7], f.get("channel"), f.get("category"), f.get("county"))
        c = counts[key]
        c[0] += 1
        c[1] += "concluded_date" in f
        c[2] += f.get("status") is not None
    rows = []
    for (month, channel, category, county), (filings, concluded, with_status) in counts.items():
        place = g.nodes.get((COUNTY, county)) if county is not None else None
        rows.append(
            {
                "month": month,
                "channel": channel,
                "category": category,
                "county": county,
                "county_name": place.get("name") if place else None,
                "filings": filings,
                "concluded": concluded,
                "with_status": with_status,
            }
        )
    return sorted(rows, key=lambda r: _nulls_last(r["month"], r["channel"], r["category"], r["county"]))


def _coalesce(*values: Any) -> Any:
    return next((v for v in values if v is not None), None)


def _contains(value: Any, text: str) -> bool:
    return value is not None and text in value


def _search_rank(
    text: str,
    keys: tuple[Any, ...],
    exact: tuple[Any, ...],
    names: tuple[Any, ...],
    content: Any = None,
    accounts: Any = (),
) -> int:
    """The rank search.cypher gives: 0 key, 1 ID/phone/account, 2 name or title equal; 3 key/ID/phone,
    4 name or title, 5 text in (account ids only ever equal)."""
    long = len(text) >= 4
    if keys[0] == text:
        return 0
    if text in exact or text in (accounts or ()):
        return 1
    if text in names:
        return 2
    if long and any(_contains(v, text) for v in keys + exact):
        return 3
    if any(_contains(v, text) for v in names):
        return 4
    if _contains(content, text):
        return 5
    return 6


def search(view: MemoryView, params: dict[str, Any]) -> Rows:
    g, text = view.graph, params["text"]
    rows: Rows = []
    if not text:
        return rows
    for (label, key), n in g.nodes(data=True):
        if label == PETITIONER:
            accounts = n.get("account_ids")
            exact = (n.get("id_number"), n.get("phone"))
            rank = _search_rank(text, (key,), exact, (n.get("name"),), accounts=accounts)
            row = {
                "name": n.get("name"),
                "category": None,
                "received_date": None,
                "id_number": n.get("id_number"),
                "phone": n.get("phone"),
                "title": None,
                "account_ids": accounts,
            }
        elif label == FILING:
            account = n.get("account_id")
            rank = _search_rank(text, (key,), (), (n.get("title"),), n.get("content"), (account,))
            for p in set(_in(g, (label, key), frozenset({FILED, CO_SIGNED}), PETITIONER)):
                person = g.nodes[p]  # a filing of a petitioner the text names (or whose ID/phone it is)
                if len(text) >= 4 and text in (person.get("id_number"), person.get("phone")):
                    rank = min(rank, 1)
                elif person.get("name") == text:
                    rank = min(rank, 2)
            row = {
                "name": n.get("petitioner_name"),
                "category": n.get("category"),
                "received_date": n.get("received_date"),
                "id_number": None,
                "phone": None,
                "title": n.get("title"),
                "account_ids": [account] if account is not None else None,
            }
        elif label in (ISSUE, UNIT):
            name = n.get("title") if label == ISSUE else n.get("name")
            rank = _search_rank(text, (key,), (), (name,))
            row = {
                "name": name,
                "category": n.get("category") if label == ISSUE else None,
                "received_date": None,
                "id_number": None,
                "phone": None,
                "title": None,
                "account_ids": None,
            }
        else:
            continue
        if rank < 6:
            rows.append(
                {
                    "label": label,
                    "key": key,
                    "name": row["name"],
                    "category": row["category"],
                    "received_date": row["received_date"],
                    "county": n.get("county"),
                    "id_number": row["id_number"],
                    "phone": row["phone"],
                    "rank": rank,
                    "title": row["title"],
                    "account_ids": row["account_ids"],
                }
            )
    rows.sort(key=lambda r: (r["rank"], r["label"], r["key"]))
    return rows[: params["limit"]]


def _keyed_nodes(g: nx.MultiDiGraph, keys: list[str]) -> list[NodeId]:
    """The nodes, of any label, whose key is one of `keys` (each once)."""
    found = {(str(lab), k) for k in keys for lab in Label if (str(lab), k) in g}
    return sorted(found)


def entities(view: MemoryView, params: dict[str, Any]) -> Rows:
    g, rows = view.graph, []
    for node in _keyed_nodes(g, params["keys"]):
        n = g.nodes[node]
        name = _coalesce(n.get("title"), n.get("name"), n.get("petitioner_name"))
        rows.append(
            {
                "label": node[0],
                "key": node[1],
                "name": name,
                "category": _coalesce(n.get("category"), n.get("level")),
                "county": n.get("county"),
                "received_date": n.get("received_date"),
                "status": n.get("status"),
                "id_number": n.get("id_number"),
                "phone": n.get("phone"),
                "account_ids": n.get("account_ids"),
            }
        )
    return rows


def links(view: MemoryView, params: dict[str, Any]) -> Rows:
    g = view.graph
    nodes = set(_keyed_nodes(g, params["keys"]))
    counts: dict[tuple[str, str, str, str, str], int] = defaultdict(int)
    for a in nodes:
        for b, edges in g.succ[a].items():
            if b in nodes:
                for k in edges:
                    counts[(a[0], a[1], k[0], b[0], b[1])] += 1
    return [
        {"src_label": sl, "src": s, "rel": rel, "dst_label": dl, "dst": d, "edges": n}
        for (sl, s, rel, dl, d), n in sorted(counts.items())
    ]


def filing(view: MemoryView, params: dict[str, Any]) -> Rows:
    g, node = view.graph, (FILING, params["filing_id"])
    if node not in g:
        return []
    f = g.nodes[node]
    head = {
        "filing_id": node[1],
        **{
            c: f.get(c)
            for c in (
                "received_date",
                "channel",
                "receiving_level",
                "receiving_org",
                "category",
                "content",
                "headcount",
                "status",
                "concluded_date",
                "county",
                "petitioner_name",
            )
        },
        "petitioner_id": _first(_in(g, node, frozenset({FILED}), PETITIONER)),
        "co_petitioner_ids": sorted({p[1] for p in _in(g, node, frozenset({CO_SIGNED}), PETITIONER)}),
        "issue_id": _first(i for i, _ in _out(g, node, ABOUT, ISSUE)),
        "responsible_unit_id": _first(u for u, _ in _out(g, node, HANDLED_BY, UNIT)),
    }
    own = {c: f.get(c) for c in ("title", "account_id", "reply")}
    routes = sorted(_out(g, node, ROUTED, UNIT), key=lambda e: e[1]["seq"])
    none = {
        "seq": None,
        "route_date": None,
        "action": None,
        "from_unit": None,
        "to_unit_id": None,
        "to_unit": None,
        "note": None,
    }
    if not routes:
        return [{**head, **none, **own}]
    return [
        {
            **head,
            "seq": data["seq"],
            "route_date": data.get("date"),
            "action": data.get("action"),
            "from_unit": data.get("from_unit"),
            "to_unit_id": u[1],
            "to_unit": g.nodes[u].get("name"),
            "note": data.get("note"),
            **own,
        }
        for u, data in routes
    ]


def entity_filings(view: MemoryView, params: dict[str, Any]) -> Rows:
    g, node = view.graph, (params["label"], params["key"])
    if params["label"] not in (ISSUE, UNIT) or node not in g:
        return []
    relation: dict[NodeId, str] = {}
    for f in _in(g, node, frozenset({ABOUT, ROUTED, HANDLED_BY}), FILING):
        for k in g.succ[f][node]:
            if k[0] in (ABOUT, ROUTED, HANDLED_BY):
                relation[f] = min(relation.get(f, k[0]), k[0])
    rows = []
    for f, rel in relation.items():
        data = g.nodes[f]
        rows.append(
            {
                "filing_id": f[1],
                **{
                    c: data.get(c)
                    for c in (
                        "received_date",
                        "channel",
                        "receiving_level",
                        "category",
                        "status",
                        "concluded_date",
                    )
                },
                "petitioner_id": _first(_in(g, f, frozenset({FILED}), PETITIONER)),
                "petitioner_name": data.get("petitioner_name"),
                "issue_id": _first(i for i, _ in _out(g, f, ABOUT, ISSUE)),
                "relation": rel,
                "title": data.get("title"),
                "first_line": _first_line(data.get("content")),
            }
        )
    return sorted(rows, key=lambda r: (r["received_date"], r["filing_id"]))


def _first_line(content: Any) -> str | None:
    """The first line of a filing's text, at most 60 characters (stored text has no outer whitespace)."""
    if not isinstance(content, str):
        return None
    return content.split("\n")[0][:60]


TWINS: dict[str, Twin] = {
    "repeat-petitions": repeat_petitions,
    "multi-channel": multi_channel,
    "skip-level": skip_level,
    "cross-county": cross_county,
    "bounced-cases": bounced_cases,
    "unit-bounce-pairs": unit_bounce_pairs,
    "overdue": overdue,
    "concluded-late": concluded_late,
    "petitioner": petitioner,
    "neighbourhood": neighbourhood,
    "path": path,
    "overview-trends": overview_trends,
    "search": search,
    "entities": entities,
    "links": links,
    "filing": filing,
    "entity-filings": entity_filings,
}
"""Query name -> its networkx twin."""
