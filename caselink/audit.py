"""The workspace's append-only audit log: who looked up whom, who exported what, and when.

One JSON object per line in WORKSPACE/audit.log. Lines are only ever appended (the file is opened in append
mode, never rewritten), so the log is a plain record that any text tool can read:

    {"at": "2026-11-24T10:00:00+00:00", "user": "clerk1", "action": "check", ...details}

`user` is the dashboards' logged-in user when there is one, else $CASELINK_USER, else the operating-system
account that ran the command.
"""

from __future__ import annotations

import getpass
import json
import os
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

_LOCK = threading.Lock()


def current_user() -> str:
    """$CASELINK_USER, else the operating-system account name."""
    return os.environ.get("CASELINK_USER") or getpass.getuser()


def audit_entry(action: str, user: str | None = None, **details: Any) -> dict[str, Any]:
    """The entry `record` writes: time (UTC, seconds), user, action, then the details as given."""
    return {
        "at": datetime.now(UTC).isoformat(timespec="seconds"),
        "user": user or current_user(),
        "action": action,
        **details,
    }


def record(log: Path, action: str, user: str | None = None, **details: Any) -> dict[str, Any]:
    """Append one entry to `log` (created when missing) and return it. Safe to call from several threads.

    Each entry is written with a single write() on a file opened with O_APPEND, so concurrent writers from
    other processes never interleave inside a line.
    """
    entry = audit_entry(action, user, **details)
    line = (json.dumps(entry, ensure_ascii=False, default=str) + "\n").encode("utf-8")
    with _LOCK:
        fd = os.open(log, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(fd, line)
        finally:
            os.close(fd)
    return entry


def read_log(log: Path) -> list[dict[str, Any]]:
    """Every entry of an audit log, oldest first (empty when there is no log yet)."""
    if not log.exists():
        return []
    with log.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]
