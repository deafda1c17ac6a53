"""Uniqueness constraints and indexes, as data, and the Cypher that creates them (`… IF NOT EXISTS`).

Labels and property names come from graph.model only; statements are built from those constants, never from
input data. The embedded store enforces the same uniqueness by keying its nodes on (label, key).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

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


IndexKind = Literal["RANGE", "TEXT"]


@dataclass(frozen=True, slots=True)
class Index:
    """An index on one property of a label. RANGE: equality, ranges and order (lookups, filters, pages);
    TEXT: `CONTAINS` / `ENDS WITH` on strings (Neo4j's trigram text index), what search needs."""

    name: str
    label: Label
    prop: str
    kind: IndexKind = "RANGE"

    def cypher(self) -> str:
        return f"CREATE {self.kind} INDEX {self.name} IF NOT EXISTS FOR (n:{self.label}) ON (n.{self.prop})"


CONSTRAINTS: tuple[Constraint, ...] = tuple(
    Constraint(f"{label.value.lower()}_{label.key}_unique", label, label.key) for label in Label
)

SEARCHED: tuple[tuple[Label, str], ...] = (
    (Label.PETITIONER, "petitioner_id"),
    (Label.PETITIONER, "name"),
    (Label.PETITIONER, "id_number"),
    (Label.PETITIONER, "phone"),
    (Label.FILING, "filing_id"),
    (Label.FILING, "content"),
    (Label.FILING, "title"),
    (Label.ISSUE, "issue_id"),
    (Label.ISSUE, "title"),
    (Label.UNIT, "unit_id"),
    (Label.UNIT, "name"),
)
"""The properties queries/search.cypher matches with CONTAINS: each gets a text index, so a search at 1M
filings reads the matching nodes instead of every node's text (1.6 s → 0.003–0.3 s; one character: 0.5 s).
An account id is matched only exactly, through the range index on Filing.account_id."""

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
    Index("filing_unconcluded", Label.FILING, "unconcluded"),
    Index("filing_account_id", Label.FILING, "account_id"),
    *(Index(f"{label.value.lower()}_{prop}_text", label, prop, "TEXT") for label, prop in SEARCHED),
)


def schema_statements() -> list[str]:
    """Every schema statement, constraints first."""
    return [c.cypher() for c in CONSTRAINTS] + [i.cypher() for i in INDEXES]
