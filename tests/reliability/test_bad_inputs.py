"""Every case of the bad-input corpus (tests/badinputs/corpus.py) through `caselink validate` and `ingest`.

For each case: a clear message and never a traceback (file-level faults exit 2 with the case's phrase);
nothing lost (every data row is loaded or in problems.csv with row, column and reason); nothing executed
(problems.csv / problems.xlsx hold no live formula; the graph holds exactly the loaded filings); stored
text equal to the input (records and Filing nodes, after stripping outer whitespace).
"""

from __future__ import annotations

import csv
import os
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from neo4j import Driver

from caselink.cli import cli
from caselink.workspace import Workspace
from graph.memory_store import MemoryStore
from graph.model import Label
from graph.neo4j_store import Neo4jStore
from ingest.workspace import load_records
from tests.badinputs.corpus import CASES, Case

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@pytest.fixture(autouse=True)
def no_app_neo4j(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The tests choose the back end themselves; no user settings or .env leak in."""
    for var in list(os.environ):
        if var.startswith("CASELINK_NEO4J_") or var in ("CASELINK_BACKEND", "CASELINK_DEBUG"):
            monkeypatch.delenv(var)
    monkeypatch.chdir(tmp_path)


def run(*args: str) -> Result:
    result = CliRunner().invoke(cli, list(args))
    assert "Traceback" not in result.output
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit), (
        result.output
    )
    return result


def problems_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def check_file_error(case: Case, result: Result) -> None:
    assert result.exit_code == 2, result.output
    assert case.error in result.output, result.output
    assert " / " in result.output  # Chinese, then English
    assert "Unexpected error" not in result.output
    assert not any(ch in result.output for ch in "\x1b\x07\x00")  # no terminal control codes echoed


def nothing_loaded(case: Case) -> bool:
    """True when a file of the case has rows and every one is rejected (validate and ingest exit 2)."""
    transfers_rejected = len({row for row, _ in case.transfers_rejected})
    return (not case.loaded and bool(case.rejected)) or (
        case.transfers is not None and case.transfers_loaded == 0 and transfers_rejected > 0
    )


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_validate_accounts_for_every_row(case: Case, tmp_path: Path) -> None:
    out = tmp_path / "report"
    result = run("validate", *case.write(tmp_path / "in"), "--out", str(out))
    if case.error:
        check_file_error(case, result)
        return
    assert result.exit_code == (2 if nothing_loaded(case) else 0), result.output
    rows = problems_csv(out / "problems.csv")
    for r in rows:  # every problem says where and why
        assert r["file"] in ("filings", "transfers") and int(r["row"]) >= 2
        assert r["reason_zh"] and r["reason_en"] and r["severity"] in ("reject", "flag")
        assert not r["value"].startswith(FORMULA_START), r  # a spreadsheet shows it as text
    rejects = {(r["file"], int(r["row"]), r["column"]) for r in rows if r["severity"] == "reject"}
    expected = {("filings", row, col) for row, col in case.rejected}
    expected |= {("transfers", row, col) for row, col in case.transfers_rejected}
    assert rejects == expected
    summary = (out / "summary.txt").read_text(encoding="utf-8-sig").splitlines()
    filings_line = summary[1].split()
    n_rejected = len({row for row, _ in case.rejected})
    assert filings_line == [
        "filings",
        *map(str, [len(case.loaded) + n_rejected, len(case.loaded), n_rejected]),
        filings_line[4],
    ]
    if case.transfers is not None:
        t_line = summary[2].split()
        t_rejected = len({row for row, _ in case.transfers_rejected})
        assert t_line[:4] == [
            "transfers",
            str(case.transfers_loaded + t_rejected),
            str(case.transfers_loaded),
            str(t_rejected),
        ]
    with zipfile.ZipFile(out / "problems.xlsx") as zf:
        sheets = [n for n in zf.namelist() if n.startswith("xl/worksheets/")]
        assert sheets and not any(b"<f>" in zf.read(n) for n in sheets)  # no formula cell in the report


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_ingest_embedded_stores_exactly_the_input(case: Case, tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    result = run("ingest", *case.write(tmp_path / "in"), "--workspace", str(ws))
    records = load_records(Workspace.open(ws))
    if case.error:
        check_file_error(case, result)
        assert not records.filings and not records.transfers
        return
    if nothing_loaded(case):  # every row of a file rejected: exit 2, the workspace untouched
        assert result.exit_code == 2 and "rows were rejected" in result.output, result.output
        assert not records.filings and not records.transfers
        return
    assert result.exit_code == 0, result.output
    assert "Warning" not in result.output  # a clerk sees no library noise
    assert sorted(records.filings) == sorted(case.loaded)
    assert len(records.transfers) == case.transfers_loaded
    store = MemoryStore(ws / "graph")
    view = store.view()
    assert sorted(key for key, _ in view.nodes(Label.FILING)) == sorted(case.loaded)
    nodes, edges = store.canonical_dump()
    props = {(n.label, n.key): dict(n.props) for n in nodes}
    filed: dict[str, list[str]] = {}
    for e in edges:
        if e.rel == "FILED":
            filed.setdefault(e.src, []).append(e.dst)
    sole_petitioner = {fs[0]: pid for pid, fs in filed.items() if len(fs) == 1}
    for expected in case.stored:
        fid = expected["filing_id"]
        record = records.filings[fid]
        pid = sole_petitioner.get(fid)
        if pid is not None:  # the petitioner of a single filing carries that filing's name and address
            person = props[("Petitioner", pid)]
            assert person.get("address", "") == expected.get("address", record.address)
            assert person["name"] == expected.get("petitioner_name", record.petitioner_name)
        node = view.node(Label.FILING, fid)
        assert node is not None
        for field, text in expected.items():
            assert getattr(record, field) == text, field
            if field in ("petitioner_name", "content", "category", "receiving_org"):
                assert (node.get(field) or "") == text, field
            if field == "issue_place":
                assert (node.get(field) or "") == text
    routed = {(e.src, dict(e.props)["seq"]): dict(e.props) for e in edges if e.rel == "ROUTED"}
    for t in case.stored_transfers:
        key = (t["filing_id"], int(t["seq"]))
        stored = records.transfers[key]
        assert (stored.from_unit, stored.to_unit, stored.note) == (t["from_unit"], t["to_unit"], t["note"])
        edge = routed[key]
        assert (edge["from_unit"], edge["to_unit"], edge.get("note", "")) == (
            t["from_unit"],
            t["to_unit"],
            t["note"],
        )


HOSTILE = [
    c
    for c in CASES
    if c.group in ("injection", "formula")
    or c.name in ("xlsx_injection_text", "nul_in_cell", "control_escape", "control_rtl_override")
]
STORED_ON_NODE = ("petitioner_name", "content", "category", "receiving_org", "issue_place")


@pytest.mark.parametrize("case", HOSTILE, ids=lambda c: c.name)
def test_injection_text_is_stored_never_run_on_neo4j(
    case: Case, tmp_path: Path, neo4j_clean: Driver, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Cypher and formula text in every field: Neo4j holds exactly the graph of the embedded store, the
    text as given, and a node that the payloads try to delete is still there."""
    args = case.write(tmp_path / "in")
    embedded = run("ingest", *args, "--workspace", str(tmp_path / "embedded"), "--backend", "embedded")
    assert embedded.exit_code == 0, embedded.output
    neo4j_clean.execute_query("CREATE (:Sentinel {name: $name})", name="keep")
    monkeypatch.setenv("CASELINK_NEO4J_URI", os.environ["CASELINK_TEST_NEO4J_URI"])
    monkeypatch.setenv("CASELINK_NEO4J_USER", os.environ.get("CASELINK_TEST_NEO4J_USER", "neo4j"))
    monkeypatch.setenv("CASELINK_NEO4J_PASSWORD", os.environ.get("CASELINK_TEST_NEO4J_PASSWORD", ""))
    result = run("ingest", *args, "--workspace", str(tmp_path / "neo"), "--backend", "neo4j")
    assert result.exit_code == 0, result.output

    assert (
        Neo4jStore(neo4j_clean).canonical_dump()
        == MemoryStore(tmp_path / "embedded" / "graph").canonical_dump()
    )
    labels, _, _ = neo4j_clean.execute_query("MATCH (n) UNWIND labels(n) AS l RETURN l, count(*) AS n")
    found = {r["l"]: r["n"] for r in labels}
    assert found.pop("Sentinel") == 1
    assert set(found) <= {str(label) for label in Label}
    props, _, _ = neo4j_clean.execute_query("MATCH (n) UNWIND keys(n) AS k RETURN DISTINCT k")
    assert "pwned" not in {r["k"] for r in props} and "l" not in {r["k"] for r in props}
    filings, _, _ = neo4j_clean.execute_query("MATCH (f:Filing) RETURN f.filing_id AS id, f AS f")
    assert sorted(r["id"] for r in filings) == sorted(case.loaded)
    by_id = {r["id"]: dict(r["f"]) for r in filings}
    for expected in case.stored:
        node = by_id[expected["filing_id"]]
        for field in STORED_ON_NODE:
            if field in expected:
                assert node.get(field, "") == expected[field], field
