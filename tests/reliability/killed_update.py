"""`caselink ingest` that kills itself with SIGKILL at a chosen point of its graph update (a test helper).

    python -m tests.reliability.killed_update write 3 -- ingest FILINGS --transfers T --workspace WS
    python -m tests.reliability.killed_update digests 2 -- ingest ...

`write N`: right after the N-th write the store commits (a Neo4j transaction; an embedded writer call,
whose graph is saved only when the writer block ends), so the store is left part-way through the update.
`digests N`: right after the N-th write of the graph's digests (1: marked dirty, nothing sent yet; 2: all
sent, the new digests not yet written). Random kills (test_crash.py) rarely land inside an update that
takes milliseconds; these land there every time. The store, the files and the kill are real.
"""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Callable
from typing import Any

import ingest.load.update as update
from caselink.cli import cli
from graph.memory_store import MemoryWriter
from graph.neo4j_store import Neo4jStore


def _die_after(count: int, fn: Callable[..., Any]) -> Callable[..., Any]:
    calls = 0

    def wrapped(*args: Any, **kwargs: Any) -> Any:
        nonlocal calls
        result = fn(*args, **kwargs)
        calls += 1
        if calls == count:
            sys.stdout.flush()
            os.kill(os.getpid(), signal.SIGKILL)
        return result

    return wrapped


def main(argv: list[str]) -> None:
    where, count, dashes, *args = argv
    assert dashes == "--", argv
    n = int(count)
    if where == "write":
        shared = _die_after(n, lambda fn, *a, **k: fn(*a, **k))
        for name in ("upsert_nodes", "replace_edges", "delete_nodes"):
            original = getattr(MemoryWriter, name)
            setattr(MemoryWriter, name, lambda self, *a, _o=original, **k: shared(_o, self, *a, **k))
        original_write = Neo4jStore.run_write
        Neo4jStore.run_write = lambda self, *a, **k: shared(original_write, self, *a, **k)  # type: ignore[method-assign]
    elif where == "digests":
        update.write_sent_state = _die_after(n, update.write_sent_state)  # type: ignore[assignment]
    else:
        raise SystemExit(f"unknown point {where!r}")
    cli(args, prog_name="caselink")


if __name__ == "__main__":
    main(sys.argv[1:])
