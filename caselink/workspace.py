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
