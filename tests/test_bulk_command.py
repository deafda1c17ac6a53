"""`caselink bulk prepare` → neo4j-admin import into a real Neo4j → `caselink bulk finish` → `ingest` on top.

One imported Neo4j serves the module (tools/neo4j.sh serve --import: the importer of Neo4j 5.26, in the
launcher's JVM). The input is generated demo data plus rows whose every free-text cell holds hostile text
from the bad-input corpus. The Bolt writer's graph of the same files (the session's Neo4j) is the reference.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner
from neo4j import Driver, GraphDatabase

from caselink.cli import cli
from graph.neo4j_store import Neo4jStore
from graph.schema import CONSTRAINTS, INDEXES
from tests.badinputs.corpus import (
    CONTROLS,
    FILING_HEADER,
    FREE_FIELDS,
    INJECTIONS,
    TRANSFER_HEADER,
    filing,
    table,
    transfer,
)
from tests.neo4j_import import ImportedNeo4j, imported_neo4j

HOSTILE = {
    **CONTROLS,
    **INJECTIONS,
    "newlines": "第一行\n第二行\r\n第三行",
    "carriage_return": "回车\r之后",
    "quotes_and_commas": '他说："不给钱,就不走"',
    "nul": "空\x00字节",
    "semicolons": "甲;乙；丙;",
    "separators": "单元\x1f分隔\x1e记录",
    "outer_whitespace": "  前后空白  ",
}
"""Hostile text, by name: each goes into every free-text cell of one filing and its transfer."""


@dataclass(frozen=True)
class Imported:
    server: ImportedNeo4j
    driver: Driver
    ws: Path
    ws_bolt: Path
    """A copy of the workspace as `bulk prepare` left it, for the Bolt writer's reference graph."""
    files: tuple[str, ...]
    """The ingest arguments: filings file, --transfers, transfers file."""
    import_dir: Path

    @property
    def env(self) -> dict[str, str | None]:
        return neo4j_env(self.server.uri)


def neo4j_env(uri: str) -> dict[str, str | None]:
    return {
        "CASELINK_NEO4J_URI": uri,
        "CASELINK_NEO4J_USER": "neo4j",
        "CASELINK_NEO4J_PASSWORD": os.environ.get("CASELINK_TEST_NEO4J_PASSWORD", "caselink-test"),
        "CASELINK_BACKEND": None,
        "CASELINK_NEO4J_DATABASE": None,
    }


def caselink(*args: str, env: dict[str, str | None] | None = None) -> str:
    result = CliRunner().invoke(cli, list(args), env=env)
    assert result.exit_code == 0, result.output
    return result.output


def inputs(folder: Path) -> tuple[str, ...]:
    """Demo filings and transfers plus one filing (and transfer) per hostile text."""
    caselink("demo-data", "--filings", "160", "--seed", "5", "--out", str(folder / "demo"))
    tables = []
    for name in ("filings", "transfers"):
        with (folder / "demo" / f"{name}.csv").open(encoding="utf-8-sig", newline="") as fh:
            tables.append(list(csv.DictReader(fh)))
    filings, transfers = tables
    for i, text in enumerate(HOSTILE.values()):
        filings.append(filing(f"H{i:03d}", **dict.fromkeys(FREE_FIELDS, text)))
        transfers.append(transfer(f"H{i:03d}", "1", from_unit=text, to_unit=text, note=text))
    (folder / "filings.csv").write_bytes(table(filings, FILING_HEADER))
    (folder / "transfers.csv").write_bytes(table(transfers, TRANSFER_HEADER))
    return str(folder / "filings.csv"), "--transfers", str(folder / "transfers.csv")


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory, neo4j_driver: Driver) -> Iterator[Imported]:
    base = tmp_path_factory.mktemp("bulk")
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(base)  # no .env of the working tree leaks in
        files = inputs(base)
        ws, out = base / "ws", base / "import"
        prepared = caselink("bulk", "prepare", *files, "--workspace", str(ws), "--out", str(out))
        assert "caselink bulk finish" in prepared
        shutil.copytree(ws, base / "ws_bolt")
        with imported_neo4j(out, base / "state") as server:
            driver = GraphDatabase.driver(server.uri, auth=server.auth)
            try:
                done = Imported(server, driver, ws, base / "ws_bolt", files, out)
                finished = caselink("bulk", "finish", str(out), "--workspace", str(ws), env=done.env)
                assert "as in the import files" in finished
                yield done
            finally:
                driver.close()


def test_prepare_keeps_the_workspace_as_ingest_does(imported: Imported) -> None:
    runs = (imported.ws / "records" / "runs.jsonl").read_text(encoding="utf-8").splitlines()
    assert json.loads(runs[-1])["backend"] == "neo4j-import"
    assert (imported.ws / "records" / "records.arrow").is_file()
    assert (imported.ws / "index" / "intake.arrow").is_file()
    assert (imported.ws / "index" / "overview.arrow").is_file()  # computed by `bulk finish`
    args = (imported.import_dir / "import.args").read_text(encoding="utf-8").splitlines()
    assert any(a.startswith("--multiline-fields=") for a in args)  # the rows with line breaks


def test_finish_leaves_every_constraint_and_index_online(imported: Imported) -> None:
    store = Neo4jStore(imported.driver)
    assert {c.name for c in CONSTRAINTS} | {i.name for i in INDEXES} <= store.schema_names()
    records, _, _ = imported.driver.execute_query("SHOW INDEXES YIELD name, state RETURN name, state")
    assert {r["state"] for r in records} == {"ONLINE"}


def test_the_import_equals_the_bolt_writers_graph(imported: Imported, neo4j_clean: Driver) -> None:
    # the same records and stable-id state, loaded through Bolt into the (emptied) session Neo4j
    out = caselink("ingest", *imported.files, "--workspace", str(imported.ws_bolt), env=session_env())
    assert "0 new, 0 updated" in out
    bolt = Neo4jStore(neo4j_clean).canonical_dump()
    assert Neo4jStore(imported.driver).canonical_dump() == bolt
    assert len([n for n in bolt[0] if n.label == "Filing"]) == 160 + len(HOSTILE)


def test_hostile_text_is_stored_as_given(imported: Imported) -> None:
    nodes, edges = Neo4jStore(imported.driver).canonical_dump()
    props = {(n.label, n.key): dict(n.props) for n in nodes}
    for i, text in enumerate(HOSTILE.values()):
        fid, stored = f"H{i:03d}", text.strip()
        filing_props = props[("Filing", fid)]
        for field in ("receiving_org", "petitioner_name", "content", "category", "issue_place"):
            assert filing_props[field] == stored, (fid, field)
        assert ("Org", stored) in props
        routed = [dict(e.props) for e in edges if e.rel == "ROUTED" and e.src == fid]
        assert [(r["note"], r["from_unit"], r["to_unit"]) for r in routed] == [(stored, stored, stored)]


def test_ingest_over_the_import_changes_nothing(imported: Imported) -> None:
    store = Neo4jStore(imported.driver)
    before = store.canonical_dump()
    out = caselink("ingest", *imported.files, "--workspace", str(imported.ws), env=imported.env)
    assert "0 new, 0 updated" in out and "pruned 0 stale nodes" in out
    assert store.canonical_dump() == before


def test_new_files_merge_into_the_import_as_into_a_bolt_load(
    imported: Imported, neo4j_clean: Driver, tmp_path: Path
) -> None:
    caselink("demo-data", "--filings", "60", "--seed", "9", "--out", str(tmp_path / "more"))
    more = (str(tmp_path / "more" / "filings.csv"), "--transfers", str(tmp_path / "more" / "transfers.csv"))
    caselink("ingest", *imported.files, "--workspace", str(imported.ws_bolt), env=session_env())
    for ws, env in ((imported.ws, imported.env), (imported.ws_bolt, session_env())):
        caselink("ingest", *more, "--workspace", str(ws), env=env)
    merged = Neo4jStore(imported.driver).canonical_dump()
    assert merged == Neo4jStore(neo4j_clean).canonical_dump()
    assert len([n for n in merged[0] if n.label == "Filing"]) > 160 + len(HOSTILE)


def session_env() -> dict[str, str | None]:
    """The app's settings pointed at the session's test Neo4j (the one `make test` started)."""
    return neo4j_env(os.environ["CASELINK_TEST_NEO4J_URI"])
