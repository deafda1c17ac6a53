"""One ingest run against a workspace: read and validate the files, keep the records, resolve everything held.

    done = read_and_resolve(ws, filings, transfers, mapping, say=click.echo, shown=generic_shown)
    ...                                   # the caller loads done.res into the graph, updates its indexes
    record_run(ws, done, filings, transfers, backend, started)

What it says goes through `say(text, err=...)` (a command passes click.echo): the summaries on stdout, the
stage markers ("归并 / resolving …") on stderr, where the crash tests watch for them. Every run writes its
problems report under WORKSPACE/reports/<run>/ and appends a line to WORKSPACE/records/runs.jsonl.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

from graph.atomic import open_private
from ingest.errors import IngestError
from ingest.read import format_summary, nothing_loaded, read_and_validate, write_report
from ingest.read.report import write_generic_values
from ingest.records import Resolution
from ingest.resolve import Model, resolve_with_report
from ingest.workspace.records import MergeCounts, load_records, merge_records, save_records

RUNS_FILE = "runs.jsonl"


class Say(Protocol):
    """Where a run's messages go: click.echo, or a collecting function in a bench."""

    def __call__(self, message: str, *, err: bool = False) -> None: ...


class WorkspaceDirs(Protocol):
    """The folders of a workspace an ingest run uses (caselink.workspace.Workspace has them)."""

    @property
    def records_dir(self) -> Path: ...

    @property
    def resolution_dir(self) -> Path: ...

    @property
    def reports_dir(self) -> Path: ...


@dataclass(frozen=True, slots=True)
class Resolved:
    """What read → validate → merge → resolve gives a command that then writes the graph."""

    res: Resolution
    model: Model
    counts: MergeCounts
    run_id: str


def _stamp() -> str:
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")


def read_and_resolve(
    ws: WorkspaceDirs,
    filings: Path,
    transfers: Path | None,
    mapping: Path | None,
    *,
    say: Say,
    shown: Callable[[str, str], str],
) -> Resolved:
    """Read and validate the files (report under WORKSPACE/reports/), merge them into the workspace's
    records (saved), and resolve everything the workspace holds.

    `shown(field, value)` is how a generic value appears in the report (the caller masks phones). Raises
    IngestError, with nothing stored, when every row of a file was rejected.
    """
    records = load_records(ws)
    result = read_and_validate(
        filings, transfers, mapping_path=mapping, known_filing_ids=records.filings.keys(), progress=True
    )
    run_id = _stamp()
    paths = write_report(result, ws.reports_dir / run_id)
    say(format_summary(result))
    say(f"报告 / report: {paths[0].parent}")
    nothing = nothing_loaded(result)
    if nothing:  # the report stays (the data-quality page lists the run); the workspace is not touched
        raise IngestError(nothing)

    counts = merge_records(records, result.filings, result.transfers)
    save_records(ws, records)
    say(
        f"记录 / records: {counts.new:,} new, {counts.updated:,} updated, {counts.unchanged:,} unchanged "
        f"({len(records.filings):,} filings, {len(records.transfers):,} transfers in the workspace)"
    )

    all_filings = [records.filings[k] for k in sorted(records.filings)]
    all_transfers = [records.transfers[k] for k in sorted(records.transfers)]
    say("归并 / resolving petitioners, units and issues …", err=True)
    res, pet_report = resolve_with_report(all_filings, all_transfers, state_dir=ws.resolution_dir)
    if res.generic:
        _, lines = write_generic_values(res.generic, ws.reports_dir / run_id, shown)
        say(lines)
    return Resolved(res, pet_report.model, counts, run_id)


def record_run(
    ws: WorkspaceDirs, done: Resolved, filings: Path, transfers: Path | None, backend: str, started: float
) -> None:
    """Append the run's line to WORKSPACE/records/runs.jsonl (`started`: time.perf_counter() at its start)."""
    with open_private(ws.records_dir / RUNS_FILE, "a", encoding="utf-8") as fh:
        run = {
            "run": done.run_id,
            "filings_file": str(filings),
            "transfers_file": str(transfers) if transfers else None,
            "new": done.counts.new,
            "updated": done.counts.updated,
            "unchanged": done.counts.unchanged,
            "backend": backend,
            "seconds": round(time.perf_counter() - started, 2),
        }
        fh.write(json.dumps(run, ensure_ascii=False) + "\n")
