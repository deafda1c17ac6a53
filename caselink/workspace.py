"""A workspace: the folder that holds everything caselink keeps between runs.

Layout (all under the workspace root):
  records/     validated, normalised filings and transfers accumulated over ingests
  resolution/  review decisions and the stable-id registries of petitioners, issues and units
  graph/       the embedded graph store
  index/       the intake (duplicate-filing check) index
  reports/     ingest summaries and rejected rows, one set per run
  audit.log    append-only log of lookups and exports
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

MARKERS = ("records", "graph", "index", "resolution", "audit.log")
"""What a folder made by `caselink ingest` holds (at least one of them)."""


class WorkspaceMissing(ValueError):
    """A command that reads a workspace was pointed at a folder that is not one."""


def default_root() -> Path:
    """$CASELINK_WORKSPACE, else ./workspace."""
    return Path(os.environ.get("CASELINK_WORKSPACE") or "workspace")


@dataclass(frozen=True)
class Workspace:
    root: Path

    @classmethod
    def open(cls, root: Path | str | None = None) -> Workspace:
        ws = cls(Path(root) if root is not None else default_root())
        for sub in (ws.records_dir, ws.resolution_dir, ws.graph_dir, ws.index_dir, ws.reports_dir):
            sub.mkdir(parents=True, exist_ok=True)
        return ws

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
    return Workspace(path)
