"""Neo4j faults during `caselink ingest` (a real subprocess): the server stopped mid-load and restarted, a
wrong password, an unreachable URI, a slow and stalling link, dropped connections, a link cut for good.

A fault either heals (the ingest retries with back-off and completes) or ends the run with exit status 2
and a message that says what to do, never a traceback; after any of them the graph equals that of an
uninterrupted run (the embedded one of the same file: tests/test_ingest_command.py holds both back ends to
the same dump), so nothing is duplicated or lost.
"""

from __future__ import annotations

import os
import socket
import time
from pathlib import Path
from urllib.parse import urlsplit

import neo4j
import pytest
from neo4j import Driver

from graph.memory_store import MemoryStore
from graph.neo4j_store import Neo4jStore
from graph.store import Dump
from tests.reliability.crashkit import (
    Ingest,
    Part,
    app_env,
    demo_parts,
    difference,
    ingest_ok,
    private_neo4j,
)
from tests.reliability.tcp_proxy import TcpProxy

RETRY_SECONDS = "4"
"""CASELINK_NEO4J_RETRY_SECONDS for runs meant to give up: short, to keep the tests quick."""


@pytest.fixture(scope="module")
def part(tmp_path_factory: pytest.TempPathFactory) -> Part:
    return demo_parts(tmp_path_factory.mktemp("fault-data"), filings=1000, seed=17)[0]


@pytest.fixture
def reference(part: Part, tmp_path_factory: pytest.TempPathFactory) -> Dump:
    """The graph of an uninterrupted ingest of `part` (embedded), made by each test that needs it: close in
    time to the runs it is compared with, in a tree where others may be changing the resolution code."""
    ws = tmp_path_factory.mktemp("fault-ref") / "ws"
    ingest_ok(part, ws, app_env("embedded"))
    return MemoryStore(ws / "graph").canonical_dump()


def neo4j_env(uri: str | None = None, **extra: str) -> dict[str, str]:
    env = app_env(
        "neo4j",
        uri or os.environ["CASELINK_TEST_NEO4J_URI"],
        os.environ.get("CASELINK_TEST_NEO4J_USER", "neo4j"),
        os.environ.get("CASELINK_TEST_NEO4J_PASSWORD", ""),
    )
    env.update(extra)
    return env


def wait_for_filings(uri: str, user: str, password: str, timeout: float = 120.0) -> None:
    """Block until the load has written Filing nodes (so a fault lands inside the load)."""
    deadline = time.monotonic() + timeout
    with neo4j.GraphDatabase.driver(uri, auth=(user, password), notifications_min_severity="OFF") as driver:
        while time.monotonic() < deadline:
            records, _, _ = driver.execute_query("MATCH (n:Filing) RETURN count(n) AS n")
            if records[0]["n"]:
                return
            time.sleep(0.05)
    raise TimeoutError("the load wrote no Filing node")


def assert_plain_failure(run: Ingest, *phrases: str) -> None:
    assert run.proc is not None and run.proc.returncode == 2, run.output[-3000:]
    assert "Traceback" not in run.output, run.output[-3000:]
    for phrase in phrases:
        assert phrase in run.stderr, run.stderr[-3000:]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_server_stopped_mid_load_then_restarted(part: Part, reference: Dump, tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    with private_neo4j(tmp_path / "neo4j-1.log") as server:
        env = neo4j_env(server.uri, CASELINK_NEO4J_RETRY_SECONDS=RETRY_SECONDS)
        env["CASELINK_NEO4J_PASSWORD"] = server.password
        run = Ingest(part, ws, env).start()
        assert run.wait_for("loading")
        wait_for_filings(server.uri, server.user, server.password)
        server.stop_server()
        run.wait(300)
    assert_plain_failure(
        run, "retrying in", "did not recover", "CASELINK_NEO4J_RETRY_SECONDS", "`caselink ingest` again"
    )
    waits = [
        float(line.split("retrying in ")[1].split(" s")[0])
        for line in run.stderr.splitlines()
        if "retrying in" in line
    ]
    assert {0.5, 1.0} <= set(waits) <= {0.5, 1.0, 2.0}, waits  # back-off: doubling, within 4 s

    with private_neo4j(tmp_path / "neo4j-2.log") as server:  # a restart: the launcher starts empty
        env = neo4j_env(server.uri)
        env["CASELINK_NEO4J_PASSWORD"] = server.password
        ingest_ok(part, ws, env)
        with neo4j.GraphDatabase.driver(server.uri, auth=(server.user, server.password)) as driver:
            got = Neo4jStore(driver).canonical_dump()
            assert got == reference, difference(got, reference)


@pytest.mark.parametrize(
    ("setting", "value", "phrases"),
    [
        (
            "CASELINK_NEO4J_PASSWORD",
            "not-the-password",
            ("refused the credentials", "CASELINK_NEO4J_PASSWORD"),
        ),
        ("CASELINK_NEO4J_URI", "closed-port", ("Cannot reach Neo4j", "CASELINK_NEO4J_URI")),
        ("CASELINK_NEO4J_URI", "http://127.0.0.1:7474", ("is not a Neo4j Bolt URI", "CASELINK_NEO4J_URI")),
    ],
    ids=["wrong-password", "unreachable", "not-a-bolt-uri"],
)
def test_bad_connection_settings_are_said_plainly(
    part: Part, tmp_path: Path, neo4j_driver: Driver, setting: str, value: str, phrases: tuple[str, ...]
) -> None:
    if value == "closed-port":
        value = f"bolt://127.0.0.1:{free_port()}"
    run = Ingest(part, tmp_path / "ws", neo4j_env(**{setting: value})).start()
    run.wait(300)
    assert_plain_failure(run, *phrases)
    assert not (tmp_path / "ws" / "records" / "records.arrow").exists()  # refused before reading


def target(uri: str) -> tuple[str, int]:
    parts = urlsplit(uri)
    return parts.hostname or "127.0.0.1", int(parts.port or 7687)


def test_slow_stalling_and_dropped_links_are_retried(
    part: Part, reference: Dump, tmp_path: Path, neo4j_clean: Driver
) -> None:
    env_base = neo4j_env()
    with TcpProxy(*target(env_base["CASELINK_NEO4J_URI"])) as proxy:
        proxy.latency = 0.002
        run = Ingest(part, tmp_path / "ws", neo4j_env(proxy.uri)).start()
        assert run.wait_for("loading")
        wait_for_filings(env_base["CASELINK_NEO4J_URI"], *auth_of(env_base))
        accepted = proxy.accepted
        for _ in range(2):  # a stall with a request in flight, then the link dropped under it
            proxy.stall(1.0)
            time.sleep(0.5)
            assert proxy.drop_all() > 0
            time.sleep(0.7)
        code = run.wait(300)
        assert code == 0, run.output[-3000:]
        assert "retrying in" in run.stderr  # the ingest saw the drops and retried (with back-off)
        assert proxy.accepted > accepted  # ... on new connections
    got = Neo4jStore(neo4j_clean).canonical_dump()
    assert got == reference, difference(got, reference)


def auth_of(env: dict[str, str]) -> tuple[str, str]:
    return env["CASELINK_NEO4J_USER"], env["CASELINK_NEO4J_PASSWORD"]


def test_link_cut_for_good_mid_load_then_rerun(
    part: Part, reference: Dump, tmp_path: Path, neo4j_clean: Driver
) -> None:
    """The server keeps what was committed before the cut; the re-run completes it without duplicates."""
    env_base = neo4j_env()
    with TcpProxy(*target(env_base["CASELINK_NEO4J_URI"])) as proxy:
        run = Ingest(
            part, tmp_path / "ws", neo4j_env(proxy.uri, CASELINK_NEO4J_RETRY_SECONDS=RETRY_SECONDS)
        ).start()
        assert run.wait_for("loading")
        wait_for_filings(env_base["CASELINK_NEO4J_URI"], *auth_of(env_base))
        proxy.refuse = True
        proxy.drop_all()
        run.wait(300)
    assert_plain_failure(run, "retrying in", "did not recover", "`caselink ingest` again")
    partial = Neo4jStore(neo4j_clean).counts()
    assert 0 < partial["Filing"]
    ingest_ok(part, tmp_path / "ws", env_base)
    got = Neo4jStore(neo4j_clean).canonical_dump()
    assert got == reference, difference(got, reference)
