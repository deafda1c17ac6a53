"""Peak memory of a process and the processes it forks, sampled while a piece of work runs.

`ru_maxrss` is the peak of one process only, and a forked helper's resident set counts the pages it still
shares with its parent. The physical memory a run takes is the sum of the proportional set sizes (PSS:
shared pages split between the processes that map them) of the process and its live children, sampled:

    with TreeMemory() as mem:
        work()
    print(f"peak {mem.peak_mb:,.0f} MB")
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from types import TracebackType


def _pss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except (OSError, ValueError):  # the process ended between listing and reading
        pass
    return 0


def _children(pid: int) -> list[int]:
    out: list[int] = []
    try:
        for task in Path(f"/proc/{pid}/task").iterdir():
            text = (task / "children").read_text().split()
            out.extend(int(c) for c in text)
    except OSError:
        pass
    return out


def tree_pss_mb(pid: int | None = None) -> float:
    """PSS of the process and all its descendants, in MB."""
    todo = [pid or os.getpid()]
    total = 0
    while todo:
        p = todo.pop()
        total += _pss_kb(p)
        todo.extend(_children(p))
    return total / 1024


class TreeMemory:
    """Samples tree_pss_mb every `interval` seconds in a thread; `peak_mb` is the largest sample."""

    def __init__(self, interval: float = 0.2) -> None:
        self.interval = interval
        self.peak_mb = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while True:
            self.peak_mb = max(self.peak_mb, tree_pss_mb())
            if self._stop.wait(self.interval):
                return

    def __enter__(self) -> TreeMemory:
        self._thread.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._stop.set()
        self._thread.join()
        self.peak_mb = max(self.peak_mb, tree_pss_mb())
