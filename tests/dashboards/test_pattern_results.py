"""PatternResults: one computation per query, parameters and graph state, shared by callers; warmed results
computed in the background; a queued result a page asks for computed by that page at once."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from typing import Any

import pandas as pd
import pytest

from caselink.workspace import Workspace
from dashboards.pattern_results import PatternResults, result_key
from graph.memory_store import MemoryStore
from queries.run import run_query
from tests.dashboards.patterns_workspace import build


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MemoryStore]:
    s = MemoryStore(Workspace.open(build(tmp_path_factory.mktemp("results"), n=400)).graph_dir)
    yield s
    s.close()


class Counted:
    """Runs named queries on a store, counting the runs per query; `hold` makes a query wait for `release`."""

    def __init__(self, store: MemoryStore, hold: str = "") -> None:
        self.store, self.hold, self.release = store, hold, threading.Event()
        self.runs: dict[str, int] = {}
        self.threads: dict[str, str] = {}
        self.lock = threading.Lock()

    def __call__(self, name: str, params: dict[str, Any]) -> pd.DataFrame:
        with self.lock:
            self.runs[name] = self.runs.get(name, 0) + 1
            self.threads[name] = threading.current_thread().name
        if name == self.hold:
            assert self.release.wait(30)
        result = run_query(name, self.store, params)
        return pd.DataFrame(result.rows, columns=result.columns)


def direct(store: MemoryStore, name: str, params: dict[str, Any]) -> pd.DataFrame:
    result = run_query(name, store, params)
    return pd.DataFrame(result.rows, columns=result.columns)


def test_parameters_are_compared_as_parsed() -> None:
    default = result_key("repeat-petitions", {}, "s")
    assert default == result_key("repeat-petitions", {"min_filings": "2"}, "s")
    assert default != result_key("repeat-petitions", {"min_filings": 3}, "s")
    assert default != result_key("repeat-petitions", {}, "t")
    bounced = result_key("bounced-cases", {"ignore_actions": "协办,督办"}, "s")
    assert bounced == result_key("bounced-cases", {"ignore_actions": ["协办", "督办"]}, "s")


def test_one_computation_per_query_parameters_and_state(store: MemoryStore) -> None:
    compute, results = Counted(store), PatternResults()
    first = results.get("repeat-petitions", {}, "s1", compute)
    again = results.get("repeat-petitions", {"min_filings": 2, "limit": 0}, "s1", compute)
    assert compute.runs == {"repeat-petitions": 1}
    assert first.equals(direct(store, "repeat-petitions", {})) and again.equals(first)
    first["added"] = 1  # a page may add columns: the kept result is not touched
    assert "added" not in results.get("repeat-petitions", {}, "s1", compute).columns
    results.get("repeat-petitions", {"min_filings": 3}, "s1", compute)
    results.get("repeat-petitions", {}, "s2", compute)  # the graph changed: computed again
    assert compute.runs == {"repeat-petitions": 3}
    results.close()


def test_warmed_results_are_computed_in_the_background_and_not_again(store: MemoryStore) -> None:
    compute, results = Counted(store), PatternResults()
    names = ["overdue", "cross-county", "unit-bounce-pairs"]
    results.warm(names, "s1", compute)
    results.warm(names, "s1", compute)  # once per state
    deadline = time.monotonic() + 30
    while len(compute.runs) < len(names) and time.monotonic() < deadline:  # all started in the background
        time.sleep(0.01)
    for name in names:
        assert results.get(name, {}, "s1", compute).equals(direct(store, name, {}))
    assert compute.runs == dict.fromkeys(names, 1)
    assert all(thread.startswith("pattern-warm") for thread in compute.threads.values())
    results.close()


def test_a_queued_result_is_computed_by_the_page_that_asks_for_it(store: MemoryStore) -> None:
    """The background thread is held on the first query; the page asking for the third does not wait for
    the first two, and the background thread later finds it done and does not run it again."""
    compute, results = Counted(store, hold="repeat-petitions"), PatternResults()
    results.warm(["repeat-petitions", "multi-channel", "skip-level"], "s1", compute)
    start = time.perf_counter()
    skip = results.get("skip-level", {}, "s1", compute)
    assert time.perf_counter() - start < 20
    assert compute.threads["skip-level"] == threading.current_thread().name
    assert skip.equals(direct(store, "skip-level", {}))
    compute.release.set()
    assert results.get("repeat-petitions", {}, "s1", compute).equals(direct(store, "repeat-petitions", {}))
    assert results.get("multi-channel", {}, "s1", compute).equals(direct(store, "multi-channel", {}))
    assert compute.runs == {"repeat-petitions": 1, "multi-channel": 1, "skip-level": 1}
    results.close()


def test_a_failed_query_is_raised_to_the_page_and_tried_again_next_time(store: MemoryStore) -> None:
    fail = [True]

    def compute(name: str, params: dict[str, Any]) -> pd.DataFrame:
        if fail[0]:
            raise ConnectionError("Neo4j went away")
        return direct(store, name, params)

    results = PatternResults()
    with pytest.raises(ConnectionError):
        results.get("overdue", {}, "s1", compute)
    fail[0] = False
    assert results.get("overdue", {}, "s1", compute).equals(direct(store, "overdue", {}))
    results.close()


def test_only_the_latest_results_are_kept(store: MemoryStore) -> None:
    compute, results = Counted(store), PatternResults(keep=2)
    for min_filings in (2, 3, 4):
        results.get("repeat-petitions", {"min_filings": min_filings}, "s1", compute)
    results.get("repeat-petitions", {"min_filings": 4}, "s1", compute)
    results.get("repeat-petitions", {"min_filings": 2}, "s1", compute)  # dropped: computed again
    assert compute.runs == {"repeat-petitions": 4}
    assert results.names("s1") == ["repeat-petitions"]
    results.get("overdue", {}, "s2", compute)  # a new graph state: the old state's results go
    assert results.names("s1") == [] and results.names("s2") == ["overdue"]
    results.close()
