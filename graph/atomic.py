"""Crash-safe file replacement for state kept in the workspace (the embedded graph, the ingested records).

    write_atomically(path, lambda fh: fh.write(payload))

The data go to `.NAME.<pid>.tmp` beside the file, are fsynced, then renamed over the file (os.replace) and the
folder is fsynced: a reader, or the next run after a kill -9 or a power cut, sees the old file or the new one,
never half of one. Temporary files left by killed runs (their pid no longer alive) are removed. State files
(graph/state.py) are written through it.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any, BinaryIO

PRIVATE_FILE = 0o600
"""Permission bits of every file caselink writes into a workspace: its owner's only, whatever the umask."""
PRIVATE_DIR = 0o700


def write_atomically(path: Path, write: Callable[[BinaryIO], object], *, mode: int = PRIVATE_FILE) -> None:
    """Replace `path` by what `write` puts in the open binary file it is given.

    `mode` is the new file's permission bits, set exactly (not masked by the umask): by default readable
    and writable by its owner only."""
    if not path.parent.exists():
        make_private_dir(path.parent)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with os.fdopen(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode), "wb") as fh:
            os.fchmod(fh.fileno(), mode)
            write(fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
    remove_stale_temps(path)


def remove_stale_temps(path: Path) -> list[Path]:
    """Delete `.NAME.<pid>.tmp` files beside `path` whose process is gone; the ones deleted."""
    gone = []
    for tmp in path.parent.glob(f".{path.name}.*.tmp"):
        pid = tmp.name[len(path.name) + 2 : -len(".tmp")]
        if pid.isdigit() and not process_alive(int(pid)):
            tmp.unlink(missing_ok=True)
            gone.append(tmp)
    return gone


def process_alive(pid: int) -> bool:
    """Whether process `pid` exists (another user's counts)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    return True


def open_private(path: Path, mode: str = "a", **kwargs: Any) -> IO[Any]:
    """open(path, mode) for a file only its owner may read: created with PRIVATE_FILE, whatever the umask
    (an existing file is tightened too). For files appended to in place (logs, decisions)."""
    flags = (
        os.O_CREAT
        | (os.O_APPEND if "a" in mode else os.O_TRUNC)
        | (os.O_RDWR if "+" in mode else os.O_WRONLY)
    )
    fd = os.open(path, flags, PRIVATE_FILE)
    try:
        os.fchmod(fd, PRIVATE_FILE)
        return os.fdopen(fd, mode, **kwargs)
    except BaseException:
        os.close(fd)
        raise


def make_private_dir(path: Path) -> None:
    """Create `path` and its missing parents, each with PRIVATE_DIR bits whatever the umask; an existing
    `path` gets them too (existing parents are left as they are)."""
    missing = []
    parent = Path(path)
    while not parent.exists() and parent != parent.parent:
        missing.append(parent)
        parent = parent.parent
    for folder in reversed(missing):
        folder.mkdir(exist_ok=True)
        os.chmod(folder, PRIVATE_DIR)
    os.chmod(path, PRIVATE_DIR)
