"""`caselink audit verify`: check that the workspace's audit log is whole (caselink.audit's hash chain)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from caselink import audit as audit_log
from caselink.commands import read_workspace

_WORKSPACE = click.option(
    "--workspace",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Workspace folder (default: $CASELINK_WORKSPACE or ./workspace).",
)


@click.group("audit")
def audit() -> None:
    """The audit log (WORKSPACE/audit.log): every lookup, export and login, each entry chained to the last."""


@audit.command("verify")
@_WORKSPACE
@click.option(
    "--expect-head",
    metavar="HASH",
    default=None,
    help="The head hash printed by an earlier verify, kept elsewhere: a rewritten log fails.",
)
def verify(workspace: Path | None, expect_head: str | None) -> None:
    """Walk the chain and report the first broken link (exit 1), or the entries and head hash (exit 0)."""
    ws = read_workspace(workspace)
    verdict = audit_log.verify(ws.audit_log, expect_head=expect_head)
    if not verdict.ok:
        where = f"line {verdict.line}: " if verdict.line else ""
        click.echo(
            f"审计日志已被改动 / audit log broken — {ws.audit_log}: {where}{verdict.problem}. "
            f"The {verdict.entries} entries before it are intact.",
            err=True,
        )
        sys.exit(1)
    legacy = (
        f" ({verdict.legacy} earlier lines from before the chain are not protected)" if verdict.legacy else ""
    )
    click.echo(f"{ws.audit_log}: {verdict.entries} entries, chain intact{legacy}. head {verdict.head}")
