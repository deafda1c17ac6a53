"""The workspace's audit log: who looked up whom, who exported what, and when — as a hash chain.

One JSON object per line in WORKSPACE/audit.log, only ever appended:

    {"n": 12, "prev": "<sha256 of line 11>", "at": "2026-11-24T10:00:00+00:00", "user": "clerk1",
     "action": "check", ...details}

`n` counts the entries from 1 and `prev` is the SHA-256 (hex) of the previous line's bytes (without its
newline; 64 zeros for the first entry), so removing, changing or reordering any line breaks a link that
`verify` (`caselink audit verify`) reports. The last line has no successor to protect it: after each append
the count and the hash of the last line are also written to WORKSPACE/audit.head, and `verify` compares
them. Someone who may write both files can still rewrite the whole chain; writing the head hash that
`caselink audit verify` prints into a record kept elsewhere (a ticket, a printed report) makes that visible
too (`--expect-head`).

`user` is the dashboards' logged-in user when there is one, else the operating-system account that ran the
command (`current_user`; no environment variable can change it).
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import pwd
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

GENESIS = "0" * 64
"""`prev` of the first entry of a log."""
HEAD_SUFFIX = ".head"

_LOCK = threading.Lock()


def current_user() -> str:
    """The operating-system account running this process (effective uid), never an environment variable."""
    try:
        return pwd.getpwuid(os.geteuid()).pw_name
    except KeyError:  # a uid with no passwd entry (some containers)
        return f"uid-{os.geteuid()}"


def line_hash(line: bytes) -> str:
    """SHA-256 (hex) of one log line, without its newline."""
    return hashlib.sha256(line.rstrip(b"\r\n")).hexdigest()


def head_path(log: Path) -> Path:
    """WORKSPACE/audit.head beside WORKSPACE/audit.log: the count and hash of the last entry."""
    return log.with_name(log.name.removesuffix(".log") + HEAD_SUFFIX)


def audit_entry(action: str, user: str | None = None, **details: Any) -> dict[str, Any]:
    """An entry as `record` writes it, before its place in the chain: time (UTC, seconds), user, action,
    then the details as given."""
    return {
        "at": datetime.now(UTC).isoformat(timespec="seconds"),
        "user": user or current_user(),
        "action": action,
        **details,
    }


def _last_line(fd: int) -> bytes:
    """The last non-empty line of the open file (b'' for an empty file), read from its end."""
    end = os.lseek(fd, 0, os.SEEK_END)
    chunk, pos, tail = 4096, end, b""
    while pos > 0:
        step = min(chunk, pos)
        pos -= step
        tail = os.pread(fd, step, pos) + tail
        stripped = tail.rstrip(b"\r\n")
        if b"\n" in stripped:
            return stripped.rsplit(b"\n", 1)[1]
    return tail.rstrip(b"\r\n")


def _count(prev_line: bytes) -> int:
    """`n` of a previous line (0 when there is none; lines from before the chain count as unnumbered)."""
    if not prev_line:
        return 0
    try:
        n = json.loads(prev_line).get("n")
    except (ValueError, AttributeError):
        return 0
    return n if isinstance(n, int) and not isinstance(n, bool) else 0


def record(log: Path, action: str, user: str | None = None, **details: Any) -> dict[str, Any]:
    """Append one entry to `log` (created when missing), linked to the one before it, and return it.

    Safe from several threads and processes: the file is locked (flock) while the last line is read and the
    new one written with a single write() on a file opened with O_APPEND.
    """
    entry = audit_entry(action, user, **details)
    with _LOCK:
        fd = os.open(log, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            prev_line = _last_line(fd)
            entry = {
                "n": _count(prev_line) + 1,
                "prev": line_hash(prev_line) if prev_line else GENESIS,
                **entry,
            }
            line = json.dumps(entry, ensure_ascii=False, default=str).encode("utf-8")
            os.write(fd, line + b"\n")
            head = json.dumps({"n": entry["n"], "hash": line_hash(line)}).encode("utf-8") + b"\n"
            _write_head(head_path(log), head)
        finally:
            os.close(fd)  # closing releases the lock
    return entry


def _write_head(path: Path, payload: bytes) -> None:
    """Replace the head file in one step (rename; not fsynced, like the log lines themselves)."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.write(fd, payload)
    finally:
        os.close(fd)
    os.replace(tmp, path)


def read_log(log: Path) -> list[dict[str, Any]]:
    """Every entry of an audit log, oldest first (empty when there is no log yet)."""
    if not log.exists():
        return []
    with log.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


@dataclass(frozen=True)
class Verdict:
    """What `verify` found: `ok`, the entries checked, the head hash, and the first broken link."""

    ok: bool
    entries: int
    head: str
    line: int | None = None
    """1-based line number of the first broken link (None when the chain holds)."""
    problem: str = ""
    legacy: int = 0
    """Lines at the start written before the log was chained (not protected; the chain starts after them)."""


def verify(log: Path, *, expect_head: str | None = None) -> Verdict:
    """Walk the chain of `log` and report the first line whose link does not hold.

    A deleted line shows as a `prev` that is not the hash of the line before (or a jump in `n`), a changed
    line as a wrong `prev` on the line after it, reordered lines as both; a change or removal at the end as
    a disagreement with audit.head.

    >>> import tempfile; d = Path(tempfile.mkdtemp()); log = d / "audit.log"
    >>> _ = record(log, "a"); _ = record(log, "b"); verify(log).ok
    True
    """
    if not log.exists():
        return Verdict(False, 0, "", None, f"no audit log at {log}")
    lines = log.read_bytes().split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    prev_hash, expected_n = GENESIS, 1
    legacy = 0
    while legacy < len(lines) and _count(lines[legacy]) == 0 and b'"prev"' not in lines[legacy]:
        legacy += 1  # entries from before the chain: the first chained entry links to the last of them
    if legacy:
        if legacy == len(lines):
            return Verdict(False, 0, "", 1, "no entry of this log is chained (written before the chain)")
        prev_hash = line_hash(lines[legacy - 1])
    for number, raw in enumerate(lines[legacy:], legacy + 1):
        try:
            entry = json.loads(raw)
            n, prev = entry["n"], entry["prev"]
        except (ValueError, KeyError, TypeError):
            return Verdict(
                False,
                number - 1 - legacy,
                prev_hash,
                number,
                "not a chained audit entry (edited, or written by something else)",
            )
        if prev != prev_hash:
            return Verdict(
                False,
                number - 1 - legacy,
                prev_hash,
                number,
                "its link to the line before does not hold: a line before it was changed, removed or moved",
            )
        if n != expected_n:
            return Verdict(
                False,
                number - 1 - legacy,
                prev_hash,
                number,
                f"entry number {n} where {expected_n} was due: entries were removed or moved",
            )
        prev_hash, expected_n = line_hash(raw), expected_n + 1
    count = len(lines) - legacy
    head = head_path(log)
    if count and not head.exists():
        return Verdict(
            False,
            count,
            prev_hash,
            legacy + count,
            f"{head.name} is missing: the end of the log cannot be checked",
        )
    if head.exists():
        try:
            saved = json.loads(head.read_text(encoding="utf-8"))
            saved_n, saved_hash = int(saved["n"]), str(saved["hash"])
        except (ValueError, KeyError, TypeError):
            return Verdict(False, count, prev_hash, legacy + count, f"{head.name} cannot be read")
        if (saved_n, saved_hash) != (count, prev_hash):
            where = legacy + min(saved_n, count + 1)
            return Verdict(
                False,
                count,
                prev_hash,
                where,
                f"{head.name} records {saved_n} entries ending in {saved_hash[:12]}…, the log "
                f"has {count} ending in {prev_hash[:12]}…: lines at the end were changed or "
                "removed",
            )
    if expect_head is not None and expect_head != prev_hash:
        return Verdict(
            False,
            count,
            prev_hash,
            legacy + count,
            f"the head is {prev_hash}, not the expected {expect_head}: the log was rewritten",
        )
    return Verdict(True, count, prev_hash, legacy=legacy)
