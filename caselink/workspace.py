"""A workspace: the folder that holds everything caselink keeps between runs.

Layout (all under the workspace root):
  records/     validated, normalised filings and transfers accumulated over ingests
  resolution/  review decisions and the stable-id registries of petitioners, issues and units
  graph/       the embedded graph store
  index/       the intake (duplicate-filing check) index
  reports/     ingest summaries and rejected rows, one set per run
  audit.log    append-only log of lookups and exports

It holds personal data, so it is private to the account that runs caselink: folders 0o700 and files 0o600,
whatever the umask (graph.atomic writes every file so). `Workspace.open` refuses a workspace that other
accounts could read or enter, saying how to fix it (an empty folder given as the workspace is tightened).
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path

import click

from graph.atomic import PRIVATE_DIR, make_private_dir

_OTHERS = stat.S_IRWXG | stat.S_IRWXO
_SHOWN = 3

MARKERS = ("records", "graph", "index", "resolution", "audit.log")
"""What a folder made by `caselink ingest` holds (at least one of them)."""


class WorkspaceMissing(ValueError):
    """A command that reads a workspace was pointed at a folder that is not one."""


def default_root() -> Path:
    """$CASELINK_WORKSPACE, else ./workspace."""
    return Path(os.environ.get("CASELINK_WORKSPACE") or "workspace")


class WorkspaceNotPrivate(click.ClickException):
    """The workspace can be read or entered by other accounts (exit code 2, the message says how to fix)."""

    exit_code = 2


@dataclass(frozen=True)
class Workspace:
    root: Path

    @classmethod
    def open(cls, root: Path | str | None = None) -> Workspace:
        """The workspace at `root`, created private when missing; WorkspaceNotPrivate when others can."""
        ws = cls(Path(root) if root is not None else default_root())
        ws.check_private()
        for sub in (ws.records_dir, ws.resolution_dir, ws.graph_dir, ws.index_dir, ws.reports_dir):
            make_private_dir(sub)
        return ws

    def check_private(self) -> None:
        """Create the root (0o700) when missing, tighten it when empty; raise WorkspaceNotPrivate when it or
        anything in it can be read, written or entered by another account."""
        root = self.root
        if not root.exists():
            make_private_dir(root)
            return
        if root.is_dir() and not any(root.iterdir()):
            os.chmod(root, PRIVATE_DIR)
            return
        exposed = [p for p in (root, *root.rglob("*")) if not p.is_symlink() and p.lstat().st_mode & _OTHERS]
        if not exposed:
            return
        shown = "; ".join(f"{p} ({stat.filemode(p.lstat().st_mode)})" for p in exposed[:_SHOWN])
        more = f" … (+{len(exposed) - _SHOWN})" if len(exposed) > _SHOWN else ""
        raise WorkspaceNotPrivate(
            f"工作区 {root} 含有个人信息，但其他账户可以读取或进入其中 {len(exposed)} 个文件或文件夹"
            f"（{shown}{more}）。请运行 chmod -R go-rwx '{root}' 使其只有本账户可访问，然后重试。 / "
            f"The workspace {root} holds personal data, but other accounts can read or enter {len(exposed)} "
            f"of its files or folders ({shown}{more}). Run  chmod -R go-rwx '{root}'  so that only this "
            "account can, and try again."
        )

    @property
    def records_dir(self) -> Path:
        return self.root / "records"

    @property
    def resolution_dir(self) -> Path:
        return self.root / "resolution"

    @property
    def graph_dir(self) -> Path:
        return self.root / "graph"

    @property
    def index_dir(self) -> Path:
        return self.root / "index"

    @property
    def reports_dir(self) -> Path:
        return self.root / "reports"

    @property
    def audit_log(self) -> Path:
        return self.root / "audit.log"


def existing(root: Path | str | None = None) -> Workspace:
    """The workspace at `root` (default: `default_root()`) when it exists; WorkspaceMissing otherwise.

    Only `caselink ingest` (and `bulk prepare`) create a workspace: a command that reads one refuses a
    mistyped path instead of answering from an empty folder it just made.
    """
    path = Path(root) if root is not None else default_root()
    if not path.is_dir() or not any((path / marker).exists() for marker in MARKERS):
        raise WorkspaceMissing(
            f"工作区不存在：{path}。请检查 --workspace，或先运行 `caselink ingest`。 / "
            f"No workspace at {path}: check --workspace, or run `caselink ingest` first."
        )
    ws = Workspace(path)
    ws.check_private()  # WorkspaceNotPrivate (exit 2, with the chmod that fixes it)
    return ws
