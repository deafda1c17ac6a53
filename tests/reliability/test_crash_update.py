"""kill -9 inside an incremental graph update, then the same `caselink ingest` again: the graph equals that of
an uninterrupted run, on the embedded store and on Neo4j.

The second of two demo halves is ingested into a workspace holding the first, which the graph receives as
an update of only what changed (ingest.load.update). Each kill lands at a chosen write of that update
(tests/reliability/killed_update.py): between the last write and the new digests, and several kills in a
row on one workspace (after the first write, after marking the digests dirty, after the fifth write).
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from neo4j import Driver

from graph.memory_store import MemoryStore
from graph.neo4j_store import Neo4jStore
from graph.store import Dump
from tests.conftest import wipe_database
from tests.reliability.crashkit import ROOT, Part, app_env, demo_parts, difference, ingest_ok

KILLS: tuple[tuple[tuple[str, int], ...], ...] = (
    (("digests", 2),),
    (("write", 1), ("digests", 1), ("write", 5)),
)
"""Chains of kills (point, count) suffered by one workspace before the run that completes: the second
holds kills after committed writes (after the first and after the fifth), so a chain of a lone kill after
the third write would repeat it."""


def killed_ingest(part: Part, ws: Path, env: dict[str, str], where: str, count: int) -> str:
    """Run the ingest with a kill at (where, count); 'killed' or 'finished' (the update ended sooner)."""
    cmd = [sys.executable, "-m", "tests.reliability.killed_update", where, str(count), "--", "ingest"]
    cmd += [str(part.filings), "--transfers", str(part.transfers), "--workspace", str(ws)]
    done = subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True, timeout=600, check=False)
    if done.returncode == -9:
        return "killed"
    assert done.returncode == 0, done.stderr.decode(errors="replace")[-3000:]
    return "finished"


def check(
    parts: tuple[Part, Part],
    tmp: Path,
    env: dict[str, str],
    dump: Callable[[Path], Dump],
    reset: Callable[[], None],
) -> None:
    """An uninterrupted first and second ingest, then each chain of KILLS on a new workspace (a reset
    store): the graphs must be equal."""
    reset()
    ingest_ok(parts[0], tmp / "ref", env)
    run = ingest_ok(parts[1], tmp / "ref", env)
    assert "sent only what changed" in run.stdout, run.stdout[-2000:]
    want = dump(tmp / "ref")
    for i, chain in enumerate(KILLS):
        reset()
        ws = tmp / f"ws{i}"
        ingest_ok(parts[0], ws, env)
        outcomes = [killed_ingest(parts[1], ws, env, where, n) for where, n in chain]
        assert "killed" in outcomes, (chain, outcomes)  # the kill really landed inside the update
        ingest_ok(parts[1], ws, env)
        got = dump(ws)
        assert got == want, f"after kills {list(zip(chain, outcomes, strict=True))}: {difference(got, want)}"
        again = ingest_ok(parts[1], ws, env)  # and the workspace is back to sending nothing
        assert "sent only what changed: 0 nodes, 0 edges in 0 edge lists, 0 nodes removed" in again.stdout


@pytest.fixture(scope="module")
def parts(tmp_path_factory: pytest.TempPathFactory) -> tuple[Part, Part]:
    return demo_parts(tmp_path_factory.mktemp("update-crash-data"), filings=300, seed=17)


def test_kill_9_inside_a_graph_update_embedded(parts: tuple[Part, Part], tmp_path: Path) -> None:
    check(
        parts,
        tmp_path,
        app_env("embedded"),
        lambda ws: MemoryStore(ws / "graph").canonical_dump(),
        lambda: None,
    )


def test_kill_9_inside_a_graph_update_neo4j(
    parts: tuple[Part, Part], tmp_path: Path, neo4j_clean: Driver
) -> None:
    env = app_env(
        "neo4j",
        os.environ["CASELINK_TEST_NEO4J_URI"],
        os.environ.get("CASELINK_TEST_NEO4J_USER", "neo4j"),
        os.environ.get("CASELINK_TEST_NEO4J_PASSWORD", ""),
    )
    store = Neo4jStore(neo4j_clean)
    check(parts, tmp_path, env, lambda ws: store.canonical_dump(), lambda: wipe_database(neo4j_clean))
