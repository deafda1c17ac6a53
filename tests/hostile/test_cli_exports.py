"""The hostile corpus through `caselink query` in every format and through the dashboards' exports: control
characters shown escaped in the table, no cell a spreadsheet reads as a formula, ID numbers and phones masked
(in their columns and inside content, address and notes) unless an investigator asks with --reveal; and
--out never overwrites, never writes through a link, and says why it cannot write."""

from __future__ import annotations

import csv
import errno
import io
import json
import os
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner, Result

from caselink.audit import current_user, read_log
from caselink.cli import cli
from caselink.users import add_user
from caselink.workspace import Workspace
from dashboards.tables import to_csv_bytes, to_xlsx_bytes
from graph.memory_store import MemoryStore
from ingest.load import load
from queries.registry import SPECS
from queries.run import FORMULA_STARTS, run_query
from tests.hostile.corpus import HOST, HOSTILE, ID_NUMBER, PHONE, has_raw_controls, hostile_resolution

PARAMS = {
    "petitioner": ["petitioner_id=P1"], "neighbourhood": ["key=F01", "hops=2"],
    "path": ["from_id=F01", "to_id=F11"], "search": ["text=HYPERLINK"],
    "entities": ["keys=P1,F01,U01,I1,U02"],
    "links": ["keys=P1,F01,U01,I1"], "filing": ["filing_id=F01"], "entity-filings": ["key=U01"],
}  # fmt: skip
"""Parameters for the queries that need some (every other query runs with its defaults)."""


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("hostile-ws")
    load(hostile_resolution(), MemoryStore(Workspace.open(root).graph_dir))
    return root


@pytest.fixture(autouse=True)
def no_users_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    users = tmp_path / "users.toml"
    monkeypatch.setenv("CASELINK_USERS", str(users))
    return users


def run(workspace: Path, name: str, *args: str) -> Result:
    params = [a for p in PARAMS.get(name, []) for a in ("-p", p)]
    return CliRunner().invoke(
        cli, ["query", name, *params, *args, "--workspace", str(workspace), "--backend", "embedded"]
    )


def _hostile_text_reached(workspace: Path) -> None:
    """The corpus really is in the store (else the checks below would pass on nothing)."""
    rows = run_query("filing", MemoryStore(workspace / "graph"), {"filing_id": "F01"}).records()
    assert HOST in rows[0]["content"] and PHONE in rows[0]["content"]


@pytest.mark.parametrize("name", [s.name for s in SPECS])
def test_table_output_shows_control_characters_escaped(workspace: Path, name: str) -> None:
    _hostile_text_reached(workspace)
    out = run(workspace, name)
    assert out.exit_code == 0, out.output
    body = out.output
    assert not has_raw_controls(body), [c for c in body if not c.isprintable() and c != "\n"][:5]
    assert PHONE not in body and ID_NUMBER not in body


def test_the_table_shows_what_was_escaped(workspace: Path) -> None:
    out = run(workspace, "filing")
    assert "\\e[31m" in out.output and "\\u202e" in out.output and "\\x07" in out.output
    assert "138****5678" in out.output and "110***********1234" in out.output


@pytest.mark.parametrize("name", [s.name for s in SPECS])
def test_csv_and_json_mask_and_never_start_a_formula(workspace: Path, name: str) -> None:
    out = run(workspace, name, "--format", "csv")
    assert out.exit_code == 0, out.output
    for row in csv.reader(io.StringIO(out.output)):
        for cell in row:
            assert not cell.startswith(FORMULA_STARTS), cell
    assert PHONE not in out.output and ID_NUMBER not in out.output
    out = run(workspace, name, "--format", "json")
    assert out.exit_code == 0, out.output
    json.loads(out.output)
    assert PHONE not in out.output and ID_NUMBER not in out.output


@pytest.mark.parametrize("name", ["filing", "petitioner", "search", "bounced-cases"])
def test_xlsx_masks_and_holds_no_formula(workspace: Path, name: str, tmp_path: Path) -> None:
    target = tmp_path / f"{name}.xlsx"
    out = run(workspace, name, "--format", "xlsx", "--out", str(target))
    assert out.exit_code == 0, out.output
    book = openpyxl.load_workbook(target)
    for row in book.active.iter_rows():
        for cell in row:
            assert cell.data_type != "f", cell.value
            assert cell.hyperlink is None
            if isinstance(cell.value, str):
                assert not cell.value.startswith(FORMULA_STARTS) and PHONE not in cell.value


def test_dashboard_exports_of_the_corpus(workspace: Path) -> None:
    rows = run_query("filing", MemoryStore(workspace / "graph"), {"filing_id": "F01"})
    df = pd.DataFrame(rows.rows, columns=rows.columns)
    text = to_csv_bytes(df).decode("utf-8-sig")
    for row in csv.reader(io.StringIO(text)):
        assert not any(cell.startswith(FORMULA_STARTS) for cell in row)
    book = openpyxl.load_workbook(io.BytesIO(to_xlsx_bytes(df)))
    assert all(c.data_type != "f" and c.hyperlink is None for r in book.active.iter_rows() for c in r)


def test_reveal_is_for_investigators_and_admins_and_is_audited(
    workspace: Path, no_users_file: Path
) -> None:
    out = run(workspace, "filing", "--reveal")
    assert out.exit_code == 2 and "investigators and admins" in out.output and PHONE not in out.output
    add_user(no_users_file, current_user(), "coordinator", "long enough password")
    out = run(workspace, "filing", "--reveal")
    assert out.exit_code == 2 and "has the role coordinator" in out.output
    add_user(no_users_file, current_user(), "admin", "long enough password", replace=True)
    out = run(workspace, "filing", "--reveal")
    assert out.exit_code == 0 and PHONE in out.output
    last = read_log(workspace / "audit.log")[-1]
    assert (last["user"], last["revealed"], last["role"]) == (current_user(), True, "admin")
    out = run(workspace, "filing")
    assert read_log(workspace / "audit.log")[-1]["revealed"] is False


def test_a_phone_looked_for_is_masked_in_the_audit_log(workspace: Path) -> None:
    out = run(workspace, "search", "-p", f"text={PHONE}")
    assert out.exit_code == 0, out.output
    assert PHONE not in json.dumps(read_log(workspace / "audit.log")[-1])


# --- where --out writes ------------------------------------------------------------------------------------


def test_out_refuses_to_overwrite_without_force(workspace: Path, tmp_path: Path) -> None:
    target = tmp_path / "r.csv"
    target.write_text("keep me", encoding="utf-8")
    out = run(workspace, "overdue", "--format", "csv", "--out", str(target))
    assert out.exit_code == 2 and "--force" in out.output
    assert target.read_text(encoding="utf-8") == "keep me"
    out = run(workspace, "overdue", "--format", "csv", "--out", str(target), "--force")
    assert out.exit_code == 0 and target.read_text(encoding="utf-8-sig").startswith("filing_id")


def test_out_never_follows_a_symlink(workspace: Path, tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("precious", encoding="utf-8")
    link = tmp_path / "link.csv"
    link.symlink_to(victim)
    dangling = tmp_path / "dangling.csv"
    dangling.symlink_to(tmp_path / "created-through-link.csv")
    for target in (link, dangling):
        for extra in ([], ["--force"]):
            out = run(workspace, "overdue", "--format", "csv", "--out", str(target), *extra)
            assert out.exit_code == 2 and "symbolic link" in out.output, out.output
    assert victim.read_text(encoding="utf-8") == "precious"
    assert not (tmp_path / "created-through-link.csv").exists()


def test_out_reports_a_missing_folder_and_a_long_name(workspace: Path, tmp_path: Path) -> None:
    out = run(workspace, "overdue", "--format", "csv", "--out", str(tmp_path / "no" / "such" / "r.csv"))
    assert out.exit_code == 2 and "does not exist" in out.output and "Traceback" not in out.output
    out = run(workspace, "overdue", "--format", "csv", "--out", str(tmp_path / ("长" * 200 + ".csv")))
    assert out.exit_code == 2 and "too long" in out.output


def test_out_reports_a_full_disk(workspace: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def full(fd: int) -> None:  # the edge: the file system says it is full when the data are flushed
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", full)
    target = tmp_path / "r.csv"
    out = run(workspace, "overdue", "--format", "csv", "--out", str(target))
    assert out.exit_code == 2 and "disk is full" in out.output and "Traceback" not in out.output
    assert not target.exists()  # no half-written file left behind


def test_out_refuses_a_device(workspace: Path) -> None:
    out = run(workspace, "overdue", "--format", "csv", "--out", "/dev/null", "--force")
    assert out.exit_code == 2 and "not a regular file" in out.output


def test_a_mistyped_workspace_is_refused_not_created(tmp_path: Path) -> None:
    typo = tmp_path / "wrokspace"
    out = run(typo, "overdue")
    assert out.exit_code == 2 and "No workspace" in out.output
    assert not typo.exists()


@pytest.mark.parametrize(
    "param", ["limit=9223372036854775808", "offset=9223372036854775807", "limit=-1", "offset=99999999999"]
)
def test_huge_integers_are_a_clean_error(workspace: Path, param: str) -> None:
    out = run(workspace, "repeat-petitions", "-p", param)
    assert out.exit_code == 2 and "must be at" in out.output and "Traceback" not in out.output


def test_check_prints_hostile_text_escaped(tmp_path: Path) -> None:
    """Petitioners on record under hostile names, found by ID number: their filings' units and matters
    carry the corpus into the terminal table."""
    from tests.hostile.corpus import hostile_workspace

    ws, _ = hostile_workspace(tmp_path)
    with (tmp_path / "data" / "filings.csv").open(encoding="utf-8-sig", newline="") as fh:
        rows = [r for r in list(csv.DictReader(fh))[: 3 * len(HOSTILE)] if r["id_number"]]
    escaped = 0
    for row in rows:
        out = CliRunner().invoke(cli, ["check", "--workspace", str(ws), "--name", row["petitioner_name"],
                                       "--id-number", row["id_number"]])
        assert out.exit_code == 0, out.output
        assert not has_raw_controls(out.output)
        escaped += any(e in out.output for e in ("\\e[31m", "\\u202e", "\\x07"))
    assert escaped, "no control character reached the table: the check above proved nothing"


def test_a_check_is_audited_with_numbers_in_text_masked(tmp_path: Path) -> None:
    from tests.hostile.corpus import hostile_workspace

    ws, _ = hostile_workspace(tmp_path)
    text = f"联系电话{PHONE}，身份证号{ID_NUMBER}"
    out = CliRunner().invoke(cli, ["check", "--workspace", str(ws), "--name", "张三", "--address", text,
                                   "--content", "反映补偿款未发放" * 5 + text])
    assert out.exit_code == 0, out.output
    entry = read_log(ws / "audit.log")[-1]
    assert entry["action"] == "check" and "138****5678" in entry["asked"]["address"]
    assert PHONE not in json.dumps(entry, ensure_ascii=False) and ID_NUMBER[:10] not in json.dumps(entry)
