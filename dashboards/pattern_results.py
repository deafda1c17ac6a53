"""Pattern query results kept by the dashboard server: one computation per (query, parameters, graph state),
shared by every session, and computable ahead of time for the pattern pages' default parameters.

On Neo4j a whole-graph pattern query over 1M filings takes 8–12 s of server time, which the first visit to a
pattern page after a start or an ingest used to wait for. `warm` queues the pages' default queries in one
background thread while the user is on the first page; a page that asks for a result being computed waits
for it instead of starting the same query again, and a page that asks for one still queued computes it at
once itself (the queue never makes a page wait for other pages' queries).

    results = PatternResults()
    results.warm(["repeat-petitions", "overdue"], state, compute)   # returns at once
    df = results.get("repeat-petitions", {"min_filings": "2"}, state, compute)

`compute(name, params)` runs the query (on the store of that state) and gives its DataFrame; it is called in
the asking thread, or in the background thread for a warmed result.

Parameters are compared after `queries.run.parse_params`, so `{}`, `{"min_filings": 2}` and
`{"min_filings": "2"}` are one result. Results are handed out as copies (a page may add columns). The first
request for a new graph state (after an ingest) drops the results of the old one.
"""

from __future__ import annotations

import queue
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import Future
from typing import Any

import pandas as pd

from queries.registry import get
from queries.run import parse_params

Compute = Callable[[str, dict[str, Any]], pd.DataFrame]
Key = tuple[str, tuple[tuple[str, Any], ...], str]
Job = tuple[Compute, Key, "Future[pd.DataFrame]", str]


def result_key(name: str, params: Mapping[str, Any], state: str) -> Key:
    """Query name, its parameters as parsed (defaults filled, lists as tuples), and the graph state."""
    values = parse_params(get(name), params)
    return name, tuple(sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in values.items())), state


class PatternResults:
    """Results of pattern queries for one server process (thread-safe)."""

    def __init__(self, keep: int = 16) -> None:
        self._keep = keep
        """Results kept at most (least recently used first out): at 1M filings one can take 100+ MB."""
        self._lock = threading.Lock()
        self._results: OrderedDict[Key, Future[pd.DataFrame]] = OrderedDict()
        self._state = ""
        self._warmed = ""
        self._jobs: queue.SimpleQueue[Job | None] = queue.SimpleQueue()
        self._worker: threading.Thread | None = None
        self._closed = False

    def get(self, name: str, params: Mapping[str, Any], state: str, compute: Compute) -> pd.DataFrame:
        """The result of `name` with `params` on the graph in `state`: kept, being computed (waited for), or
        computed now in the calling thread. Raises what the query raised; a failed result is not kept."""
        key = result_key(name, params, state)
        with self._lock:
            self._see(state)
            future = self._results.get(key)
            if future is None:
                future = self._results[key] = Future()
                self._trim()
            else:
                self._results.move_to_end(key)
        self._fill(compute, key, future, name, dict(params))
        return future.result().copy()

    def warm(self, names: Iterable[str], state: str, compute: Compute) -> None:
        """Queue `names` with their default parameters for the graph in `state` (once per state; results
        already kept or asked for are not queued again). Returns at once."""
        queued: list[tuple[Key, Future[pd.DataFrame], str]] = []
        with self._lock:
            if state == self._warmed:
                return
            self._see(state)
            self._warmed = state
            for name in names:
                key = result_key(name, {}, state)
                if key not in self._results:
                    future: Future[pd.DataFrame] = Future()
                    self._results[key] = future
                    queued.append((key, future, name))
            self._trim()
        for key, future, name in queued:
            self._jobs.put((compute, key, future, name))
        with self._lock:
            if queued and not self._closed and (self._worker is None or not self._worker.is_alive()):
                # a daemon: a server stopping does not wait for a warm-up query
                self._worker = threading.Thread(target=self._work, name="pattern-warm", daemon=True)
                self._worker.start()

    def names(self, state: str) -> list[str]:
        """The queries with a result kept, being computed or queued for the graph in `state`."""
        with self._lock:
            return sorted({key[0] for key in self._results if key[2] == state})

    def close(self) -> None:
        """Stop warming: what is queued is dropped; a query already running finishes in the background."""
        self._closed = True
        self._jobs.put(None)

    def _work(self) -> None:
        while (job := self._jobs.get()) is not None and not self._closed:
            compute, key, future, name = job
            self._fill(compute, key, future, name, {})

    def _fill(
        self, compute: Compute, key: Key, future: Future[pd.DataFrame], name: str, params: dict[str, Any]
    ) -> None:
        """Compute the result into `future` unless another thread already has it in hand."""
        with self._lock:
            if future.running() or future.done() or not future.set_running_or_notify_cancel():
                return
        try:
            future.set_result(compute(name, params))
        except BaseException as error:  # handed to whoever waits; a later visit tries again
            with self._lock:
                if self._results.get(key) is future:
                    del self._results[key]
            future.set_exception(error)

    def _see(self, state: str) -> None:
        """A new graph state drops the results of the others (the graph they describe is gone)."""
        if state != self._state:
            self._state = state
            for key in [k for k in self._results if k[2] != state]:
                del self._results[key]

    def _trim(self) -> None:
        while len(self._results) > self._keep:
            self._results.popitem(last=False)
