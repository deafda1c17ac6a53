"""`caselink ingest`: read → validate → merge with what the workspace holds → resolve → load into the graph.

    caselink ingest FILINGS [--transfers TRANSFERS] [--workspace DIR] [--backend embedded|neo4j]
                    [--mapping CSV]

Validated records accumulate in WORKSPACE/records/records.arrow (graph.state: Arrow tables, which unlike a
pickle cannot run code when read): filings keyed by filing_id, transfers by
(filing_id, seq); a record read again replaces the stored one (an export with updated statuses updates them),
so re-ingesting the same files changes nothing and a new file merges into what is there. Every run appends a
line to WORKSPACE/records/runs.jsonl and writes its problems report under WORKSPACE/reports/.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from pathlib import Path

import click

from caselink.commands.validate import nothing_loaded
from caselink.intake_index import update_index
from caselink.privacy import masked
from caselink.workspace import Workspace
from graph.atomic import open_private
from graph.errors import GraphError
from graph.memory_store import old_workspace_message
from graph.settings import BACKENDS, Settings
from graph.state import OldFormat, StateError, dataclass_rows, dataclass_table, read_state, write_state
from graph.store import GraphStore, open_store
from ingest.background import paused_gc
from ingest.errors import IngestError
from ingest.load import LoadStats, load
from ingest.read import format_summary, read_and_validate, write_report
from ingest.read.report import write_generic_values
from ingest.records import Filing, Resolution, Transfer
from ingest.resolve import Model, resolve_with_report
from queries.overview import OVERVIEW_FILE, compute_overview, save_overview, store_state

RECORDS_FILE = "records.arrow"
RUNS_FILE = "runs.jsonl"
RECORDS_FORMAT = 2
"""2: Arrow tables (graph.state); 1 was a pickle (records.pickle), never read now."""
OLD_RECORDS_FILE = "records.pickle"


@dataclass(slots=True)
class Records:
    """Every validated filing and transfer the workspace has taken in."""

    filings: dict[str, Filing] = field(default_factory=dict)
    transfers: dict[tuple[str, int], Transfer] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class MergeCounts:
    new: int
    updated: int
    unchanged: int


def load_records(ws: Workspace) -> Records:
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


def save_records(ws: Workspace, records: Records) -> None:
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


def _stamp() -> str:
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")


def format_counts(stats: LoadStats) -> str:
    """The load figures printed at the end of an ingest."""
    c = stats.counts
    nodes = ", ".join(f"{k} {c[k]:,}" for k in ("Petitioner", "Filing", "Issue", "Unit", "County", "Org"))
    edges = ", ".join(
        f"{k} {c[k]:,}"
        for k in ("FILED", "CO_SIGNED", "ABOUT", "ROUTED", "HANDLED_BY", "RECEIVED_BY", "LOCATED_IN")
    )
    return (
        f"图谱 / graph: {nodes}\n"
        f"关系 / edges: {edges}\n"
        f"写入 / loaded {stats.filings:,} filings in {stats.seconds:.1f} s "
        f"({stats.rows_per_second:,.0f} rows/s), pruned {stats.pruned:,} stale nodes"
    )


WORKSPACE_OPTION = click.option(
    "--workspace",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="Workspace folder (default: $CASELINK_WORKSPACE or ./workspace).",
)
TRANSFERS_OPTION = click.option(
    "--transfers", type=click.Path(path_type=Path, dir_okay=False), help="The transfers (流转) file."
)
MAPPING_OPTION = click.option(
    "--mapping",
    type=click.Path(path_type=Path, dir_okay=False),
    help="CSV `source_header,column` mapping the export's headers to canonical columns; several lines for "
    "one column join them, `=VALUE,column` gives a constant (docs/input-format.md).",
)


@click.command("ingest")
@click.argument("filings", type=click.Path(path_type=Path, dir_okay=False))
@TRANSFERS_OPTION
@WORKSPACE_OPTION
@click.option(
    "--backend",
    type=click.Choice(BACKENDS),
    default=None,
    help="Graph store; default: neo4j when CASELINK_NEO4J_URI is set, else embedded (in the workspace).",
)
@MAPPING_OPTION
def ingest(
    filings: Path, transfers: Path | None, workspace: Path | None, backend: str | None, mapping: Path | None
) -> None:
    """Read FILINGS (and --transfers), resolve petitioners, units and issues, and load the graph.

    Re-ingesting the same files changes nothing; new files merge into what the workspace holds.
    Exit code 0 when the run completed (even with rejected rows), 2 when an input file or the graph store
    cannot be used, or every row of an input file was rejected (then nothing is stored).
    """

    def run() -> None:
        ws = Workspace.open(workspace)
        settings = Settings.from_env(backend=backend)
        with open_store(settings, ws) as store:  # fail fast when Neo4j is down, before reading anything
            _run(ws, store, filings, transfers, mapping)

    run_guarded(run)


def run_guarded(action: Callable[[], None]) -> None:
    """Run a command's work; a clerk sees a message and an exit code, never a traceback.

    Exit code 2 when an input file, the workspace or the graph store cannot be used, 1 on anything else
    (CASELINK_DEBUG=1 shows a developer the traceback).
    """
    try:
        action()
    except click.ClickException:
        raise  # its own message and exit code (e.g. a workspace others can read: 2)
    except (IngestError, GraphError) as exc:
        click.echo(str(exc), err=True)
        sys.exit(2)
    except OSError as exc:
        click.echo(
            f"无法读写文件（{exc.strerror}: {exc.filename}）。 / "
            f"Cannot read or write ({exc.strerror}: {exc.filename}).",
            err=True,
        )
        sys.exit(2)
    except Exception as exc:
        if os.environ.get("CASELINK_DEBUG"):
            raise
        click.echo(
            f"意外错误：{type(exc).__name__}: {exc}。请把输入文件和这条信息交给技术人员。 / "
            f"Unexpected error: {type(exc).__name__}: {exc}. "
            "Pass the input file and this message to support.",
            err=True,
        )
        sys.exit(1)


@dataclass(frozen=True, slots=True)
class Resolved:
    """What read → validate → merge → resolve gives a command that then writes the graph."""

    res: Resolution
    model: Model
    counts: MergeCounts
    run_id: str


def read_and_resolve(ws: Workspace, filings: Path, transfers: Path | None, mapping: Path | None) -> Resolved:
    """Read and validate the files (report under WORKSPACE/reports/), merge them into the workspace's
    records (saved), and resolve everything the workspace holds; prints the summaries."""
    records = load_records(ws)
    result = read_and_validate(
        filings, transfers, mapping_path=mapping, known_filing_ids=records.filings.keys(), progress=True
    )
    run_id = _stamp()
    paths = write_report(result, ws.reports_dir / run_id)
    click.echo(format_summary(result))
    click.echo(f"报告 / report: {paths[0].parent}")
    nothing = nothing_loaded(result)
    if nothing:  # the report stays (the data-quality page lists the run); the workspace is not touched
        raise IngestError(nothing)

    counts = merge_records(records, result.filings, result.transfers)
    save_records(ws, records)
    click.echo(
        f"记录 / records: {counts.new:,} new, {counts.updated:,} updated, {counts.unchanged:,} unchanged "
        f"({len(records.filings):,} filings, {len(records.transfers):,} transfers in the workspace)"
    )

    all_filings = [records.filings[k] for k in sorted(records.filings)]
    all_transfers = [records.transfers[k] for k in sorted(records.transfers)]
    click.echo("归并 / resolving petitioners, units and issues …", err=True)
    res, pet_report = resolve_with_report(all_filings, all_transfers, state_dir=ws.resolution_dir)
    if res.generic:
        _, lines = write_generic_values(res.generic, ws.reports_dir / run_id, generic_shown)
        click.echo(lines)
    return Resolved(res, pet_report.model, counts, run_id)


def generic_shown(field: str, value: str) -> str:
    """A generic value as a report shows it: phones masked (caselink.privacy)."""
    return masked(value, "phone") if field == "phone" else value


def record_run(
    ws: Workspace, done: Resolved, filings: Path, transfers: Path | None, backend: str, started: float
) -> None:
    """Append the run's line to WORKSPACE/records/runs.jsonl."""
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


def _run(
    ws: Workspace, store: GraphStore, filings: Path, transfers: Path | None, mapping: Path | None
) -> None:
    started = time.perf_counter()
    done = read_and_resolve(ws, filings, transfers, mapping)
    click.echo(f"写入图谱 / loading the {store.backend} graph …", err=True)
    stats = load(done.res, store, progress=True)
    click.echo(format_counts(stats))
    update_index(ws, done.res, done.model)  # the intake (duplicate-filing check) index
    save_overview_now(ws, store)
    record_run(ws, done, filings, transfers, store.backend, started)


def save_overview_now(ws: Workspace, store: GraphStore) -> None:
    """Compute the dashboards' overview now, so that their first page does not wait for it."""
    click.echo("概览 / computing the overview figures …", err=True)
    as_of = date.today().isoformat()
    save_overview(ws.index_dir / OVERVIEW_FILE, store_state(store), as_of, compute_overview(store, as_of))
