"""The neighbourhood picture of one entity: which nodes to draw, read through the named queries.

The start node's neighbours are found one step at a time (the neighbourhood query with hops=1 per node), and
only nodes of the chosen types are drawn and expanded further, so a county or a provincial bureau does not
pull thousands of unrelated filings into the picture. Filings outside a date range are dropped together with
whatever only they joined to the start.
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Collection
from dataclasses import dataclass

from dashboards import explore_data
from dashboards.network import NetEdge, NetNode

NodeKey = tuple[str, str]
"""(label, key)"""

PER_NODE = 40
"""The most neighbours taken from one node (nearest first; hubs are cut here)."""

MAX_NODES = 200
"""The most nodes in one picture (more is unreadable, and each expanded node costs a query)."""


@dataclass(frozen=True, slots=True)
class Picture:
    nodes: list[NetNode]
    edges: list[NetEdge]
    cut: bool
    """True when some node had more neighbours than PER_NODE, or the picture reached MAX_NODES, and the rest
    were left out."""


def neighbourhood(
    centre: NodeKey,
    hops: int,
    types: Collection[str],
    date_from: str | None = None,
    date_to: str | None = None,
    per_node: int = PER_NODE,
    max_nodes: int = MAX_NODES,
) -> Picture:
    """The nodes of `types` within `hops` steps of `centre` (walking only through such nodes), their cards
    and the links among them; filings received outside [date_from, date_to] are left out."""
    dist: dict[NodeKey, int] = {centre: 0}
    frontier: deque[NodeKey] = deque([centre])
    cut = False
    while frontier:
        node = frontier.popleft()
        if dist[node] >= hops:
            continue
        near = explore_data.frame("neighbourhood", key=node[1], label=node[0], hops=1, limit=per_node + 2)
        cut |= len(near) > per_node + 1  # the node itself comes first, at distance 0
        for label, key in near.head(per_node + 1)[["label", "key"]].itertuples(index=False):
            other = (label, key)
            if other not in dist and label in types:
                if len(dist) >= max_nodes:
                    cut = True
                    frontier.clear()
                    break
                dist[other] = dist[node] + 1
                frontier.append(other)
    keys = sorted({k for _, k in dist})
    cards = explore_data.frame("entities", keys=keys)
    found = {(r.label, r.key): r for r in cards.itertuples(index=False)}
    kept = {
        n
        for n in dist
        if n == centre or (n in found and _in_range(n, found[n].received_date, date_from, date_to))
    }
    links = explore_data.frame("links", keys=keys)
    edges = [
        NetEdge((r.src_label, r.src), r.rel, (r.dst_label, r.dst), int(r.edges))
        for r in links.itertuples(index=False)
        if (r.src_label, r.src) in kept and (r.dst_label, r.dst) in kept
    ]
    kept = _reachable(centre, kept, edges)
    edges = [e for e in edges if e.src in kept and e.dst in kept]
    nodes = []
    for n in sorted(kept, key=lambda n: (dist[n], n)):
        card = found.get(n)
        nodes.append(
            NetNode(
                n[0],
                n[1],
                name=_text(card.name) if card else None,
                received_date=_text(card.received_date) if card else None,
                county=_text(card.county) if card else None,
                id_number=_text(card.id_number) if card else None,
                phone=_text(card.phone) if card else None,
                distance=dist[n],
            )
        )
    return Picture(nodes, edges, cut)


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def _in_range(node: NodeKey, day: object, date_from: str | None, date_to: str | None) -> bool:
    if node[0] != "Filing" or not isinstance(day, str):
        return True
    return (date_from is None or day >= date_from) and (date_to is None or day <= date_to)


def _reachable(centre: NodeKey, nodes: set[NodeKey], edges: list[NetEdge]) -> set[NodeKey]:
    """The nodes joined to `centre` through `edges` (either direction)."""
    adj: dict[NodeKey, set[NodeKey]] = defaultdict(set)
    for e in edges:
        adj[e.src].add(e.dst)
        adj[e.dst].add(e.src)
    seen, todo = {centre}, [centre]
    while todo:
        for m in adj[todo.pop()]:
            if m in nodes and m not in seen:
                seen.add(m)
                todo.append(m)
    return seen
