"""The Neo4j that `make test` starts (tools/neo4j.sh, tools/neo4j-launcher) is real and usable."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from neo4j import Driver, GraphDatabase
from neo4j.exceptions import AuthError, ConstraintError, ServiceUnavailable

ROOT = Path(__file__).resolve().parents[1]


def test_answers_return_1(neo4j_driver: Driver) -> None:
    records, _, _ = neo4j_driver.execute_query("RETURN 1 AS one")
    assert [r["one"] for r in records] == [1]


def test_is_neo4j_5_26_community(neo4j_driver: Driver) -> None:
    records, _, _ = neo4j_driver.execute_query(
        "CALL dbms.components() YIELD name, versions, edition RETURN name, versions, edition"
    )
    kernel = {r["name"]: r for r in records}["Neo4j Kernel"]
    assert kernel["edition"] == "community"
    assert kernel["versions"][0].startswith("5.26."), kernel["versions"]


def test_listens_on_loopback_only(neo4j_driver: Driver) -> None:
    uri = urlsplit(os.environ["CASELINK_TEST_NEO4J_URI"])
    assert (uri.scheme, uri.hostname) == ("bolt", "127.0.0.1")
    assert uri.port is not None and uri.port > 0


def test_rejects_a_wrong_password(neo4j_driver: Driver) -> None:
    with GraphDatabase.driver(
        os.environ["CASELINK_TEST_NEO4J_URI"], auth=("neo4j", "not-the-password")
    ) as bad:
        with pytest.raises(AuthError):
            bad.verify_connectivity()


def test_write_read_round_trip_with_parameters(neo4j_clean: Driver) -> None:
    rows = [
        {"id": "F-0001", "name": "张伟", "count": 3, "tags": ["重复访", "越级"]},
        {"id": "F-0002", "name": "李娜", "count": 1, "tags": []},
    ]
    neo4j_clean.execute_query(
        "UNWIND $rows AS row "
        "CREATE (f:Filing {id: row.id, name: row.name, count: row.count, tags: row.tags})",
        rows=rows,
    )
    neo4j_clean.execute_query(
        "MATCH (a:Filing {id: $a}), (b:Filing {id: $b}) CREATE (a)-[:SAME_AS {score: $score}]->(b)",
        a="F-0001",
        b="F-0002",
        score=0.875,
    )
    records, _, _ = neo4j_clean.execute_query(
        "MATCH (f:Filing) RETURN f.id AS id, f.name AS name, f.count AS count, f.tags AS tags ORDER BY id"
    )
    assert [dict(r) for r in records] == rows
    records, _, _ = neo4j_clean.execute_query(
        "MATCH (:Filing {id: $a})-[s:SAME_AS]->(b:Filing) RETURN b.id AS id, s.score AS score", a="F-0001"
    )
    assert [(r["id"], r["score"]) for r in records] == [("F-0002", 0.875)]


def test_unique_constraint_is_enforced(neo4j_clean: Driver) -> None:
    neo4j_clean.execute_query(
        "CREATE CONSTRAINT $name IF NOT EXISTS FOR (p:Person) REQUIRE p.pid IS UNIQUE", name="person_pid"
    )
    records, _, _ = neo4j_clean.execute_query("SHOW CONSTRAINTS YIELD name, type RETURN name, type")
    assert [(r["name"], r["type"]) for r in records] == [("person_pid", "UNIQUENESS")]
    neo4j_clean.execute_query("CREATE (:Person {pid: $pid})", pid="P1")
    with pytest.raises(ConstraintError):
        neo4j_clean.execute_query("CREATE (:Person {pid: $pid})", pid="P1")


def test_neo4j_clean_empties_data_and_schema(neo4j_driver: Driver, request: pytest.FixtureRequest) -> None:
    neo4j_driver.execute_query("CREATE (:Leftover {k: $k})-[:NEXT]->(:Leftover {k: $k})", k=1)
    neo4j_driver.execute_query(
        "CREATE CONSTRAINT $name IF NOT EXISTS FOR (x:Leftover) REQUIRE x.u IS UNIQUE", name="leftover_u"
    )
    neo4j_driver.execute_query(
        "CREATE INDEX $name IF NOT EXISTS FOR (x:Leftover) ON (x.k)", name="leftover_k"
    )

    driver = request.getfixturevalue("neo4j_clean")

    nodes, _, _ = driver.execute_query("MATCH (n) RETURN count(n) AS n")
    assert nodes[0]["n"] == 0
    constraints, _, _ = driver.execute_query("SHOW CONSTRAINTS YIELD name RETURN name")
    assert constraints == []
    indexes, _, _ = driver.execute_query("SHOW INDEXES YIELD name, type RETURN name, type")
    assert {r["type"] for r in indexes} == {"LOOKUP"}


def test_run_gives_the_command_its_own_neo4j_and_always_stops_it(neo4j_driver: Driver) -> None:
    inner = (
        "import os, sys\n"
        "from neo4j import GraphDatabase\n"
        "uri = os.environ['CASELINK_TEST_NEO4J_URI']\n"
        "auth = (os.environ['CASELINK_TEST_NEO4J_USER'], os.environ['CASELINK_TEST_NEO4J_PASSWORD'])\n"
        "with GraphDatabase.driver(uri, auth=auth) as d:\n"
        "    print(uri, d.execute_query('RETURN 41 + 1 AS x').records[0]['x'])\n"
        "sys.exit(7)\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("CASELINK_TEST_NEO4J_")}
    proc = subprocess.Popen(
        ["bash", str(ROOT / "tools" / "neo4j.sh"), "run", "--", sys.executable, "-c", inner],
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    out, err = proc.communicate(timeout=300)

    assert proc.returncode == 7, err
    inner_uri, answer = out.split()
    assert answer == "42"
    assert inner_uri.startswith("bolt://127.0.0.1:")
    assert inner_uri != os.environ["CASELINK_TEST_NEO4J_URI"]
    assert not (ROOT / ".neo4j" / f"run-{proc.pid}").exists()
    with GraphDatabase.driver(inner_uri, auth=("neo4j", "caselink-test")) as gone:
        with pytest.raises(ServiceUnavailable):
            gone.verify_connectivity()
