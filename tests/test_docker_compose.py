"""docker-compose.yml keeps its promises: Neo4j 5.26 Community, localhost-only ports, no password in the file.

No Docker engine or compose plugin is available to the tests, so this reads the file itself; it was also
checked with `docker-compose config` (see docs/neo4j.md).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import click
import pytest
import yaml

from caselink.cli import cli

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    data = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def test_neo4j_is_5_26_community_with_a_data_volume(compose: dict[str, Any]) -> None:
    neo4j = compose["services"]["neo4j"]
    assert neo4j["image"] == "neo4j:5.26-community"
    assert "neo4j-data:/data" in neo4j["volumes"]
    assert "neo4j-data" in compose["volumes"]


def test_every_published_port_is_bound_to_localhost(compose: dict[str, Any]) -> None:
    published = [(name, port) for name, svc in compose["services"].items() for port in svc.get("ports", [])]
    assert {port for _, port in published} >= {
        "127.0.0.1:7687:7687",
        "127.0.0.1:7474:7474",
        "127.0.0.1:8501:8501",
    }
    assert all(str(port).startswith("127.0.0.1:") for _, port in published), published


def test_password_comes_from_the_env_file_only(compose: dict[str, Any]) -> None:
    neo4j_env = compose["services"]["neo4j"]["environment"]
    assert neo4j_env["NEO4J_AUTH"].startswith("neo4j/${CASELINK_NEO4J_PASSWORD:?")
    for name in ("dashboards", "ingest", "bulk-prepare", "bulk-finish"):
        env = compose["services"][name]["environment"]
        assert env["CASELINK_NEO4J_PASSWORD"].startswith("${CASELINK_NEO4J_PASSWORD:?")
        assert env["CASELINK_NEO4J_URI"] == "bolt://neo4j:7687"
    example = (ROOT / ".env.example").read_text(encoding="utf-8")
    assert re.search(r"^CASELINK_NEO4J_PASSWORD=change-me$", example, re.MULTILINE)
    assert ".env" in (ROOT / ".gitignore").read_text(encoding="utf-8").split()


def test_apps_wait_for_a_healthy_neo4j(compose: dict[str, Any]) -> None:
    health = compose["services"]["neo4j"]["healthcheck"]
    assert "RETURN 1" in " ".join(health["test"])
    for name in ("dashboards", "ingest"):
        assert compose["services"][name]["depends_on"] == {"neo4j": {"condition": "service_healthy"}}


def test_ingest_is_a_one_shot_job_under_a_profile(compose: dict[str, Any]) -> None:
    ingest = compose["services"]["ingest"]
    assert ingest["profiles"] == ["ingest"]
    assert ingest["restart"] == "no"
    assert "./data:/data:ro" in ingest["volumes"]


def test_compose_commands_exist_in_the_cli(compose: dict[str, Any]) -> None:
    for name in ("dashboards", "ingest", "bulk-prepare", "bulk-finish"):
        program, subcommand, *rest = compose["services"][name]["command"]
        assert program == "caselink"
        assert subcommand in cli.commands, f"`caselink {subcommand}` used by service {name} is not registered"
        command = cli.commands[subcommand]
        if isinstance(command, click.Group):
            assert rest[0] in command.commands, f"`caselink {subcommand} {rest[0]}` ({name}) is missing"


def test_bulk_import_runs_the_official_importer_on_the_data_volume(compose: dict[str, Any]) -> None:
    services = compose["services"]
    importer = services["neo4j-import"]
    assert importer["image"] == services["neo4j"]["image"] == "neo4j:5.26-community"
    assert importer["profiles"] == ["import"] and importer["restart"] == "no"
    assert importer["command"][:4] == ["neo4j-admin", "database", "import", "full"]
    assert "@import.args" in importer["command"] and importer["command"][-1] == "neo4j"
    assert "--overwrite-destination" not in " ".join(importer["command"])  # refuses a database with data
    assert "neo4j-data:/data" in importer["volumes"] and "import:/import:ro" in importer["volumes"]
    prepare, finish = services["bulk-prepare"], services["bulk-finish"]
    out = prepare["command"][prepare["command"].index("--out") + 1]
    assert importer["working_dir"] == out == finish["command"][-1]  # import.args names files relative to it
    assert "import:/import" in prepare["volumes"] and "depends_on" not in prepare  # needs no Neo4j
    assert finish["depends_on"] == {"neo4j": {"condition": "service_healthy"}}
    assert all(services[n]["profiles"] == ["import"] for n in ("bulk-prepare", "bulk-finish"))
    assert "import" in compose["volumes"]
