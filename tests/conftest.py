"""Shared fixtures: the real Neo4j that `make test` starts with tools/neo4j.sh.

The tests read CASELINK_TEST_NEO4J_URI / _USER / _PASSWORD, never the app's CASELINK_NEO4J_* settings, so a
test run cannot touch a user's database. Without a URI the Neo4j tests fail, unless the developer sets
CASELINK_SKIP_NEO4J=1 (ignored when CI=true: CI always runs them).
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from neo4j import Driver, GraphDatabase

URI_VAR = "CASELINK_TEST_NEO4J_URI"
USER_VAR = "CASELINK_TEST_NEO4J_USER"
PASSWORD_VAR = "CASELINK_TEST_NEO4J_PASSWORD"
SKIP_VAR = "CASELINK_SKIP_NEO4J"


def neo4j_skip_allowed() -> bool:
    """True when the developer asked to skip the Neo4j tests and this is not a CI run."""
    in_ci = os.environ.get("CI", "").lower() in {"true", "1"}
    return os.environ.get(SKIP_VAR) == "1" and not in_ci


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test that uses the real Neo4j `neo4j`, so `-m "not neo4j"` selects the others."""
    for item in items:
        if "neo4j_driver" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.neo4j)


@pytest.fixture(scope="session")
def neo4j_driver() -> Iterator[Driver]:
    """A driver connected to the test Neo4j (session-wide; closed at the end)."""
    uri = os.environ.get(URI_VAR)
    if not uri:
        if neo4j_skip_allowed():
            pytest.skip(f"{SKIP_VAR}=1: Neo4j tests skipped on request")
        pytest.fail(
            f"{URI_VAR} is not set. Run the tests with `make test` (it starts a Neo4j and stops it), or "
            f'`eval "$(tools/neo4j.sh start)"` before pytest. '
            f"Outside CI, {SKIP_VAR}=1 skips the Neo4j tests.",
            pytrace=False,
        )
    auth = (os.environ.get(USER_VAR, "neo4j"), os.environ.get(PASSWORD_VAR, ""))
    driver = GraphDatabase.driver(uri, auth=auth)
    try:
        driver.verify_connectivity()
    except Exception as exc:  # any failure to connect means the same to the developer
        driver.close()
        pytest.fail(
            f"cannot reach the test Neo4j at {uri} ({exc}). Is it running? `make test` starts one.",
            pytrace=False,
        )
    yield driver
    driver.close()


def wipe_database(driver: Driver) -> None:
    """Delete every node and relationship, then every constraint and index except the token lookups."""
    with driver.session() as session:
        session.run("MATCH (n) CALL { WITH n DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS").consume()
    constraints, _, _ = driver.execute_query("SHOW CONSTRAINTS YIELD name")
    for record in constraints:
        driver.execute_query("DROP CONSTRAINT $name IF EXISTS", name=record["name"])
    indexes, _, _ = driver.execute_query(
        "SHOW INDEXES YIELD name, type, owningConstraint "
        "WHERE type <> 'LOOKUP' AND owningConstraint IS NULL RETURN name"
    )
    for record in indexes:
        driver.execute_query("DROP INDEX $name IF EXISTS", name=record["name"])


@pytest.fixture
def neo4j_clean(neo4j_driver: Driver) -> Driver:
    """The test Neo4j driver, with the database emptied (data, constraints, indexes) before the test."""
    wipe_database(neo4j_driver)
    return neo4j_driver
