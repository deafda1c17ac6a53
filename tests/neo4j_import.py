"""A private Neo4j started on imported files (`tools/neo4j.sh serve --import`), for tests and bench/load.py.

    with imported_neo4j(folder, state_dir) as server:   # folder: written by ingest.load.write_import_files
        driver = GraphDatabase.driver(server.uri, auth=server.auth)
        server.import_seconds                            # the importer's own time, from the launcher's log

    with imported_neo4j(folder, state_dir, write=lambda: ...):   # the files are written meanwhile

The server stops (and its data is deleted) when the block ends, or when this process dies: it reads a pipe
that only this process writes to.
"""

from __future__ import annotations

import os
import re
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NEO4J_SH = ROOT / "tools" / "neo4j.sh"


@dataclass(frozen=True, slots=True)
class ImportedNeo4j:
    uri: str
    auth: tuple[str, str]
    state: Path
    started: float
    """time.perf_counter() when the server was asked to start."""
    written: float
    """time.perf_counter() when `write` returned (= started without it)."""
    ready: float
    """time.perf_counter() when its Bolt port answered."""

    @property
    def pid(self) -> int:
        """The launcher JVM's process id."""
        return int((self.state / "launcher.pid").read_text())

    @property
    def import_seconds(self) -> float:
        """The importer's wall time as the launcher measured it."""
        return self._seconds("IMPORTED")

    @property
    def start_seconds(self) -> float:
        """The DBMS start (on the imported database, until Bolt answers) as the launcher measured it."""
        return self._seconds("STARTED")

    @property
    def warm_up_seconds(self) -> float:
        """How long the launcher warmed up while the files were written (0.0 when it did not)."""
        return self._seconds("WARMED UP") if "WARMED UP in" in self.log() else 0.0

    def _seconds(self, what: str) -> float:
        found = re.search(rf"^{what} in ([0-9.]+) s$", self.log(), re.MULTILINE)
        if found is None:
            raise AssertionError(f"no {what} line in {self.state / 'launcher.log'}")
        return float(found.group(1))

    def log(self) -> str:
        return (self.state / "launcher.log").read_text(encoding="utf-8", errors="replace")


@contextmanager
def imported_neo4j(
    folder: Path, state: Path, *, write: Callable[[], object] | None = None
) -> Iterator[ImportedNeo4j]:
    """Import `folder` into a new Neo4j with its files under `state`, serve it for the block, then stop it.

    `write`, when given, writes `folder` once the server process has started: the launcher warms up
    meanwhile and imports as soon as the files are complete (their import.args appears last).
    """
    state.mkdir(parents=True, exist_ok=True)
    errors = (state / "serve.err").open("w+", encoding="utf-8")
    started = time.perf_counter()
    wait = ["--await"] if write is not None else []
    proc = subprocess.Popen(
        ["bash", str(NEO4J_SH), "serve", "--state", str(state), "--import", str(folder), *wait],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=errors,
        text=True,
    )
    try:
        if write is not None:
            write()
        written = time.perf_counter()
        assert proc.stdout is not None
        uri = proc.stdout.readline().strip()
        if not uri.startswith("bolt://"):
            proc.wait(timeout=120)
            errors.seek(0)
            raise RuntimeError(f"Neo4j did not start on {folder}:\n{errors.read()[-4000:]}")
        password = os.environ.get("CASELINK_TEST_NEO4J_PASSWORD", "caselink-test")
        yield ImportedNeo4j(uri, ("neo4j", password), state, started, written, time.perf_counter())
    finally:
        if proc.stdin is not None:
            proc.stdin.close()  # the launcher stops when its standard input closes
        try:
            proc.wait(timeout=120)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        errors.close()
