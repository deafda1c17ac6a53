"""Validated, normalised records: what `ingest` hands to resolution and to the graph.

Raw rows are dicts of strings keyed by canonical column name (see ingest.columns). Validation turns each
raw row into exactly one of: a record (possibly carrying soft flags) or a list of rejecting problems.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import NamedTuple

from ingest.columns import Action, Channel, Level, Status


class Severity(StrEnum):
    REJECT = "reject"
    """The row cannot be loaded; it is written to the rejects file."""
    FLAG = "flag"
    """The row is loaded; the problem is recorded next to it for a clerk to look at."""


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with one cell, said so a clerk can act on it."""

    file: str
    """Which input: "filings" or "transfers"."""
    row: int
    """Source row number as a spreadsheet shows it: the header is row 1, the first record row 2."""
    column: str
    """Canonical column name ("" when the problem concerns the whole row)."""
    value: str
    reason_zh: str
    reason_en: str
    severity: Severity


@dataclass(slots=True)
class Filing:
    """One petition filing (信访件) after validation and normalisation."""

    row: int
    filing_id: str
    received_date: date
    channel: Channel
    receiving_level: Level
    receiving_org: str
    petitioner_name: str
    """The name as written, trimmed."""
    name_norm: str
    """NFKC, simplified, without spaces and stray punctuation, middle dot unified."""
    name_pinyin: str
    """Toneless pinyin of name_norm, surname-aware, syllables joined by spaces."""
    content: str
    id_number: str | None = None
    """18-character ID as normalised (15-digit IDs upgraded); None when missing or unusable."""
    id_valid: bool = False
    """True when id_number has 18 characters and a correct checksum."""
    birth_date: date | None = None
    sex: str | None = None
    """"M" or "F" from the ID number."""
    id_region: str | None = None
    """The 6-digit region code at the head of the ID number."""
    phone: str | None = None
    """Digits only: 11-digit mobile, or area code + number for landlines."""
    address: str = ""
    address_county: str | None = None
    """6-digit county code found in the address."""
    issue_place: str = ""
    place_county: str | None = None
    """6-digit county code of the place of the matter."""
    headcount: int = 1
    co_petitioners: tuple[str, ...] = ()
    """Normalised co-signer names."""
    category: str = ""
    responsible_unit: str = ""
    status: Status | None = None
    concluded_date: date | None = None
    flags: tuple[Problem, ...] = ()
    """Soft problems: the row is loaded and they are shown beside it (most rows have none: one shared ())."""
    title: str = ""
    """The filing's own short title (留言主题), as written."""
    account_id: str = ""
    """The petitioner's account on an online platform, normalised (ingest.normalise.normalise_account)."""
    reply: str = ""
    """The text of the answer given (答复意见)."""

    @property
    def county(self) -> str | None:
        """The county the filing belongs to: the place of the matter, else the petitioner's address."""
        return self.place_county or self.address_county


@dataclass(slots=True)
class Transfer:
    """One routing event of a filing (流转)."""

    row: int
    filing_id: str
    seq: int
    date: date
    from_unit: str
    to_unit: str
    action: Action
    note: str = ""
    flags: tuple[Problem, ...] = ()


class UnitRole(StrEnum):
    """Where a unit mention came from (the `role` column of units_resolved.csv)."""

    RESPONSIBLE = "responsible_unit"
    FROM = "from_unit"
    TO = "to_unit"


class Evidence(NamedTuple):
    """Why a filing was attached to its petitioner (or issue): a score and readable per-field reasons.

    Records made by the million in one run (evidence, unit mentions) are named tuples: as immutable as a
    frozen dataclass and about three times cheaper to create."""

    score: float
    """Match weight (log2 Bayes factor) of the strongest link; 0.0 for a filing that starts a new cluster."""
    reasons: tuple[str, ...] = ()
    """Short human-readable lines, e.g. "身份证号一致 / ID number equal (+12.3)"."""
    matched_filing_id: str | None = None
    """The filing this one was linked to most strongly, if any."""


class UnitMention(NamedTuple):
    filing_id: str
    role: UnitRole
    seq: int | None
    """Transfer seq for from_unit / to_unit; None for responsible_unit."""
    raw_name: str
    unit_id: str


@dataclass(frozen=True, slots=True)
class Unit:
    unit_id: str
    name: str
    """Canonical name, e.g. 自然资源局."""
    county: str | None
    """6-digit county code, None when it cannot be told."""
    level: str | None
    """county_department / township / village_committee / city / province, or None."""
    known: bool = True
    """False for a unit not in the alias table (kept as its own unit and flagged)."""


@dataclass(frozen=True, slots=True)
class Issue:
    issue_id: str
    title: str
    """A short label: category and place, or the first words of the earliest filing."""
    county: str | None
    category: str = ""


@dataclass(slots=True)
class Resolution:
    """Everything `caselink resolve` decides about a set of filings, ready to load into a graph."""

    filings: list[Filing]
    transfers: list[Transfer]
    petitioner_of: dict[str, str]
    """filing_id -> petitioner_id (stable across runs)."""
    petitioner_evidence: dict[str, Evidence]
    issue_of: dict[str, str]
    """filing_id -> issue_id."""
    issue_evidence: dict[str, Evidence]
    issues: dict[str, Issue]
    unit_mentions: list[UnitMention]
    units: dict[str, Unit]
    generic: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    """Phones, accounts and addresses shared by many people (field → (value as compared, people)): no
    evidence of identity (ingest.compare.generic_values)."""
