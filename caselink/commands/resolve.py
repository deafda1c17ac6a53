"""`caselink resolve`: decide petitioners, units and issues of a filings file and write them as CSV.

Contract (outside checks depend on it):
  caselink resolve FILINGS [--transfers TRANSFERS] --out DIR [--workspace WS]
  DIR/filings_resolved.csv  filing_id, petitioner_id, issue_id, petitioner_score, petitioner_linked_to,
                            petitioner_reasons
  DIR/units_resolved.csv    filing_id, role (responsible_unit / from_unit / to_unit), seq (empty for
                            responsible_unit), unit_id
Decisions and stable ids live in the workspace (default DIR/workspace) and are honoured by later runs.
"""

from __future__ import annotations

import csv
import os
import sys
from pathlib import Path

import click

from caselink.commands.ingest import MAPPING_OPTION, generic_shown
from caselink.workspace import Workspace
from ingest.errors import IngestError
from ingest.read import read_and_validate
from ingest.records import Resolution, Severity
from ingest.resolve import PetitionerReport, resolve_with_report


def write_resolution(resolution: Resolution, out: Path) -> tuple[Path, Path]:
    """Write filings_resolved.csv and units_resolved.csv into `out`."""
    out.mkdir(parents=True, exist_ok=True)
    filings_path, units_path = out / "filings_resolved.csv", out / "units_resolved.csv"
    with filings_path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(
            [
                "filing_id",
                "petitioner_id",
                "issue_id",
                "petitioner_score",
                "petitioner_linked_to",
                "petitioner_reasons",
            ]
        )
        for f in resolution.filings:
            ev = resolution.petitioner_evidence.get(f.filing_id)
            w.writerow(
                [
                    f.filing_id,
                    resolution.petitioner_of[f.filing_id],
                    resolution.issue_of[f.filing_id],
                    f"{ev.score:.2f}" if ev else "",
                    (ev.matched_filing_id or "") if ev else "",
                    " | ".join(ev.reasons) if ev else "",
                ]
            )
    with units_path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["filing_id", "role", "seq", "unit_id"])
        for m in resolution.unit_mentions:
            w.writerow([m.filing_id, m.role.value, "" if m.seq is None else m.seq, m.unit_id])
    return filings_path, units_path


def format_report(r: PetitionerReport) -> str:
    """The run's figures: pairs per blocking rule, m/u per field level, clusters, review queue."""
    lines = ["分块 / blocking (pairs per rule; new = not found by an earlier rule):"]
    for b in r.blocking:
        guard = f", {b.guarded_blocks} large blocks windowed" if b.guarded_blocks else ""
        lines.append(
            f"  {b.name:<14} {b.pairs:>10,} pairs  {b.new_pairs:>10,} new  "
            f"(largest block {b.largest_block}{guard})  {b.description}"
        )
    lines.append(f"  candidate pairs: {r.candidate_pairs:,}")
    lines.append(
        f"匹配参数 / Fellegi–Sunter parameters (m by EM, {r.model.iterations} iterations; "
        f"u from random pairs; "
        f"prior {r.model.prior:.2e}):"
    )
    for f in r.model.fields:
        lines.append(f"  {f.label}")
        for lv in reversed(range(len(f.m))):
            lines.append(
                f"    {lv}  m={f.m[lv]:.4f}  u={f.u[lv]:.6f}  weight={f.weights[lv]:+6.1f}  {f.reasons[lv]}"
            )
    lines.append(
        f"信访人 / petitioners: {r.clusters:,} clusters from {r.accepted_pairs:,} accepted pairs "
        f"({r.refused_pairs:,} kept apart by constraints; {r.decisions_applied} stored decisions applied; "
        f"{r.new_ids:,} new ids, {r.merges} merges, {r.splits} splits)"
    )
    lines.append(f"待复核 / review queue: {r.review_queue:,} pairs")
    for field, values in r.generic.items():
        shown = ", ".join(f"{generic_shown(field, v)} ({n})" for v, n in values[:5])
        lines.append(f"共用值 / generic {field} (no evidence): {len(values)}: {shown}")
    lines.append("耗时 / seconds: " + ", ".join(f"{k} {v:.1f}" for k, v in r.seconds.items()))
    return "\n".join(lines)


@click.command("resolve")
@click.argument("filings", type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "--transfers", type=click.Path(path_type=Path, dir_okay=False), help="The transfers (流转) file."
)
@click.option("--out", required=True, type=click.Path(path_type=Path, file_okay=False), help="Output folder.")
@click.option(
    "--workspace",
    type=click.Path(path_type=Path, file_okay=False),
    help="Workspace holding review decisions and stable ids (default: OUT/workspace).",
)
@MAPPING_OPTION
def resolve(
    filings: Path, transfers: Path | None, out: Path, workspace: Path | None, mapping: Path | None
) -> None:
    """Decide which FILINGS come from the same petitioner (and which units and issues they name).

    Writes OUT/filings_resolved.csv and OUT/units_resolved.csv; prints pairs per blocking rule, the
    estimated m/u per field level, the number of petitioners and the size of the review queue.
    """
    try:
        ws = Workspace.open(workspace if workspace is not None else out / "workspace")
        result = read_and_validate(filings, transfers, mapping_path=mapping, progress=True)
        resolution, report = resolve_with_report(result.filings, result.transfers, ws.resolution_dir)
        paths = write_resolution(resolution, out)
    except IngestError as exc:
        click.echo(str(exc), err=True)
        sys.exit(2)
    except OSError as exc:
        click.echo(
            f"无法读写文件（{exc.strerror}: {exc.filename}）。请检查路径。 / "
            f"Cannot read or write a file ({exc.strerror}: {exc.filename}). Check the paths.",
            err=True,
        )
        sys.exit(2)
    except click.ClickException:
        raise  # its own message and exit code (e.g. a workspace others can read: 2)
    except Exception as exc:  # a clerk never sees a traceback; CASELINK_DEBUG=1 shows it to a developer
        if os.environ.get("CASELINK_DEBUG"):
            raise
        click.echo(
            f"意外错误：{type(exc).__name__}: {exc}。请把输入文件和这条信息交给技术人员。 / "
            f"Unexpected error: {type(exc).__name__}: {exc}. "
            "Pass the input file and this message to support.",
            err=True,
        )
        sys.exit(1)
    rejected = sum(p.severity is Severity.REJECT for p in result.problems)
    click.echo(
        f"读入 / read: {len(result.filings):,} filings, {len(result.transfers):,} transfers "
        f"({rejected:,} rejecting problems; see `caselink validate`)"
    )
    click.echo(format_report(report))
    click.echo(f"输出 / written: {', '.join(str(p) for p in paths)}; 工作区 / workspace: {ws.root}")
