"""One module per `caselink` subcommand; each exposes one click command. Shared here: the workspace a
command reads, and who runs the command (caselink.cliuser)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from caselink.workspace import Workspace, WorkspaceMissing, existing


def read_workspace(root: Path | None) -> Workspace:
    """The existing workspace at `root` (or the default); a message and exit code 2 when there is none."""
    try:
        return existing(root)
    except WorkspaceMissing as exc:
        click.echo(str(exc), err=True)
        sys.exit(2)
