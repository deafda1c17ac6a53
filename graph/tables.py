"""Nodes and edges as columns: the neutral form the mapping produces and every writer renders.

A NodeTable holds nodes of one label, an EdgeTable edges of one kind; each property is one list with a value
per node or edge (None: the property is absent), in the order of graph.model (NODE_PROPS, EdgeSpec.props).
Columns suit bulk output — graph.bulk_import writes them as neo4j-admin import files without visiting each
value in Python — and `node_rows` / `owner_rows` turn them into the rows a GraphWriter takes.

    >>> from graph import model
    >>> t = EdgeTable(model.HANDLED_BY, ["F1", "F2"], ["U1", "U2"], {}, owners=["F1", "F2", "F3"])
    >>> owner_rows(t)[2]
    {'owner': 'F3', 'edges': []}
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from graph.model import NODE_PROPS, EdgeSpec, Label, OwnerRow, Row

Column = list[Any]


@dataclass(slots=True)
class NodeTable:
    """Nodes of one label: `columns[prop][i]` is property `prop` of node i (the key column first)."""

    label: Label
    columns: dict[str, Column]

    def __post_init__(self) -> None:
        names = tuple(self.columns)
        expected = tuple(name for name, _ in NODE_PROPS[self.label])
        if names != expected:
            raise ValueError(f"{self.label} columns {names} differ from graph.model's {expected}")

    def __len__(self) -> int:
        return len(self.columns[self.label.key])


@dataclass(slots=True)
class EdgeTable:
    """Edges of one kind: edge i goes from node key `src[i]` to `dst[i]` with properties `columns[prop][i]`.

    `owners` lists every owner node (spec.owner end) for which these are the complete edges of this kind,
    owners without any edge included: a writer replacing edges per owner removes their old ones.
    """

    spec: EdgeSpec
    src: Column
    dst: Column
    columns: dict[str, Column]
    owners: Column
    owner_index: list[int] | None = None
    """For each edge, the position of its owner in `owners`, when the mapping knows it: a writer that
    numbers nodes itself (graph.bulk_import) then needs no lookup by key."""

    def __post_init__(self) -> None:
        names = tuple(self.columns)
        expected = tuple(name for name, _ in self.spec.props)
        if names != expected:
            raise ValueError(f"{self.spec.name} columns {names} differ from graph.model's {expected}")

    def __len__(self) -> int:
        return len(self.src)


def node_rows(table: NodeTable) -> list[Row]:
    """One dict per node, every property named (None for an absent one)."""
    names = tuple(table.columns)
    return [dict(zip(names, values, strict=True)) for values in zip(*table.columns.values(), strict=True)]


def owner_rows(table: EdgeTable) -> list[OwnerRow]:
    """One row per owner, {"owner": key, "edges": [{"other": key, "props": {...}}, ...]}, in table order."""
    own, other = (table.src, table.dst) if table.spec.owner == "src" else (table.dst, table.src)
    names = tuple(table.columns)
    edges: dict[Any, list[dict[str, Any]]] = {}
    for owner, key, *values in zip(own, other, *table.columns.values(), strict=True):
        edges.setdefault(owner, []).append({"other": key, "props": dict(zip(names, values, strict=True))})
    return [{"owner": owner, "edges": edges.get(owner, [])} for owner in table.owners]
