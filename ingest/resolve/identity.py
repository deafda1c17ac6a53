"""Stable petitioner ids: a registry filing_id → petitioner_id kept in the resolution folder.

Adding data never renumbers people already known:
- a cluster that contains known filings keeps the id held by most of them (ties: the smallest id);
- when two known people turn out to be one (a merge), the cluster keeps the majority id and the other ids
  are retired — recorded as a "merge" event;
- when one known id's filings now fall into several clusters (a split), the cluster holding most of them
  keeps it and the others get new ids — recorded as a "split" event;
- a cluster of only new filings gets a new id "P" + a zero-padded counter that never goes back.

Files: petitioner_ids.csv (filing_id, petitioner_id), petitioner_ids.next (the counter),
petitioner_events.csv (append-only: when, event, petitioner_id, other_ids, filings).
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from graph.atomic import open_private, write_atomically

REGISTRY_FILE = "petitioner_ids.csv"
COUNTER_FILE = "petitioner_ids.next"
EVENTS_FILE = "petitioner_events.csv"
PREFIX = "P"
WIDTH = 7


def format_id(n: int, prefix: str = PREFIX, width: int = WIDTH) -> str:
    """The petitioner id of counter value n.

    >>> format_id(42)
    'P0000042'
    """
    return f"{prefix}{n:0{width}d}"


@dataclass(frozen=True, slots=True)
class IdEvent:
    event: str
    """"merge" or "split"."""
    petitioner_id: str
    """The id that was kept."""
    other_ids: tuple[str, ...]
    """merge: the ids absorbed; split: the new ids given to the parts that left."""
    filings: int


@dataclass(slots=True)
class Assignment:
    ids: list[str]
    """Per cluster, in the order given."""
    events: list[IdEvent] = field(default_factory=list)
    new_ids: int = 0


def assign_ids(
    clusters: Sequence[Sequence[str]], known: dict[str, str], next_number: int
) -> tuple[Assignment, int]:
    """Give each cluster (a list of filing ids) a petitioner id, keeping known ids; return next counter."""
    votes = [Counter(known[f] for f in members if f in known) if known else Counter() for members in clusters]
    smallest = [min(members) for members in clusters]
    claims = sorted(
        ((-n, pid, smallest[ci], ci) for ci, v in enumerate(votes) for pid, n in v.items()),
    )
    ids: list[str | None] = [None] * len(clusters)
    taken: dict[str, int] = {}
    for _, pid, _, ci in claims:
        if ids[ci] is None and pid not in taken:
            ids[ci] = pid
            taken[pid] = ci
    assignment = Assignment(ids=[])
    for ci in sorted(range(len(clusters)), key=lambda c: smallest[c]):
        if ids[ci] is None:
            ids[ci] = format_id(next_number)
            next_number += 1
            assignment.new_ids += 1
    final = [i for i in ids if i is not None]
    assignment.ids = final
    split_parts: dict[str, list[str]] = {}
    for ci, v in enumerate(votes):
        merged = []
        for p in sorted(v):
            if p == final[ci]:
                continue
            if p in taken:  # p lives on in another cluster: this one split off from it
                split_parts.setdefault(p, []).append(final[ci])
            else:  # p is retired: its filings joined this cluster
                merged.append(p)
        if merged:
            assignment.events.append(IdEvent("merge", final[ci], tuple(merged), len(clusters[ci])))
    for pid, parts in sorted(split_parts.items()):
        assignment.events.append(IdEvent("split", pid, tuple(sorted(parts)), len(clusters[taken[pid]])))
    return assignment, next_number


class IdRegistry:
    """The petitioner-id registry of one resolution folder (or in memory when directory is None)."""

    def __init__(self, directory: Path | None) -> None:
        self.directory = directory
        self.known: dict[str, str] = {}
        self.next_number = 1
        if directory is not None:
            reg = directory / REGISTRY_FILE
            if reg.exists():
                with reg.open(encoding="utf-8", newline="") as fh:
                    r = csv.reader(fh)
                    next(r, None)
                    self.known = {row[0]: row[1] for row in r if row}
            counter = directory / COUNTER_FILE
            if counter.exists():
                self.next_number = int(counter.read_text().strip() or 1)
            # A run killed between writing the registry and the counter leaves the counter behind the ids
            # in use: never hand those out again.
            used = (int(p[len(PREFIX) :]) for p in self.known.values() if p[len(PREFIX) :].isdigit())
            self.next_number = max(self.next_number, 1 + max(used, default=0))

    def assign(self, clusters: Sequence[Sequence[str]]) -> tuple[Assignment, dict[str, str]]:
        """Assign ids to clusters, update the registry in memory and (if it has a folder) on disk; returns the
        assignment and the id of each filing of the clusters."""
        assignment, self.next_number = assign_ids(clusters, self.known, self.next_number)
        petitioner_of = {
            f: pid for members, pid in zip(clusters, assignment.ids, strict=True) for f in members
        }
        self.known.update(petitioner_of)
        if self.directory is not None:
            self._save(assignment.events)
        return assignment, petitioner_of

    def _save(self, events: list[IdEvent]) -> None:
        d = self.directory
        assert d is not None
        buf = io.StringIO()
        w = csv.writer(buf)
        w.writerow(["filing_id", "petitioner_id"])
        w.writerows(self.known.items())
        registry, counter = buf.getvalue().encode("utf-8"), f"{self.next_number}\n".encode()
        write_atomically(d / REGISTRY_FILE, lambda fh: fh.write(registry))
        write_atomically(d / COUNTER_FILE, lambda fh: fh.write(counter))
        if events:
            path = d / EVENTS_FILE
            new = not path.exists()
            now = datetime.now(UTC).isoformat(timespec="seconds")
            with open_private(path, "a", encoding="utf-8", newline="") as fh:
                w = csv.writer(fh)
                if new:
                    w.writerow(["when", "event", "petitioner_id", "other_ids", "filings"])
                for e in events:
                    w.writerow([now, e.event, e.petitioner_id, ";".join(e.other_ids), e.filings])
