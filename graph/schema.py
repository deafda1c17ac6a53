"""Uniqueness constraints and indexes, as data, and the Cypher that creates them (`… IF NOT EXISTS`).

Labels and property names come from graph.model only; statements are built from those constants, never from
input data. The embedded store enforces the same uniqueness by keying its nodes on (label, key).
"""

from __future__ import annotations

from dataclasses import dataclass

from graph.model import Label


@dataclass(frozen=True, slots=True)
class Constraint:
    """A uniqueness constraint on the key property of a label."""

    name: str
    label: Label
    prop: str

    def cypher(self) -> str:
        return (
            f"CREATE CONSTRAINT {self.name} IF NOT EXISTS "
            f"FOR (n:{self.label}) REQUIRE n.{self.prop} IS UNIQUE"
        )


@dataclass(frozen=True, slots=True)
class Index:
    """A range index on one property of a label, for lookups and range filters used by the queries."""

    name: str
    label: Label
    prop: str

    def cypher(self) -> str:
        return f"CREATE INDEX {self.name} IF NOT EXISTS FOR (n:{self.label}) ON (n.{self.prop})"


CONSTRAINTS: tuple[Constraint, ...] = tuple(
    Constraint(f"{label.value.lower()}_{label.key}_unique", label, label.key) for label in Label
)

INDEXES: tuple[Index, ...] = (
    Index("filing_received_date", Label.FILING, "received_date"),
    Index("filing_status", Label.FILING, "status"),
    Index("filing_county", Label.FILING, "county"),
    Index("petitioner_name", Label.PETITIONER, "name"),
    Index("unit_name", Label.UNIT, "name"),
    Index("issue_county", Label.ISSUE, "county"),
    Index("filing_revisit", Label.FILING, "revisit"),
    Index("filing_signer_counties", Label.FILING, "signer_counties"),
    Index("issue_signer_counties", Label.ISSUE, "signer_counties"),
)


def schema_statements() -> list[str]:
    """Every schema statement, constraints first."""
    return [c.cypher() for c in CONSTRAINTS] + [i.cypher() for i in INDEXES]
