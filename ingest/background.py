"""Work done in a helper process while this one goes on (the second core of a two-core machine).

    job = Background(read_features, inputs)                 # starts now, in a helper process
    ...                                                     # this process works meanwhile
    features = job.result()                                 # waits; re-raises the helper's error

The helper is forked, writes the function and its arguments to a job file (pickled from its copy of this
process's memory, so this process pays neither the time nor the pickler's memory), and then becomes a fresh
interpreter (`exec python -m ingest.background`) that reads the job back: pass it the plain data it needs,
not the records. A helper that stayed a fork would cost more memory than it saves: it would keep the pages
of everything this process held at the fork, and as this process goes on writing to its objects (every
reference count it touches) each page it writes is copied — at a million filings the two held ~1.3 GB more
than one process alone. Unlike multiprocessing's "spawn", the helper does not import the caller's main
script again (a script without a `__main__` guard would start over).

Job and result travel in files on /dev/shm (memory-backed, where there is one), not through pipes: a pipe
holds 64 KiB, and either side would wait on the other at every piece. The helper is killed with this process
(it asks the kernel to), and the files of helpers whose process is gone are removed by the next job.

With `inline=True` (one core, or too little work to pay for a process) the function runs in this process
when the result is asked for, giving the same result.
"""

from __future__ import annotations

import ctypes
import gc
import os
import pickle
import signal
import sys
import tempfile
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any, Generic, TypeVar

from graph.atomic import process_alive

T = TypeVar("T")

WORKERS = max(1, min(os.cpu_count() or 1, int(os.environ.get("CASELINK_INGEST_WORKERS", "2"))))
"""Processes (this one included) that ingest may keep busy: CASELINK_INGEST_WORKERS, default 2, at most the
number of cores. 1 does everything in one process."""

SHM = "/dev/shm"
"""Memory-backed folder for jobs and results where the system has one."""
_PREFIX = "caselink-helper-"


def results_folder() -> str:
    """Where helpers' jobs and results are written: SHM when it exists, else the temporary folder."""
    return SHM if os.path.isdir(SHM) else tempfile.gettempdir()


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while building many small acyclic records (it would rescan the
    whole heap again and again for nothing); restores the previous state."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def release_free_memory() -> None:
    """Hand memory freed by this process back to the system (glibc's malloc_trim): after work done in
    threads, each thread's malloc arena keeps what it freed, and the process would stay that much larger
    (a million filings: ~200 MB). Does nothing where the C library has no malloc_trim."""
    with suppress(OSError, AttributeError):
        ctypes.CDLL(None).malloc_trim(0)


class HelperFailed(RuntimeError):
    """The helper process ended without a result (killed, out of memory)."""


class Background(Generic[T]):
    """fn(*args) computed in a helper process; `result()` waits for it. `fn` must be importable by name
    (a function at the top of a module), and the arguments and result picklable."""

    def __init__(self, fn: Callable[..., T], *args: Any, inline: bool = False) -> None:
        self._fn = fn
        self._args: tuple[Any, ...] = args if inline else ()  # the helper has its own copy
        self._inline = inline
        self._pid: int | None = None
        """The helper's process id while it may run; None before it starts and once it has ended."""
        self._files: list[str] = []
        if inline:
            return
        _remove_stale_files()
        parent = os.getpid()
        folder, tag = results_folder(), f"{_PREFIX}{parent}-"
        job_fd, job = tempfile.mkstemp(prefix=tag, suffix=".job", dir=folder)
        out_fd, out = tempfile.mkstemp(prefix=tag, suffix=".out", dir=folder)
        os.close(out_fd)
        self._files = [job, out]
        pythonpath = os.pathsep.join(p or os.getcwd() for p in sys.path)
        pid = os.fork()
        if pid == 0:
            _hand_over(job_fd, job, fn, args, out, parent, pythonpath)  # never returns
        self._pid = pid
        os.close(job_fd)

    def result(self) -> T:
        if self._inline:
            return self._fn(*self._args)
        try:
            code = self._wait()
            with open(self._files[1], "rb") as fh:
                if os.fstat(fh.fileno()).st_size == 0:
                    raise HelperFailed(
                        f"A helper process of caselink ended without a result (exit code {code}); the "
                        "machine may be short of memory. Run the command again, or with "
                        "CASELINK_INGEST_WORKERS=1 to work in one process."
                    )
                ok, value = pickle.load(fh)
            if not ok:
                raise value
            out: T = value
            return out
        finally:
            self.cancel()

    def cancel(self) -> None:
        """Stop the helper if it still runs and remove its files (result() does this itself)."""
        if self._pid is not None and self._pid > 0:
            with suppress(ProcessLookupError):
                os.kill(self._pid, signal.SIGKILL)
            self._wait()
        for path in self._files:
            Path(path).unlink(missing_ok=True)

    def _wait(self) -> int | None:
        """Wait for the helper to end (once); its exit code, None when it was reaped before."""
        pid, self._pid = self._pid, None
        if pid is None or pid <= 0:
            return None
        try:
            _, status = os.waitpid(pid, 0)
        except ChildProcessError:
            return None
        return os.waitstatus_to_exitcode(status)


def _hand_over(
    job_fd: int,
    job: str,
    fn: Callable[..., Any],
    args: tuple[Any, ...],
    out: str,
    parent: int,
    pythonpath: str,
) -> None:
    """In the forked child: write the job, then become a fresh interpreter that does it."""
    try:
        gc.disable()  # a collection would touch, and so copy, every object shared with the parent
        with os.fdopen(job_fd, "wb") as fh:
            pickle.dump((fn, args), fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.environ["PYTHONPATH"] = pythonpath
        os.execv(sys.executable, [sys.executable, "-m", "ingest.background", job, out, str(parent)])
    except BaseException as exc:
        with suppress(BaseException), open(out, "wb") as fh:
            failure = RuntimeError(f"caselink helper process: the job could not be handed over ({exc!r})")
            pickle.dump((False, failure), fh, protocol=pickle.HIGHEST_PROTOCOL)
    finally:
        os._exit(1)


def _remove_stale_files() -> None:
    """Jobs and results left by processes that were killed before they could remove them."""
    for path in Path(results_folder()).glob(f"{_PREFIX}*"):
        pid = path.name[len(_PREFIX) :].split("-", 1)[0]
        if pid.isdigit() and not process_alive(int(pid)):
            path.unlink(missing_ok=True)


def _die_with(parent: int) -> None:
    """Have the kernel kill this process when its parent ends (Linux); end now if it already has."""
    with suppress(OSError, AttributeError):
        pr_set_pdeathsig = 1
        ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGKILL)
    if os.getppid() != parent:
        os._exit(1)


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


def _main(job: str, out: str, parent: str) -> None:
    _die_with(int(parent))
    gc.disable()  # the helper makes many long-lived records and no cycles
    with open(job, "rb") as fh:
        os.unlink(job)
        fn, args = pickle.load(fh)
    _run(fn, args, out)


if __name__ == "__main__":
    _main(*sys.argv[1:4])
