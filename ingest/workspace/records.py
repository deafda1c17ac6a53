"""The records a workspace accumulates: every validated filing and transfer it has taken in.

Kept in WORKSPACE/records/records.arrow (graph.state: Arrow tables, which unlike a pickle cannot run code
when read): filings keyed by filing_id, transfers by (filing_id, seq). A record read again replaces the
stored one (an export with updated statuses updates them), so re-ingesting the same files changes nothing
and a new file merges into what is there.

    records = load_records(ws)
    counts = merge_records(records, result.filings, result.transfers)
    save_records(ws, records)
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Protocol

from graph.memory_store import old_workspace_message
from graph.state import OldFormat, StateError, dataclass_rows, dataclass_table, read_state, write_state
from ingest.background import paused_gc
from ingest.errors import IngestError
from ingest.records import Filing, Transfer

RECORDS_FILE = "records.arrow"
RECORDS_FORMAT = 2
"""2: Arrow tables (graph.state); 1 was a pickle (records.pickle), never read now."""
OLD_RECORDS_FILE = "records.pickle"


class HasRecordsDir(Protocol):
    """A workspace as far as its records go (caselink.workspace.Workspace is one)."""

    @property
    def records_dir(self) -> Path: ...


@dataclass(slots=True)
class Records:
    """Every validated filing and transfer the workspace has taken in."""

    filings: dict[str, Filing] = field(default_factory=dict)
    transfers: dict[tuple[str, int], Transfer] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class MergeCounts:
    """Filings of a merge that were new, updated (content changed) or unchanged."""

    new: int
    updated: int
    unchanged: int


def load_records(ws: HasRecordsDir) -> Records:
    """The accumulated records of a workspace (empty when nothing was ingested yet)."""
    path = ws.records_dir / RECORDS_FILE
    if not path.exists():
        if (ws.records_dir / OLD_RECORDS_FILE).exists():
            raise IngestError(old_workspace_message(ws.records_dir / OLD_RECORDS_FILE))
        return Records()
    try:
        with paused_gc():
            _, tables = read_state(path, "records", RECORDS_FORMAT)
            filings = dataclass_rows(Filing, tables["filings"])
            transfers = dataclass_rows(Transfer, tables["transfers"])
    except OldFormat:
        raise IngestError(old_workspace_message(path)) from None
    except (StateError, KeyError, ValueError, TypeError) as exc:
        raise IngestError(
            f"{path} 无法读取（{exc}），请删除工作区后重新导入。 / "
            f"{path} cannot be read ({exc}): delete the workspace and ingest again."
        ) from None
    return Records({f.filing_id: f for f in filings}, {(t.filing_id, t.seq): t for t in transfers})


def save_records(ws: HasRecordsDir, records: Records) -> None:
    """Write the records atomically (graph.state: Arrow tables; temporary file, fsync, os.replace)."""
    tables = {
        "filings": dataclass_table(Filing, records.filings.values()),
        "transfers": dataclass_table(Transfer, records.transfers.values()),
    }
    write_state(ws.records_dir / RECORDS_FILE, "records", RECORDS_FORMAT, tables)


def merge_records(records: Records, filings: list[Filing], transfers: list[Transfer]) -> MergeCounts:
    """Add or replace records by key; counts of filings that are new, updated or unchanged."""
    new = updated = unchanged = 0
    for f in filings:
        old = records.filings.get(f.filing_id)
        if old is None:
            new += 1
        elif _same_filing(old, f):
            unchanged += 1
            continue
        else:
            updated += 1
        records.filings[f.filing_id] = f
    for t in transfers:
        key = (t.filing_id, t.seq)
        old_t = records.transfers.get(key)
        if old_t is None or not _same_transfer(old_t, t):
            records.transfers[key] = t
    return MergeCounts(new, updated, unchanged)


def _same_filing(a: Filing, b: Filing) -> bool:
    """Equal content; the source row number and the flags' row numbers do not count."""
    return replace(a, row=0, flags=()) == replace(b, row=0, flags=()) and [
        (p.column, p.value, p.reason_en) for p in a.flags
    ] == [(p.column, p.value, p.reason_en) for p in b.flags]


def _same_transfer(a: Transfer, b: Transfer) -> bool:
    return replace(a, row=0, flags=()) == replace(b, row=0, flags=())
