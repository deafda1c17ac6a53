"""Hostile parameters and data on both back ends: integers beyond 64 bits (and offset + limit overflow) are
one clean BadParameter before any store is asked; a failing Neo4j read is a ReadFailed, not a driver
traceback; and the hostile corpus (tests/hostile/corpus.py) comes back the same from both back ends."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from neo4j import Driver

from graph.errors import ReadFailed
from graph.memory_store import MemoryStore
from graph.neo4j_store import Neo4jStore
from graph.store import GraphStore
from ingest.load import load
from queries.errors import BadParameter
from queries.registry import SPECS
from queries.run import run_query
from tests.conftest import wipe_database
from tests.hostile.corpus import HOST, hostile_resolution

BACKENDS = ["embedded", "neo4j"]
HUGE = [
    {"limit": 2**63}, {"offset": 2**63 - 1}, {"limit": 2**62, "offset": 2**62}, {"limit": "99999999999"},
    {"offset": -(2**70)}, {"limit": 10**30},
]
PARAMS: dict[str, dict[str, Any]] = {
    "petitioner": {"petitioner_id": "P1"}, "neighbourhood": {"key": "F01", "hops": 2},
    "path": {"from_id": "F01", "to_id": "F11"}, "search": {"text": "HYPERLINK"},
    "entities": {"keys": ["P1", "F01", "U01", "I1", "U02"]}, "links": {"keys": ["P1", "F01", "U01", "I1"]},
    "filing": {"filing_id": "F01"}, "entity-filings": {"key": "U01"}, "overdue": {"as_of": "2024-08-01"},
}  # fmt: skip


@pytest.fixture(scope="module", params=BACKENDS)
def store(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[GraphStore]:
    """The hostile corpus loaded into one back end."""
    if request.param == "embedded":
        s: GraphStore = MemoryStore(tmp_path_factory.mktemp("graph"))
    else:
        driver: Driver = request.getfixturevalue("neo4j_driver")
        wipe_database(driver)
        s = Neo4jStore(driver)
    load(hostile_resolution(), s)
    yield s
    s.close()


@pytest.fixture(scope="module")
def embedded(tmp_path_factory: pytest.TempPathFactory) -> MemoryStore:
    s = MemoryStore(tmp_path_factory.mktemp("graph-ref"))
    load(hostile_resolution(), s)
    return s


@pytest.mark.parametrize("params", HUGE, ids=str)
def test_huge_integers_are_a_clean_error_on_both_back_ends(store: GraphStore, params: dict[str, Any]) -> None:
    for spec in SPECS:
        if spec.paged:
            with pytest.raises(BadParameter, match="must be at"):
                run_query(spec.name, store, params)


@pytest.mark.parametrize("name", [s.name for s in SPECS])
def test_the_corpus_comes_back_the_same_from_both_back_ends(
    store: GraphStore, embedded: MemoryStore, name: str
) -> None:
    got = run_query(name, store, PARAMS.get(name, {}))
    want = run_query(name, embedded, PARAMS.get(name, {}))
    assert got.rows == want.rows
    if name == "filing":
        assert HOST in got.records()[0]["content"]


def test_a_failing_neo4j_read_is_a_read_error(neo4j_driver: Driver, tmp_path: Path) -> None:
    view = Neo4jStore(neo4j_driver).view()
    with pytest.raises(ReadFailed, match="Check the parameters"):
        view.table("RETURN $x + 1 AS v", {"x": 2**63 - 1}, ["v"])  # overflow on the server
    with pytest.raises(ReadFailed):
        view.table("RETURN $x AS v", {"x": 2**64}, ["v"])  # refused by the driver
