"""`caselink validate`: read, validate and normalise input files, write the report, print a summary."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from ingest.errors import IngestError
from ingest.read import format_summary, nothing_loaded, read_and_validate, write_report


@click.command("validate")
@click.argument("filings", type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "--transfers", type=click.Path(path_type=Path, dir_okay=False), help="The transfers (流转) file."
)
@click.option(
    "--mapping",
    type=click.Path(path_type=Path, dir_okay=False),
    help="CSV `source_header,column` mapping the export's headers to canonical columns.",
)
@click.option(
    "--out",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("caselink-report"),
    show_default=True,
    help="Folder for problems.csv, problems.xlsx and summary.txt.",
)
def validate(filings: Path, transfers: Path | None, mapping: Path | None, out: Path) -> None:
    """Check FILINGS (and --transfers) without storing anything: each row is loaded or rejected with a reason.

    Exit code 0 when the run completed (even with rejected rows), 2 when a whole file cannot be read or
    every row of a file was rejected.
    """
    try:
        result = read_and_validate(filings, transfers, mapping_path=mapping, progress=True)
        paths = write_report(result, out)
    except IngestError as exc:
        click.echo(str(exc), err=True)
        sys.exit(2)
    except OSError as exc:
        click.echo(
            f"无法写入报告（{exc.strerror}: {exc.filename}）。请检查 --out 目录。 / "
            f"Cannot write the report ({exc.strerror}: {exc.filename}). Check the --out folder.",
            err=True,
        )
        sys.exit(2)
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
    click.echo(format_summary(result))
    click.echo(f"报告 / report: {', '.join(str(p) for p in paths)}")
    nothing = nothing_loaded(result)
    if nothing:
        click.echo(nothing, err=True)
        sys.exit(2)
