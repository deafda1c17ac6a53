"""Workspace state left by a kill at moments too brief for the random kills of test_crash.py to hit."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import BinaryIO

import pytest
from click.testing import CliRunner

from caselink.cli import cli
from graph.atomic import make_private_dir, write_atomically
from graph.memory_store import MemoryStore
from ingest.resolve import COUNTER_FILE, REGISTRY_FILE, IdRegistry


def test_petitioner_ids_stay_unique_after_a_kill_between_registry_and_counter(tmp_path: Path) -> None:
    """The registry is written, then its counter: a SIGKILL in between leaves the old counter (or none)."""
    IdRegistry(tmp_path).assign([["F1"], ["F2"]])
    counter = tmp_path / COUNTER_FILE
    before_second_run = counter.read_text()
    second, _ = IdRegistry(tmp_path).assign([["F1"], ["F2"], ["F3"]])
    assert (tmp_path / REGISTRY_FILE).read_text().count("\n") == 4
    counter.write_text(before_second_run)  # what the kill leaves: registry new, counter old

    third, _ = IdRegistry(tmp_path).assign([["F1"], ["F2"], ["F3"], ["F4"]])
    assert third.ids[:3] == second.ids
    assert len(set(third.ids)) == 4, third.ids  # F4 must not get F3's id

    counter.write_text("")  # a kill while the counter was being written (before it was made atomic)
    fourth, _ = IdRegistry(tmp_path).assign([["F1"], ["F2"], ["F3"], ["F4"], ["F5"]])
    assert len(set(fourth.ids)) == 5, fourth.ids


def dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_temporary_files_of_killed_saves_are_removed(tmp_path: Path) -> None:
    """A kill -9 during a save leaves `.NAME.<pid>.tmp` (as big as the graph); the next save removes it."""
    data = tmp_path / "data"
    result = CliRunner().invoke(cli, ["demo-data", "--filings", "60", "--seed", "3", "--out", str(data)])
    assert result.exit_code == 0, result.output
    ws = tmp_path / "ws"
    dead, alive = dead_pid(), os.getppid()
    left = [
        ws / "graph" / f".graph.arrow.{dead}.tmp",
        ws / "records" / f".records.arrow.{dead}.tmp",
    ]
    busy = ws / "graph" / f".graph.arrow.{alive}.tmp"  # another live process's: left alone
    for path in [*left, busy]:  # private, as caselink writes them (a workspace others can read is refused)
        make_private_dir(path.parent)
        path.write_bytes(b"half a state file")
        path.chmod(0o600)
    args = ["ingest", str(data / "filings.csv"), "--workspace", str(ws), "--backend", "embedded"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert [p for p in left if p.exists()] == []
    assert busy.exists()
    assert MemoryStore(ws / "graph").counts()["Filing"] > 0


def test_a_failed_write_leaves_the_old_file(tmp_path: Path) -> None:
    path = tmp_path / "state.bin"
    write_atomically(path, lambda fh: fh.write(b"old"))

    def half(fh: BinaryIO) -> None:
        fh.write(b"new but not all of it")
        raise OSError("disk full")

    with pytest.raises(OSError):
        write_atomically(path, half)
    assert path.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["state.bin"]
