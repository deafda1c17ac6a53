"""Work done in a forked helper process while this one goes on (the second core of a two-core machine).

    job = Background(read_particulars, contents, places)   # starts now, in a forked process
    ...                                                     # this process works meanwhile
    particulars = job.result()                              # waits; re-raises the helper's error

The helper is forked, so it sees the arguments without their being copied or pickled; it sends its result
back in a file (on /dev/shm where there is one), not through a pipe: a pipe holds 64 KiB, and the helper
would wait for this busy process to read every piece. Start a job with the garbage collector paused
(ingest.units.paused_gc): the helper inherits that, and a collection in the helper would touch every object
it shares with its parent and so copy their memory.

With `inline=True` (one core, or too little work to pay for a process) the function runs in this process
when the result is asked for, giving the same result.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import pickle
import tempfile
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Generic, TypeVar

T = TypeVar("T")

WORKERS = max(1, min(os.cpu_count() or 1, int(os.environ.get("CASELINK_INGEST_WORKERS", "2"))))
"""Processes (this one included) that ingest may keep busy: CASELINK_INGEST_WORKERS, default 2, at most the
number of cores. 1 does everything in one process."""

SHM = "/dev/shm"
"""Memory-backed folder for results where the system has one."""


def results_folder() -> str | None:
    """Where helpers write their results: SHM when it exists, else the temporary folder."""
    return SHM if os.path.isdir(SHM) else None


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while building many small acyclic records (it would rescan the
    whole heap again and again for nothing); restores the previous state. A process forked meanwhile starts
    with it paused too."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


class HelperFailed(RuntimeError):
    """The helper process ended without a result (killed, out of memory)."""


class Background(Generic[T]):
    """fn(*args) computed in a forked helper process; `result()` waits for it."""

    def __init__(self, fn: Callable[..., T], *args: Any, inline: bool = False) -> None:
        self._fn, self._args = fn, args
        self._process: multiprocessing.process.BaseProcess | None = None
        self._path = ""
        if inline:
            return
        fd, self._path = tempfile.mkstemp(prefix="caselink-helper-", dir=results_folder())
        os.close(fd)
        ctx = multiprocessing.get_context("fork")
        self._process = ctx.Process(target=_run, args=(fn, args, self._path), daemon=True)
        self._process.start()

    def result(self) -> T:
        if self._process is None:
            return self._fn(*self._args)
        try:
            self._process.join()
            with open(self._path, "rb") as fh:
                if os.fstat(fh.fileno()).st_size == 0:
                    raise HelperFailed(
                        f"A helper process of caselink ended without a result (exit code "
                        f"{self._process.exitcode}); the machine may be short of memory. Run the command "
                        "again, or with CASELINK_INGEST_WORKERS=1 to work in one process."
                    )
                ok, value = pickle.load(fh)
            if not ok:
                raise value
            out: T = value
            return out
        finally:
            self.cancel()

    def cancel(self) -> None:
        """Stop the helper if it still runs and remove its result file (result() does this itself)."""
        if self._process is not None and self._process.is_alive():
            self._process.kill()
            self._process.join()
        if self._path:
            Path(self._path).unlink(missing_ok=True)


def _run(fn: Callable[..., Any], args: tuple[Any, ...], path: str) -> None:
    try:
        ok, value = True, fn(*args)
    except BaseException as exc:  # handed to the parent, which raises it
        exc.add_note("(raised in a caselink helper process)\n" + traceback.format_exc())
        ok, value = False, exc
    with open(path, "wb") as fh:
        try:
            pickle.dump((ok, value), fh, protocol=pickle.HIGHEST_PROTOCOL)
        except Exception as exc:  # a result or an error that cannot be pickled
            fh.seek(0)
            fh.truncate()
            failure = RuntimeError(f"caselink helper process: {value!r} could not be sent back ({exc})")
            pickle.dump((False, failure), fh, protocol=pickle.HIGHEST_PROTOCOL)
