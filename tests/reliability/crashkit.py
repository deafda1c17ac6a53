"""Helpers for the crash and fault tests: demo files in two parts, `caselink ingest` as a real subprocess
that can be SIGKILLed at a chosen moment, canonical dumps, and a private Neo4j started with tools/neo4j.sh.

    parts = demo_parts(tmp, filings=2000, seed=11)      # two files of new filings each
    run = Ingest(parts[0], ws, env).start()
    run.kill_after("loading", 0.4)                       # SIGKILL 0.4 s after the load begins
"""

from __future__ import annotations

import csv
import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from click.testing import CliRunner

from caselink.cli import cli
from graph.store import Dump

ROOT = Path(__file__).resolve().parents[2]
MARKERS = {"resolving": "归并 / resolving", "loading": "写入图谱 / loading"}
"""Lines `caselink ingest` writes to stderr when a phase begins (phase name → text)."""


@dataclass(frozen=True)
class Part:
    """One input: a filings file and its transfers."""

    filings: Path
    transfers: Path


def demo_parts(out: Path, filings: int, seed: int) -> tuple[Part, Part]:
    """Generated demo data cut in two halves by filing (the second half holds only new filings)."""
    out.mkdir(parents=True, exist_ok=True)
    result = CliRunner().invoke(
        cli, ["demo-data", "--filings", str(filings), "--seed", str(seed), "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    with (out / "filings.csv").open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    with (out / "transfers.csv").open(encoding="utf-8-sig", newline="") as fh:
        trows = list(csv.DictReader(fh))
    parts = []
    for i, half in enumerate((rows[: len(rows) // 2], rows[len(rows) // 2 :])):
        ids = {r["filing_id"] for r in half}
        part = Part(out / f"filings_{i}.csv", out / f"transfers_{i}.csv")
        for path, chosen, header in (
            (part.filings, half, list(rows[0])),
            (part.transfers, [r for r in trows if r["filing_id"] in ids], list(trows[0])),
        ):
            with path.open("w", encoding="utf-8", newline="") as fh:
                w = csv.DictWriter(fh, fieldnames=header)
                w.writeheader()
                w.writerows(chosen)
        parts.append(part)
    return parts[0], parts[1]


def app_env(backend: str, neo4j_uri: str = "", user: str = "neo4j", password: str = "") -> dict[str, str]:
    """The environment of an ingest subprocess: the caller's, minus any user CASELINK_* graph settings."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not (k.startswith("CASELINK_NEO4J_") or k in {"CASELINK_BACKEND", "CASELINK_DEBUG"})
    }
    env["CASELINK_BACKEND"] = backend
    if neo4j_uri:
        env.update(CASELINK_NEO4J_URI=neo4j_uri, CASELINK_NEO4J_USER=user, CASELINK_NEO4J_PASSWORD=password)
    return env


def caselink_command() -> list[str]:
    """The `caselink` console script beside this interpreter (or the module through `python -c`)."""
    script = Path(sys.executable).with_name("caselink")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "from caselink.cli import main; main()"]


@dataclass
class Ingest:
    """One `caselink ingest` subprocess whose stderr is watched for the phase markers."""

    part: Part
    workspace: Path
    env: Mapping[str, str]
    proc: subprocess.Popen[bytes] | None = None
    started: float = 0.0
    seen: dict[str, float] = field(default_factory=dict)
    """Phase name → monotonic time its marker appeared."""
    stdout: str = ""
    stderr: str = ""
    killed: bool = False
    _chunks: list[bytes] = field(default_factory=list)
    _out_chunks: list[bytes] = field(default_factory=list)
    _readers: list[threading.Thread] = field(default_factory=list)

    def start(self) -> Ingest:
        cmd = [
            *caselink_command(),
            "ingest",
            str(self.part.filings),
            "--transfers",
            str(self.part.transfers),
            "--workspace",
            str(self.workspace),
        ]
        self.started = time.monotonic()
        self.proc = subprocess.Popen(
            cmd,
            env=dict(self.env),
            cwd=self.workspace.parent,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        self._readers = [
            threading.Thread(target=self._read_err, daemon=True),
            threading.Thread(target=self._read_out, daemon=True),
        ]
        for t in self._readers:
            t.start()
        return self

    def _read_err(self) -> None:
        assert self.proc is not None and self.proc.stderr is not None
        text = ""
        while chunk := self.proc.stderr.read1(65536):
            self._chunks.append(chunk)
            text += chunk.decode("utf-8", "replace")
            for phase, marker in MARKERS.items():
                if phase not in self.seen and marker in text:
                    self.seen[phase] = time.monotonic()

    def _read_out(self) -> None:
        assert self.proc is not None and self.proc.stdout is not None
        while chunk := self.proc.stdout.read1(65536):
            self._out_chunks.append(chunk)

    def wait_for(self, phase: str, timeout: float = 600.0) -> bool:
        """Wait until the phase begins; False when the process ended first."""
        assert self.proc is not None
        deadline = time.monotonic() + timeout
        while phase not in self.seen:
            if self.proc.poll() is not None:
                self._join()
                return phase in self.seen
            if time.monotonic() > deadline:
                self.proc.kill()
                raise TimeoutError(f"ingest did not reach {phase!r} in {timeout} s")
            time.sleep(0.005)
        return True

    def kill_after(self, phase: str | None, delay: float) -> bool:
        """SIGKILL `delay` seconds after the phase began (None: after the start); True when it was killed
        before finishing on its own."""
        assert self.proc is not None
        if phase is not None and not self.wait_for(phase):
            return False
        t0 = self.started if phase is None else self.seen[phase]
        while time.monotonic() < t0 + delay:
            if self.proc.poll() is not None:
                self._join()
                return False
            time.sleep(0.002)
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.killed = True
        self.wait(30)
        return self.killed

    def wait(self, timeout: float = 600.0) -> int:
        """Wait for the exit; its status."""
        assert self.proc is not None
        try:
            code = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            raise
        self._join()
        return code

    def _join(self) -> None:
        for t in self._readers:
            t.join(10)
        self.stderr = b"".join(self._chunks).decode("utf-8", "replace")
        self.stdout = b"".join(self._out_chunks).decode("utf-8", "replace")

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


def ingest_ok(part: Part, workspace: Path, env: Mapping[str, str], timeout: float = 600.0) -> Ingest:
    """Run one ingest to completion and insist on success."""
    run = Ingest(part, workspace, env).start()
    code = run.wait(timeout)
    assert code == 0, f"ingest failed ({code}):\n{run.output[-3000:]}"
    return run


def difference(got: Dump, want: Dump) -> str:
    """A short account of how two dumps differ (counts, then a few extra and missing items)."""
    out = []
    for name, g, w in (("nodes", got[0], want[0]), ("edges", got[1], want[1])):
        extra, missing = Counter(g) - Counter(w), Counter(w) - Counter(g)
        if extra or missing:
            out.append(
                f"{name}: {len(g)} vs {len(w)} wanted; extra {list(extra)[:3]}; missing {list(missing)[:3]}"
            )
    return "; ".join(out)


@dataclass
class PrivateNeo4j:
    """A Neo4j of our own from `tools/neo4j.sh run` (its state dir is .neo4j/run-<script pid>)."""

    proc: subprocess.Popen[bytes]
    uri: str
    user: str
    password: str

    @property
    def launcher_pid(self) -> int:
        return int((ROOT / ".neo4j" / f"run-{self.proc.pid}" / "launcher.pid").read_text().strip())

    def stop_server(self) -> None:
        """Stop the server the way an operator does (SIGTERM: the database shuts down cleanly)."""
        os.kill(self.launcher_pid, signal.SIGTERM)


WAITER = (
    "import os, sys; e = os.environ.get; "
    "print(e('CASELINK_TEST_NEO4J_URI', ''), e('CASELINK_TEST_NEO4J_USER', ''), "
    "e('CASELINK_TEST_NEO4J_PASSWORD', ''), sep='\\n', flush=True); sys.stdin.read()"
)


@contextmanager
def private_neo4j(log: Path) -> Iterator[PrivateNeo4j]:
    """Start a private Neo4j with tools/neo4j.sh (a free port, its own state dir), stop it on exit.

    The script runs a small waiter that prints the URI and blocks on stdin; closing stdin ends the waiter
    and the script then stops the server and deletes its data.
    """
    env = {k: v for k, v in os.environ.items() if k != "CASELINK_SKIP_NEO4J"}
    with log.open("wb") as err:
        proc = subprocess.Popen(
            [str(ROOT / "tools" / "neo4j.sh"), "run", "--", sys.executable, "-c", WAITER],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=err,
            env=env,
            cwd=ROOT,
        )
    try:
        assert proc.stdout is not None
        uri, user, password = (proc.stdout.readline().decode().strip() for _ in range(3))
        assert uri, f"tools/neo4j.sh could not start a private Neo4j:\n{log.read_text(errors='replace')}"
        yield PrivateNeo4j(proc, uri, user, password)
    finally:
        assert proc.stdin is not None
        proc.stdin.close()
        try:
            proc.wait(90)
        except subprocess.TimeoutExpired:
            proc.terminate()
            proc.wait(90)
