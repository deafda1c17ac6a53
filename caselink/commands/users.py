"""`caselink users`: manage who may log in to the dashboards (WORKSPACE/users.toml or $CASELINK_USERS)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from caselink import audit
from caselink.commands import read_workspace
from caselink.users import ROLES, UsersError, add_user, load_users, remove_user, users_path
from caselink.workspace import Workspace, default_root

_WORKSPACE = click.option(
    "--workspace",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Workspace folder (default: $CASELINK_WORKSPACE or ./workspace); $CASELINK_USERS overrides.",
)


def _paths(workspace: Path | None, *, create: bool = False) -> tuple[Workspace, Path]:
    """The workspace and its users file; only `users add` may start a workspace (before the first ingest)."""
    if create:
        ws = Workspace.open(workspace if workspace is not None else default_root())
    else:
        ws = read_workspace(workspace)
    return ws, users_path(ws.root)


@click.group("users")
def users() -> None:
    """Dashboard users and their roles (clerk, investigator, coordinator, admin).

    Without a users file the dashboards run in single-user local mode (personal data always masked).
    """


@users.command("add")
@click.argument("name")
@click.option("--role", type=click.Choice(ROLES), required=True, help="What the user may see and do.")
@click.option(
    "--password-stdin",
    is_flag=True,
    help="Read the password from the first line of standard input (for scripts).",
)
@click.option("--replace", is_flag=True, help="Update an existing user's password and role.")
@_WORKSPACE
def add(name: str, role: str, password_stdin: bool, replace: bool, workspace: Path | None) -> None:
    """Add user NAME with --role; the password is asked twice (or read with --password-stdin)."""
    ws, path = _paths(workspace, create=True)
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        user = add_user(path, name, role, password, replace=replace)
    except UsersError as exc:
        raise click.ClickException(str(exc)) from exc
    audit.record(ws.audit_log, "user_add", target=user.name, role=user.role, replaced=replace)
    click.echo(f"{user.name} ({user.role}) saved in {path}")


@users.command("list")
@_WORKSPACE
def list_(workspace: Path | None) -> None:
    """List the users and their roles (never the password hashes)."""
    _, path = _paths(workspace)
    try:
        found = load_users(path)
    except UsersError as exc:
        raise click.ClickException(str(exc)) from exc
    if not found:
        click.echo(f"no users file at {path}: the dashboards run in single-user local mode.")
    for user in sorted(found.values(), key=lambda u: u.name):
        click.echo(f"{user.name}\t{user.role}")


@users.command("remove")
@click.argument("name")
@_WORKSPACE
def remove(name: str, workspace: Path | None) -> None:
    """Remove user NAME (they are logged out at their next click)."""
    ws, path = _paths(workspace)
    try:
        remove_user(path, name)
    except UsersError as exc:
        raise click.ClickException(str(exc)) from exc
    audit.record(ws.audit_log, "user_remove", target=name)
    click.echo(f"{name} removed from {path}")
