"""Review decisions and the review queue, kept in the workspace's resolution folder.

decisions.csv      append-only: one row per decision a person took on a pair of filings
                   (filing_a, filing_b, verdict same/different, who, when, note). The latest row for a pair
                   wins; nothing is ever rewritten, so every merge or split can be traced and undone.
review_queue.csv   the uncertain pairs of the last run with their score and readable evidence, for the UI;
                   rewritten by each run. Pairs that already carry a decision are not queued again.

Every run of the resolver reads the decisions: "different" is a cannot-link, "same" a must-link.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path

from graph.atomic import open_private, write_atomically

DECISIONS_FILE = "decisions.csv"
REVIEW_FILE = "review_queue.csv"
_DECISION_COLUMNS = ["filing_a", "filing_b", "verdict", "who", "when", "note"]
_REVIEW_COLUMNS = ["filing_a", "filing_b", "weight", "probability", "name_a", "name_b", "reasons"]


class Verdict(StrEnum):
    SAME = "same"
    """同一人 / the same person: a must-link."""
    DIFFERENT = "different"
    """不是同一人 / different people: a cannot-link."""


def pair_key(a: str, b: str) -> tuple[str, str]:
    """Order-free key of a pair of filing ids."""
    return (a, b) if a <= b else (b, a)


@dataclass(frozen=True, slots=True)
class Decision:
    filing_a: str
    filing_b: str
    verdict: Verdict
    who: str
    when: str
    """ISO 8601 UTC timestamp."""
    note: str = ""


@dataclass(frozen=True, slots=True)
class ReviewItem:
    """One uncertain pair waiting for a person, with the evidence to decide it."""

    filing_a: str
    filing_b: str
    weight: float
    probability: float
    name_a: str
    name_b: str
    reasons: tuple[str, ...]


class DecisionStore:
    """The decisions and review queue of one workspace (its resolution folder)."""

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)

    @property
    def decisions_path(self) -> Path:
        return self.directory / DECISIONS_FILE

    @property
    def review_path(self) -> Path:
        return self.directory / REVIEW_FILE

    def record(
        self, filing_a: str, filing_b: str, verdict: Verdict | str, who: str, note: str = ""
    ) -> Decision:
        """Append one decision and return it."""
        if filing_a == filing_b:
            raise ValueError("A decision needs two different filings.")
        a, b = pair_key(filing_a, filing_b)
        d = Decision(a, b, Verdict(verdict), who, datetime.now(UTC).isoformat(timespec="seconds"), note)
        self.directory.mkdir(parents=True, exist_ok=True)
        new = not self.decisions_path.exists()
        with open_private(self.decisions_path, "a", encoding="utf-8", newline="") as fh:
            w = csv.writer(fh)
            if new:
                w.writerow(_DECISION_COLUMNS)
            w.writerow([d.filing_a, d.filing_b, d.verdict.value, d.who, d.when, d.note])
        return d

    def history(self) -> list[Decision]:
        """Every decision ever recorded, oldest first."""
        if not self.decisions_path.exists():
            return []
        with self.decisions_path.open(encoding="utf-8", newline="") as fh:
            return [
                Decision(r["filing_a"], r["filing_b"], Verdict(r["verdict"]), r["who"], r["when"], r["note"])
                for r in csv.DictReader(fh)
            ]

    def current(self) -> dict[tuple[str, str], Decision]:
        """The decision in force for each decided pair: the latest one."""
        return {pair_key(d.filing_a, d.filing_b): d for d in self.history()}

    def write_review_queue(self, items: Iterable[ReviewItem]) -> int:
        """Replace the review queue with `items` (atomically: a killed run leaves the old queue whole);
        returns how many were written."""
        buf = io.StringIO()
        w = csv.writer(buf)
        w.writerow(_REVIEW_COLUMNS)
        n = 0
        for it in items:
            w.writerow(
                [
                    it.filing_a,
                    it.filing_b,
                    f"{it.weight:.2f}",
                    f"{it.probability:.4f}",
                    it.name_a,
                    it.name_b,
                    " | ".join(it.reasons),
                ]
            )
            n += 1
        payload = buf.getvalue().encode("utf-8")
        write_atomically(self.review_path, lambda fh: fh.write(payload))
        return n

    def review_queue(self) -> list[ReviewItem]:
        """The uncertain pairs of the last run, most likely matches first."""
        if not self.review_path.exists():
            return []
        with self.review_path.open(encoding="utf-8", newline="") as fh:
            return [
                ReviewItem(
                    r["filing_a"],
                    r["filing_b"],
                    float(r["weight"]),
                    float(r["probability"]),
                    r["name_a"],
                    r["name_b"],
                    tuple(x for x in r["reasons"].split(" | ") if x),
                )
                for r in csv.DictReader(fh)
            ]
