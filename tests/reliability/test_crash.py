"""kill -9 during `caselink ingest` at seeded random moments, run it again, and compare the graph with that
of an uninterrupted run (canonical dumps), on the embedded store and on Neo4j, for a first ingest and for a
second file merged into the workspace.

Each kill lands at a random delay after one of the points `caselink ingest` announces on stderr: its start,
the start of resolution (records saved, registries being written) or the start of the graph load. Several
kills in a row hit the same workspace before the run that completes. CASELINK_CRASH_SEED changes the seed.
"""

from __future__ import annotations

import os
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from neo4j import Driver

from graph.memory_store import MemoryStore
from graph.neo4j_store import Neo4jStore
from graph.store import Dump
from tests.conftest import wipe_database
from tests.reliability.crashkit import Ingest, Part, app_env, demo_parts, difference, ingest_ok

SEED = int(os.environ.get("CASELINK_CRASH_SEED") or "20261124")
PLAN: tuple[str | None, ...] = (None, "loading", "resolving", "loading")
"""Where each kill of a chain counts its random delay from (None: the process start)."""
PLAN_NEO4J: tuple[str | None, ...] = ("loading", None, "loading")
"""Fewer kills on Neo4j, whose runs are slower; most of them inside the load."""


@dataclass
class Timings:
    """Seconds an uninterrupted run took: in all, in resolution, in the load."""

    total: float
    resolving: float
    loading: float

    @classmethod
    def of(cls, run: Ingest, end: float) -> Timings:
        return cls(
            end - run.started,
            run.seen["loading"] - run.seen["resolving"],
            end - run.seen["loading"],
        )


def timed_ingest(part: Part, ws: Path, env: dict[str, str]) -> Timings:
    run = ingest_ok(part, ws, env)
    return Timings.of(run, time.monotonic())


def crash_chain(
    part: Part, ws: Path, env: dict[str, str], t: Timings, rng: random.Random, plan: tuple[str | None, ...]
) -> list[str]:
    """Ingest `part` killed once per PLAN entry at a random moment, then once to completion; where each
    kill fell, e.g. ["loading+0.41s killed", ...]."""
    log = []
    for phase in plan:
        span = {None: t.total, "resolving": t.resolving, "loading": 0.6 * t.loading}[phase]
        delay = rng.uniform(0.0, span)
        run = Ingest(part, ws, env).start()
        killed = run.kill_after(phase, delay)
        if not killed:
            assert run.wait() == 0, run.output[-3000:]
        reached = "loading" if "loading" in run.seen else "resolving" if "resolving" in run.seen else "start"
        log.append(f"{phase or 'start'}+{delay:.2f}s {'killed in ' + reached if killed else 'finished'}")
    ingest_ok(part, ws, env)
    return log


def check_chains(
    parts: tuple[Part, Part],
    tmp: Path,
    env: dict[str, str],
    dump: Callable[[Path], Dump],
    reset: Callable[[], None],
    rng: random.Random,
    plan: tuple[str | None, ...] = PLAN,
) -> None:
    """Uninterrupted A then B into a fresh store, then the same with crash chains; dumps must be equal."""
    reset()
    ta = timed_ingest(parts[0], tmp / "ref", env)
    want_a = dump(tmp / "ref")
    tb = timed_ingest(parts[1], tmp / "ref", env)
    want_ab = dump(tmp / "ref")
    assert want_a != want_ab and len(want_a[0]) > 100

    reset()
    log_a = crash_chain(parts[0], tmp / "ws", env, ta, rng, plan)
    got = dump(tmp / "ws")
    assert got == want_a, f"first ingest after kills {log_a} (seed {SEED}): {difference(got, want_a)}"
    log_b = crash_chain(parts[1], tmp / "ws", env, tb, rng, plan)
    got = dump(tmp / "ws")
    assert got == want_ab, f"second ingest after kills {log_b} (seed {SEED}): {difference(got, want_ab)}"
    # the test is only worth something if kills really landed inside the load
    assert any("killed in loading" in x for x in log_a + log_b), log_a + log_b


@pytest.fixture(scope="module")
def small_parts(tmp_path_factory: pytest.TempPathFactory) -> tuple[Part, Part]:
    return demo_parts(tmp_path_factory.mktemp("crash-data"), filings=600, seed=11)


@pytest.fixture(scope="module")
def parts(tmp_path_factory: pytest.TempPathFactory) -> tuple[Part, Part]:
    return demo_parts(tmp_path_factory.mktemp("crash-data"), filings=1600, seed=13)


def test_kill_9_during_ingest_embedded(parts: tuple[Part, Part], tmp_path: Path) -> None:
    def dump(ws: Path) -> Dump:
        return MemoryStore(ws / "graph").canonical_dump()

    check_chains(parts, tmp_path, app_env("embedded"), dump, lambda: None, random.Random(SEED))


def test_kill_9_during_ingest_neo4j(
    small_parts: tuple[Part, Part], tmp_path: Path, neo4j_clean: Driver
) -> None:
    env = app_env(
        "neo4j",
        os.environ["CASELINK_TEST_NEO4J_URI"],
        os.environ.get("CASELINK_TEST_NEO4J_USER", "neo4j"),
        os.environ.get("CASELINK_TEST_NEO4J_PASSWORD", ""),
    )
    store = Neo4jStore(neo4j_clean)

    def dump(ws: Path) -> Dump:
        return store.canonical_dump()

    check_chains(
        small_parts,
        tmp_path,
        env,
        dump,
        lambda: wipe_database(neo4j_clean),
        random.Random(SEED + 1),
        PLAN_NEO4J,
    )
