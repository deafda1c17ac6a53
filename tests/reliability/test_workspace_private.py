"""The workspace is private (issue 20, items 3 and 8): folders 0o700 and files 0o600 whatever the umask,
reports included; a workspace others can read is refused with a message saying how to fix it; problems.csv
and problems.xlsx carry no full ID number."""

from __future__ import annotations

import os
import stat
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from caselink.cli import cli
from caselink.privacy import mask_id_number
from ingest.read.report import mask_ids

ENV = {"CASELINK_NEO4J_URI": ""}
ID = "110101199003071235"  # checksum wrong: the row is loaded and flagged, its ID shown in the report
HEADER = "filing_id,received_date,channel,receiving_level,petitioner_name,id_number,content"


@pytest.fixture
def open_umask() -> Iterator[None]:
    old = os.umask(0)
    try:
        yield
    finally:
        os.umask(old)


@pytest.fixture
def data(tmp_path: Path) -> Path:
    out = tmp_path / "data"
    result = CliRunner().invoke(cli, ["demo-data", "--filings", "40", "--seed", "6", "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out


def modes(root: Path) -> dict[str, int]:
    return {str(p.relative_to(root)): stat.S_IMODE(p.lstat().st_mode) for p in (root, *root.rglob("*"))}


def test_everything_written_is_private_even_with_umask_0(
    tmp_path: Path, data: Path, open_umask: None
) -> None:
    ws = tmp_path / "ws"
    args = ["ingest", str(data / "filings.csv"), "--transfers", str(data / "transfers.csv")]
    result = CliRunner().invoke(cli, [*args, "--workspace", str(ws), "--backend", "embedded"], env=ENV)
    assert result.exit_code == 0, result.output
    seen = modes(ws)
    assert {name for name in seen if name.startswith("reports/") and name.endswith("problems.csv")}
    for name, mode in seen.items():
        assert mode == (0o700 if (ws / name).is_dir() else 0o600), f"{name}: {oct(mode)}"
    # a later run (appending to runs.jsonl, the decisions and the identity log) keeps it so, and opens it
    again = CliRunner().invoke(cli, [*args, "--workspace", str(ws), "--backend", "embedded"], env=ENV)
    assert again.exit_code == 0, again.output
    assert set(modes(ws).values()) == {0o600, 0o700}


def test_validate_reports_are_private(tmp_path: Path, data: Path, open_umask: None) -> None:
    out = tmp_path / "report"
    result = CliRunner().invoke(cli, ["validate", str(data / "filings.csv"), "--out", str(out)])
    assert result.exit_code in (0, 1), result.output
    assert modes(out) == {".": 0o700, "problems.csv": 0o600, "problems.xlsx": 0o600, "summary.txt": 0o600}


def test_an_empty_folder_given_as_workspace_is_tightened(
    tmp_path: Path, data: Path, open_umask: None
) -> None:
    ws = tmp_path / "ws"
    ws.mkdir(mode=0o755)
    result = CliRunner().invoke(
        cli, ["ingest", str(data / "filings.csv"), "--workspace", str(ws), "--backend", "embedded"], env=ENV
    )
    assert result.exit_code == 0, result.output
    assert stat.S_IMODE(ws.stat().st_mode) == 0o700


@pytest.mark.parametrize("exposed", ["graph/graph.arrow", "records", "."])
def test_a_workspace_others_can_read_is_refused_with_the_fix(
    tmp_path: Path, data: Path, exposed: str
) -> None:
    ws = tmp_path / "ws"
    ingest = ["ingest", str(data / "filings.csv"), "--workspace", str(ws), "--backend", "embedded"]
    assert CliRunner().invoke(cli, ingest, env=ENV).exit_code == 0
    target = ws / exposed
    os.chmod(target, 0o755 if target.is_dir() else 0o644)
    commands = [
        ["query", "overdue", "--workspace", str(ws)],
        ["check", "--name", "张伟", "--workspace", str(ws)],
        ingest,
    ]
    for args in commands:
        result = CliRunner().invoke(cli, args, env=ENV)
        assert result.exit_code == 2, (args, result.output)
        assert f"chmod -R go-rwx '{ws}'" in result.output
        assert "Traceback" not in result.output
    os.system(f"chmod -R go-rwx '{ws}'")  # the fix the message gives
    assert CliRunner().invoke(cli, commands[0], env=ENV).exit_code == 0


def test_reports_carry_no_full_id_number(tmp_path: Path) -> None:
    filings = tmp_path / "filings.csv"
    rows = [
        HEADER,
        f"F1,2024-03-01,来访,县,张三,{ID},征地补偿",  # flagged: checksum wrong
        f'F2,2024-03-02,来信,县,李四,{ID},"拖欠工资" x',  # rejected: broken quoting, the row text shown
    ]
    filings.write_text("\n".join(rows) + "\n", encoding="utf-8")
    out = tmp_path / "report"
    result = CliRunner().invoke(cli, ["validate", str(filings), "--out", str(out)])
    assert result.exit_code in (0, 1), result.output
    text = (out / "problems.csv").read_text(encoding="utf-8-sig")
    assert mask_id_number(ID) in text
    with zipfile.ZipFile(out / "problems.xlsx") as zf:
        xml = b"".join(zf.read(n) for n in zf.namelist()).decode("utf-8")
    for report in (text, xml):
        assert ID not in report and ID[6:14] not in report


def test_report_masking_is_the_projects_masking() -> None:
    for value in ("110101199003071234", "11010119900307123X", "110101900307123"):
        assert mask_ids(f"a,{value},b") == f"a,{mask_id_number(value)},b"
    for kept in ("F-0001,13800138000,2024-03-01", "13812345678999", "1101011990030712345"):
        assert mask_ids(kept) == kept
