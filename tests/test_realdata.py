"""A real export, end to end: the A市 message board of ../shared/realdata (2,816 messages known by account
only), ingested by the real command with a column-mapping file alone
(docs/examples/message-board-mapping.csv)."""

from __future__ import annotations

import csv
import json
from collections import Counter, defaultdict
from pathlib import Path

import pytest
from click.testing import CliRunner

from caselink.cli import cli

ROOT = Path(__file__).resolve().parents[1]
EXPORT = ROOT.parent / "shared" / "realdata" / "message_board_replies.xlsx"
MAPPING = ROOT / "docs" / "examples" / "message-board-mapping.csv"


@pytest.fixture(scope="module")
def ws(tmp_path_factory: pytest.TempPathFactory) -> Path:
    assert EXPORT.is_file(), f"the real export is missing: {EXPORT}"
    root = tmp_path_factory.mktemp("realdata") / "ws"
    result = CliRunner().invoke(
        cli,
        ["ingest", str(EXPORT), "--mapping", str(MAPPING), "--workspace", str(root), "--backend", "embedded"],
    )
    assert result.exit_code == 0, result.output
    assert "2816         2816              0" in result.output  # read, loaded, rejected 0
    return root


def _export_accounts() -> dict[str, str]:
    """留言编号 → 留言用户, read straight from the workbook (not through caselink)."""
    from python_calamine import CalamineWorkbook

    rows = CalamineWorkbook.from_path(str(EXPORT)).get_sheet_by_index(0).to_python()
    head = [str(h) for h in rows[0]]
    fid, acc = head.index("留言编号"), head.index("留言用户")
    return {str(int(float(r[fid]))): str(r[acc]).strip() for r in rows[1:]}


def _query(ws: Path, name: str, *params: str) -> list[dict[str, str]]:
    args = ["query", name, "--workspace", str(ws), "--format", "json"]
    for p in params:
        args += ["--param", p]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    rows: list[dict[str, str]] = json.loads(result.output)
    return rows


def test_every_account_is_exactly_one_petitioner(ws: Path) -> None:
    accounts = _export_accounts()
    with (ws / "resolution" / "petitioner_ids.csv").open(encoding="utf-8") as fh:
        petitioner = {r["filing_id"]: r["petitioner_id"] for r in csv.DictReader(fh)}
    assert petitioner.keys() == accounts.keys()
    pets_of: dict[str, set[str]] = defaultdict(set)
    accounts_of: dict[str, set[str]] = defaultdict(set)
    for fid, account in accounts.items():
        pets_of[account].add(petitioner[fid])
        accounts_of[petitioner[fid]].add(account)
    several = [a for a, n in Counter(accounts.values()).items() if n >= 2]
    assert len(several) >= 150
    assert all(len(pets_of[a]) == 1 for a in several)
    assert all(len(x) == 1 for x in accounts_of.values())  # no two accounts merge: nothing else says so


def test_repeat_petitions_are_accounts_posting_one_matter_again(ws: Path) -> None:
    accounts = _export_accounts()
    rows = _query(ws, "repeat-petitions")
    assert len(rows) >= 50
    for r in rows:
        ids = r["filing_ids"] if isinstance(r["filing_ids"], list) else r["filing_ids"].split(";")
        assert len({accounts[f] for f in ids}) == 1


def test_no_online_message_is_skip_level(ws: Path) -> None:
    assert _query(ws, "skip-level") == []  # online messages may go to any level (visits only are counted)
    assert len(_query(ws, "skip-level", "channels=网上信访")) > 2000  # counted only when asked for


def test_search_finds_an_account_and_its_filings(ws: Path) -> None:
    accounts = _export_accounts()
    account, n = Counter(accounts.values()).most_common(1)[0]
    rows = _query(ws, "search", f"text={account}")
    assert rows and all(account in json.dumps(r, ensure_ascii=False) for r in rows)
    assert sum(r.get("kind") == "filing" or r.get("label") == "Filing" for r in rows) >= n
