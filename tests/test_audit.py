"""The audit log as a hash chain: any deleted, changed or reordered line is found by `audit verify`."""

from __future__ import annotations

import json
import multiprocessing
import os
import pwd
from pathlib import Path

import pytest
from click.testing import CliRunner

from caselink import audit
from caselink.cli import cli

N = 40


def _log(tmp_path: Path, n: int = N) -> Path:
    (tmp_path / "records").mkdir(mode=0o700, exist_ok=True)  # a workspace, private as caselink makes one
    log = tmp_path / "audit.log"
    for i in range(n):
        audit.record(log, "search", user=f"u{i % 3}", text=f"query {i}")
    return log


def _lines(log: Path) -> list[bytes]:
    return log.read_bytes().splitlines(keepends=True)


def _verify_cli(root: Path, *args: str) -> tuple[int, str]:
    out = CliRunner().invoke(cli, ["audit", "verify", "--workspace", str(root), *args])
    return out.exit_code, out.output


def test_an_untouched_log_verifies_and_prints_its_head(tmp_path: Path) -> None:
    log = _log(tmp_path)
    code, text = _verify_cli(tmp_path)
    verdict = audit.verify(log)
    assert code == 0, text
    assert verdict.ok and verdict.entries == N
    assert verdict.head in text and f"{N} entries" in text
    entries = audit.read_log(log)
    assert [e["n"] for e in entries] == list(range(1, N + 1))
    assert entries[0]["prev"] == audit.GENESIS


@pytest.mark.parametrize("index", range(N))
def test_any_deleted_line_is_found(tmp_path: Path, index: int) -> None:
    log = _log(tmp_path)
    lines = _lines(log)
    log.write_bytes(b"".join(lines[:index] + lines[index + 1 :]))
    verdict = audit.verify(log)
    assert not verdict.ok
    assert verdict.line == index + 1  # the line that now stands where the removed one was (or the end)
    code, text = _verify_cli(tmp_path)
    assert code == 1 and f"line {index + 1}" in text


def test_many_deleted_lines_as_with_sed(tmp_path: Path) -> None:
    log = _log(tmp_path, 341)
    lines = _lines(log)
    kept = [line for k, line in enumerate(lines) if k % 7 not in (2, 5)]  # removes 97 of 341
    log.write_bytes(b"".join(kept))
    assert audit.verify(log).line == 3


@pytest.mark.parametrize("index", range(0, N, 3))
def test_any_changed_line_is_found(tmp_path: Path, index: int) -> None:
    log = _log(tmp_path)
    lines = _lines(log)
    entry = json.loads(lines[index])
    entry["user"] = "someone-else"
    lines[index] = (json.dumps(entry, ensure_ascii=False) + "\n").encode()
    log.write_bytes(b"".join(lines))
    verdict = audit.verify(log)
    assert not verdict.ok
    assert verdict.line == min(index + 2, N)  # the next line's link breaks; the last one, the head


@pytest.mark.parametrize("index", range(0, N - 1, 4))
def test_any_two_swapped_lines_are_found(tmp_path: Path, index: int) -> None:
    log = _log(tmp_path)
    lines = _lines(log)
    lines[index], lines[index + 1] = lines[index + 1], lines[index]
    log.write_bytes(b"".join(lines))
    assert audit.verify(log).line == index + 1


def test_a_cut_tail_is_found_by_the_head(tmp_path: Path) -> None:
    log = _log(tmp_path)
    log.write_bytes(b"".join(_lines(log)[:-5]))
    verdict = audit.verify(log)
    assert not verdict.ok and "audit.head" in verdict.problem
    audit.head_path(log).unlink()
    assert not audit.verify(log).ok  # removing the head too does not help


def test_a_rewritten_chain_fails_against_a_head_kept_elsewhere(tmp_path: Path) -> None:
    log = _log(tmp_path, 10)
    kept_elsewhere = audit.verify(log).head
    entries = audit.read_log(log)[:6]
    log.unlink()
    audit.head_path(log).unlink()
    for e in entries:  # a forger who may write both files replays the chain without the last 4 entries
        audit.record(log, e["action"], user=e["user"], text=e["text"])
    assert audit.verify(log).ok
    code, text = _verify_cli(tmp_path, "--expect-head", kept_elsewhere)
    assert code == 1 and "rewritten" in text


def test_lines_from_before_the_chain_are_reported_not_protected(tmp_path: Path) -> None:
    log = tmp_path / "audit.log"
    (tmp_path / "records").mkdir(mode=0o700)
    log.write_text("".join(f'{{"at": "2026-01-0{k}T00:00:00+00:00", "user": "x", "action": "old"}}\n'
                           for k in (1, 2, 3)), encoding="utf-8")
    audit.record(log, "new")
    audit.record(log, "newer")
    verdict = audit.verify(log)
    assert verdict.ok and verdict.legacy == 3 and verdict.entries == 2
    lines = _lines(log)
    log.write_bytes(b"".join(lines[:2] + lines[3:]))  # the last line before the chain is linked to
    assert not audit.verify(log).ok


def _append(log: str, k: int) -> None:
    for i in range(25):
        audit.record(Path(log), "export", worker=k, i=i)


def test_concurrent_writers_keep_one_chain(tmp_path: Path) -> None:
    log = tmp_path / "audit.log"
    ctx = multiprocessing.get_context("fork")
    procs = [ctx.Process(target=_append, args=(str(log), k)) for k in range(4)]
    for p in procs:
        p.start()
    for p in procs:
        p.join()
    verdict = audit.verify(log)
    assert verdict.ok, verdict
    assert verdict.entries == 100


def test_the_user_is_the_operating_system_account(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("CASELINK_USER", "somebody-else")
    monkeypatch.setenv("USER", "somebody-else")
    monkeypatch.setenv("LOGNAME", "somebody-else")
    entry = audit.record(tmp_path / "audit.log", "x")
    assert entry["user"] == pwd.getpwuid(os.geteuid()).pw_name


def test_verify_refuses_a_folder_that_is_no_workspace(tmp_path: Path) -> None:
    code, text = _verify_cli(tmp_path / "typo")
    assert code == 2 and "caselink ingest" in text
    assert not (tmp_path / "typo").exists()
