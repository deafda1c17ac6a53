"""The graph model as data: node labels with their unique key, relationship types, and the edge kinds.

Both back ends (graph.memory_store, graph.neo4j_store) take labels, keys and relationship types from here and
never from input data, so no text from a filing can become part of a Cypher statement.

    (Petitioner)-[:FILED {score, reasons, matched_filing_id}]->(Filing)
    (Petitioner)-[:CO_SIGNED {name, how}]->(Filing)
    (Filing)-[:ABOUT {score, reasons, matched_filing_id}]->(Issue)
    (Filing)-[:ROUTED {seq, date, action, note, from_unit_id}]->(Unit)      one edge per routing event
    (Filing)-[:HANDLED_BY]->(Unit)                                          the responsible unit
    (Filing)-[:RECEIVED_BY]->(Org)                                          the receiving body
    (Filing|Petitioner|Issue|Unit)-[:LOCATED_IN]->(County)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any, Literal

PropValue = str | int | float | bool | date | tuple[str, ...]
"""What a stored property may hold. Lists of strings are given as lists and come back as tuples in dumps."""

PropType = Literal["string", "long", "double", "boolean", "date", "string[]"]
"""The stored type of a property, named as Neo4j's importer names it (str, int, float, bool, date, list)."""

Props = tuple[tuple[str, PropType], ...]
"""Property names with their types, in a fixed order."""


class Label(StrEnum):
    """Node labels."""

    PETITIONER = "Petitioner"
    FILING = "Filing"
    ISSUE = "Issue"
    UNIT = "Unit"
    COUNTY = "County"
    ORG = "Org"

    @property
    def key(self) -> str:
        """The property that identifies a node of this label (unique constraint in Neo4j)."""
        return NODE_KEYS[self]


NODE_KEYS: dict[Label, str] = {
    Label.PETITIONER: "petitioner_id",
    Label.FILING: "filing_id",
    Label.ISSUE: "issue_id",
    Label.UNIT: "unit_id",
    Label.COUNTY: "code",
    Label.ORG: "name",
}

NODE_PROPS: dict[Label, Props] = {
    Label.PETITIONER: (
        ("petitioner_id", "string"),
        ("name", "string"),
        ("name_norm", "string"),
        ("name_pinyin", "string"),
        ("id_number", "string"),
        ("phone", "string"),
        ("address", "string"),
        ("county", "string"),
        ("sex", "string"),
        ("birth_date", "date"),
        ("cosigner_only", "boolean"),
        ("account_ids", "string[]"),
    ),
    Label.FILING: (
        ("filing_id", "string"),
        ("received_date", "date"),
        ("channel", "string"),
        ("receiving_level", "string"),
        ("level_rank", "long"),
        ("receiving_org", "string"),
        ("petitioner_name", "string"),
        ("content", "string"),
        ("category", "string"),
        ("headcount", "long"),
        ("group", "boolean"),
        ("co_petitioners", "string[]"),
        ("issue_place", "string"),
        ("county", "string"),
        ("responsible_unit", "string"),
        ("status", "string"),
        ("concluded_date", "date"),
        ("flags", "string[]"),
        ("revisit", "boolean"),
        ("signer_counties", "long"),
        ("unconcluded", "boolean"),
        ("title", "string"),
        ("account_id", "string"),
        ("reply", "string"),
    ),
    Label.ISSUE: (
        ("issue_id", "string"),
        ("title", "string"),
        ("county", "string"),
        ("category", "string"),
        ("signer_counties", "long"),
    ),
    Label.UNIT: (
        ("unit_id", "string"),
        ("name", "string"),
        ("county", "string"),
        ("level", "string"),
        ("known", "boolean"),
    ),
    Label.COUNTY: (("code", "string"), ("name", "string"), ("city", "string"), ("province", "string")),
    Label.ORG: (("name", "string"), ("level", "string")),
}
"""Every property a node of each label may hold, its key first (graph/README.md lists what each means;
revisit, signer_counties and unconcluded are the pattern facts of graph/facts.py)."""


class RelType(StrEnum):
    """Relationship types."""

    FILED = "FILED"
    CO_SIGNED = "CO_SIGNED"
    ABOUT = "ABOUT"
    ROUTED = "ROUTED"
    HANDLED_BY = "HANDLED_BY"
    RECEIVED_BY = "RECEIVED_BY"
    LOCATED_IN = "LOCATED_IN"


Side = Literal["src", "dst"]


@dataclass(frozen=True, slots=True)
class EdgeSpec:
    """One kind of edge: a relationship type between two labels, and which end owns it.

    Edges are written per owner: loading an owner's edges of one kind replaces the ones it had, so a filing
    whose petitioner or routing changed after re-resolution never keeps a stale edge. `key` names the
    properties that tell two edges of one kind between the same two nodes apart (ROUTED: seq).
    """

    rel: RelType
    src: Label
    dst: Label
    owner: Side
    key: tuple[str, ...] = ()
    props: Props = ()
    """Every property an edge of this kind may hold, with its type."""

    @property
    def owner_label(self) -> Label:
        return self.src if self.owner == "src" else self.dst

    @property
    def other_label(self) -> Label:
        return self.dst if self.owner == "src" else self.src

    @property
    def name(self) -> str:
        return f"{self.src}-{self.rel}->{self.dst}"


EVIDENCE: Props = (("score", "double"), ("reasons", "string[]"), ("matched_filing_id", "string"))
"""The match evidence on FILED and ABOUT."""

FILED = EdgeSpec(RelType.FILED, Label.PETITIONER, Label.FILING, owner="dst", props=EVIDENCE)
CO_SIGNED = EdgeSpec(
    RelType.CO_SIGNED,
    Label.PETITIONER,
    Label.FILING,
    owner="dst",
    props=(("name", "string"), ("how", "string")),
)
ABOUT = EdgeSpec(RelType.ABOUT, Label.FILING, Label.ISSUE, owner="src", props=EVIDENCE)
ROUTED = EdgeSpec(
    RelType.ROUTED,
    Label.FILING,
    Label.UNIT,
    owner="src",
    key=("seq",),
    props=(
        ("seq", "long"),
        ("date", "date"),
        ("action", "string"),
        ("note", "string"),
        ("from_unit_id", "string"),
        ("from_unit", "string"),
        ("to_unit", "string"),
    ),
)
HANDLED_BY = EdgeSpec(RelType.HANDLED_BY, Label.FILING, Label.UNIT, owner="src")
RECEIVED_BY = EdgeSpec(RelType.RECEIVED_BY, Label.FILING, Label.ORG, owner="src")
FILING_IN = EdgeSpec(RelType.LOCATED_IN, Label.FILING, Label.COUNTY, owner="src")
PETITIONER_IN = EdgeSpec(RelType.LOCATED_IN, Label.PETITIONER, Label.COUNTY, owner="src")
ISSUE_IN = EdgeSpec(RelType.LOCATED_IN, Label.ISSUE, Label.COUNTY, owner="src")
UNIT_IN = EdgeSpec(RelType.LOCATED_IN, Label.UNIT, Label.COUNTY, owner="src")

EDGE_SPECS: tuple[EdgeSpec, ...] = (
    FILED,
    CO_SIGNED,
    ABOUT,
    ROUTED,
    HANDLED_BY,
    RECEIVED_BY,
    FILING_IN,
    PETITIONER_IN,
    ISSUE_IN,
    UNIT_IN,
)


@dataclass(frozen=True, slots=True, order=True)
class Node:
    """A node as dumped by a store: label, key value and all properties (sorted, lists as tuples)."""

    label: str
    key: str
    props: tuple[tuple[str, Any], ...]


@dataclass(frozen=True, slots=True, order=True)
class Edge:
    """An edge as dumped by a store: type, both ends as (label, key), and all properties (sorted)."""

    rel: str
    src_label: str
    src: str
    dst_label: str
    dst: str
    props: tuple[tuple[str, Any], ...]


Row = dict[str, Any]
"""A node row: the key property plus every other property (None removes a property)."""

OwnerRow = dict[str, Any]
"""An edge row for one owner: {"owner": key, "edges": [{"other": key, "props": {...}}, ...]}."""


def freeze_props(props: dict[str, Any]) -> tuple[tuple[str, Any], ...]:
    """Properties as sorted pairs, lists as tuples, None dropped: comparable across back ends."""
    return tuple(
        sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in props.items() if v is not None)
    )
