"""docs/input-format.md is the project's copy of the input contract (../shared/input-format.md), and
ingest.columns says the same."""

from __future__ import annotations

import re
from pathlib import Path

from ingest.columns import FILING_COLUMNS, TRANSFER_COLUMNS

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "input-format.md"


def test_the_copy_equals_the_contract() -> None:
    contract = ROOT.parent / "shared" / "input-format.md"
    assert contract.is_file(), f"the contract is missing: {contract}"
    assert DOC.read_text(encoding="utf-8") == contract.read_text(encoding="utf-8")


def test_every_column_of_the_code_is_in_the_document_with_its_alias_and_requirement() -> None:
    rows = {}
    for line in DOC.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) >= 3 and re.fullmatch(r"[a-z_]+", cells[0]):
            rows.setdefault(cells[0], cells)
    for col in (*FILING_COLUMNS, *TRANSFER_COLUMNS):
        name, alias, required = rows[col.name][:3]
        assert alias == col.alias_zh, col.name
        assert required.startswith("yes") == col.required, col.name
        for more in col.more_aliases:
            assert more in rows[col.name][3], (col.name, more)
