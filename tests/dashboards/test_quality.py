"""The data-quality page on a generated workspace ingested twice (the second file with broken rows): runs
with their figures, rejected and flagged rows filterable by run, kind, column and reason, personal values
masked by default."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from caselink.cli import cli
from caselink.workspace import Workspace
from tests.dashboards.patterns_workspace import build, open_page

BAD_PHONE = "13812345678999"


@pytest.fixture(scope="module")
def ws(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("quality")
    ws = build(root, n=600)
    with (root / "data" / "filings.csv").open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))[:10]
    rows[1]["received_date"] = "not a date"
    rows[2]["filing_id"] = ""
    rows[3]["id_number"] = "=1+2"
    rows[4]["phone"] = BAD_PHONE
    bad = root / "bad.csv"
    with bad.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    res = CliRunner().invoke(cli, ["ingest", str(bad), "--workspace", str(ws), "--backend", "embedded"])
    assert res.exit_code == 0, res.output
    return ws


def runs(ws: Path) -> list[str]:
    return sorted(p.name for p in Workspace.open(ws).reports_dir.iterdir())


def problems_of(ws: Path, run: str) -> list[dict[str, str]]:
    with (Workspace.open(ws).reports_dir / run / "problems.csv").open(encoding="utf-8-sig") as fh:
        return list(csv.DictReader(fh))


def metrics(at: Any) -> list[tuple[str, str]]:
    return [(m.label, m.value) for m in at.metric]


def test_runs_and_their_figures(monkeypatch: pytest.MonkeyPatch, ws: Path) -> None:
    first, second = runs(ws)
    at = open_page(monkeypatch, ws, "quality.py")
    assert at.title[0].value == "数据质量"
    m = dict(metrics(at)[:5])
    assert m["导入次数"] == "2"
    # the latest run read the 10 rows of bad.csv and rejected the two broken ones
    assert (m["最近一次读取"], m["导入"], m["拒绝"]) == ("10", "8", "2")
    table = at.dataframe[0].value
    assert list(table["run"]) == [second, first]
    assert list(table["read"]) == [10, 600 + sum(1 for _ in open_transfers(ws))]
    per_file = at.dataframe[1].value
    assert set(per_file["file"]) == {"filings", "transfers"}


def open_transfers(ws: Path) -> list[dict[str, str]]:
    with (ws.parent / "data" / "transfers.csv").open(encoding="utf-8-sig") as fh:
        return list(csv.DictReader(fh))


def test_problems_filter_by_run_kind_column_reason(monkeypatch: pytest.MonkeyPatch, ws: Path) -> None:
    first, second = runs(ws)
    everything = problems_of(ws, first) + problems_of(ws, second)
    at = open_page(monkeypatch, ws, "quality.py")
    assert len(at.dataframe[2].value) == len(everything)

    at.selectbox(key="quality_run").set_value(second).run()
    assert len(at.dataframe[2].value) == len(problems_of(ws, second)) < len(everything)
    at.selectbox(key="quality_severity").set_value("reject").run()
    rejected = at.dataframe[2].value
    assert sorted(rejected["column"]) == ["信访件编号", "登记日期"]  # the input's own Chinese headers
    assert set(rejected["severity"]) == {"拒绝"} and set(rejected["file"]) == {"信访件"}
    assert "reason_en" not in rejected.columns  # one language at a time; problems.csv keeps both
    assert list(rejected["row"]) == [3, 4]
    at.selectbox(key="quality_severity").set_value("__all__").run()
    at.selectbox(key="quality_column").set_value("phone").run()
    assert list(at.dataframe[2].value["row"]) == [6]
    at.selectbox(key="quality_column").set_value("__all__").run()
    at.text_input(key="quality_reason").input("date not understood").run()
    assert list(at.dataframe[2].value["column"]) == ["登记日期"]


def test_personal_values_masked_unless_revealed(monkeypatch: pytest.MonkeyPatch, ws: Path) -> None:
    second = runs(ws)[1]
    at = open_page(monkeypatch, ws, "quality.py", state={"quality_run": second})
    shown = at.dataframe[2].value
    phone = shown[shown["column"] == "联系电话"].iloc[0]
    assert phone["value"] == "138*******8999"
    assert BAD_PHONE not in phone["reason_zh"]
    assert not shown.apply(lambda r: BAD_PHONE in " ".join(map(str, r)), axis=1).any()

    at = open_page(
        monkeypatch,
        ws,
        "quality.py",
        lang="en",
        state={"quality_run": second, "auth_role": "investigator", "reveal_personal": True},
    )
    assert at.title[0].value == "Data quality"
    shown = at.dataframe[2].value
    assert shown[shown["column"] == "phone"].iloc[0]["value"] == BAD_PHONE
    assert "reason_zh" not in shown.columns and set(shown["file"]) <= {"filings", "transfers"}


def test_empty_workspace_says_what_to_do(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    at = open_page(monkeypatch, tmp_path / "empty", "quality.py")
    assert any("caselink ingest" in i.value for i in at.info)
