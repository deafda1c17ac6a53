"""`caselink query` end to end on the embedded store: every output format, errors with exit status 2."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner, Result

from caselink.cli import cli
from caselink.workspace import Workspace
from graph.memory_store import MemoryStore
from ingest.load import load
from queries.registry import SPECS
from tests.queries.fixtures import query_fixture


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("ws")
    load(query_fixture(), MemoryStore(Workspace.open(root).graph_dir))
    return root


def run(workspace: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, ["query", *args, "--workspace", str(workspace), "--backend", "embedded"])


def test_table(workspace: Path) -> None:
    result = run(workspace, "repeat-petitions")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split() == [
        "petitioner_id", "issue_id", "filings", "filing_ids", "first_date", "last_date", "channels",
        "concluded_date", "after_conclusion", "filings_after_conclusion",
    ]  # fmt: skip
    assert lines[2].split()[:4] == ["P1", "I1", "2", "F01;"]
    assert lines[-1] == "(4 rows)"


def test_csv_joins_lists_with_semicolons(workspace: Path) -> None:
    result = run(workspace, "bounced-cases", "--format", "csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert [r["filing_id"] for r in rows] == ["F03", "F05", "F07", "F10"]
    assert rows[0]["chain"] == "信访局;自然资源局;住建局;自然资源局"
    assert rows[3]["reason"] == "return;send_back"
    assert rows[0]["returns"] == "1"


def test_params_and_json(workspace: Path) -> None:
    result = run(
        workspace, "overdue", "--param", "as_of=2024-08-01", "-p", "limit_days=100", "--format", "json"
    )
    assert result.exit_code == 0, result.output
    got = json.loads(result.output)
    # 100 days for everyone but the extended filings (90 days): F04 194, F02 144 and F08 122 days open
    assert [(r["filing_id"], r["days_overdue"], r["extended"]) for r in got] == [
        ("F04", 94, False),
        ("F02", 44, False),
        ("F08", 32, True),
    ]
    assert got[0]["received_date"] == "2024-01-20"


def test_every_run_is_audited(workspace: Path) -> None:
    result = run(workspace, "petitioner", "-p", "petitioner_id=P2")
    assert result.exit_code == 0, result.output
    last = json.loads((workspace / "audit.log").read_text(encoding="utf-8").splitlines()[-1])
    assert (last["query"], last["params"], last["rows"]) == ("petitioner", {"petitioner_id": "P2"}, 3)


def test_list_params_accept_chinese_separators(workspace: Path) -> None:
    result = run(
        workspace, "skip-level", "-p", "local_levels=乡镇、县，市", "-p", "channels=来访、网上信访",
        "--format", "csv",
    )  # fmt: skip
    assert [line.split(",")[0] for line in result.output.splitlines()[1:]] == ["F03", "F09"]


def test_xlsx(workspace: Path, tmp_path: Path) -> None:
    out = tmp_path / "multi.xlsx"
    result = run(workspace, "multi-channel", "--format", "xlsx", "--out", str(out))
    assert result.exit_code == 0, result.output
    sheet = openpyxl.load_workbook(out).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:5] == ("petitioner_id", "issue_id", "channels", "receiving_orgs", "filing_ids")
    assert rows[1][:5] == ("P1", "I1", "来信;来访", "乙市信访局;甲县信访局", "F01;F02")
    assert len(rows) == 4


def test_csv_to_file_and_formula_injection(workspace: Path, tmp_path: Path) -> None:
    out = tmp_path / "hood.csv"
    # a key that starts with '=' finds nothing, but the neighbourhood of an org shows its name as a cell
    result = run(workspace, "neighbourhood", "-p", "key=省信访局", "--format", "csv", "--out", str(out))
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8-sig")
    assert text.splitlines()[1] == "Org,省信访局,0"
    from queries.run import QueryResult, to_csv

    nasty = QueryResult(["a", "b"], [["=HYPERLINK(1)", ["-1", "@x"]], ["\tx", -3]])
    assert to_csv(nasty).splitlines()[1:] == ["'=HYPERLINK(1),'-1;@x", "'\tx,-3"]


def test_list_names_every_query() -> None:
    result = CliRunner().invoke(cli, ["query", "--list"])
    assert result.exit_code == 0
    for spec in SPECS:
        assert f"{spec.name}  {spec.title_zh}" in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["no-such-query"], "No query named 'no-such-query'"),
        (["repeat-petitions", "-p", "min_filings=two"], "min_filings must be a whole number"),
        (["repeat-petitions", "-p", "min_filings=0"], "min_filings must be at least 1"),
        (["repeat-petitions", "-p", "colour=red"], "has no parameter colour"),
        (["repeat-petitions", "-p", "min_filings"], "--param takes key=value"),
        (["overdue", "-p", "as_of=31/12/2024"], "as_of must be a date"),
        (["petitioner"], "needs --param petitioner_id"),
        (["neighbourhood", "-p", "key=F01", "-p", "hops=9"], "hops must be at most 3"),
        (["neighbourhood", "-p", "key=F01", "-p", "label=Person"], "label must be one of"),
        (["path", "-p", "from_id=F01", "-p", "to_id=F01"], "the same"),
        (["skip-level", "--format", "xlsx"], "add --out"),
        ([], "Name a query"),
    ],
)
def test_bad_input_exits_2_with_a_clear_message(workspace: Path, args: list[str], message: str) -> None:
    result = run(workspace, *args)
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output
