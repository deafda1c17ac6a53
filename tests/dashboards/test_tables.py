"""Table exports: formula-safe CSV and XLSX, masked personal data, an audit line per download."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from caselink.audit import read_log
from dashboards import tables

FRAME = pd.DataFrame(
    {
        "name": ["=HYPERLINK(\"http://x\")", "张三"],
        "id_number": ["110101199003071234", None],
        "phone": ["13812345678", "+cmd|'/c calc'!A1"],
        "filings": [3, 1],
        "ids": [["F1", "F2"], ["F3"]],
    }
)


def test_csv_export_never_starts_a_formula_and_joins_lists() -> None:
    text = tables.to_csv_bytes(FRAME).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["name", "id_number", "phone", "filings", "ids"]
    assert rows[1][0] == "'=HYPERLINK(\"http://x\")"
    assert rows[2][2] == "'+cmd|'/c calc'!A1"
    assert rows[1][4] == "F1;F2" and rows[1][3] == "3"


def test_xlsx_export_has_text_not_formulas() -> None:
    book = openpyxl.load_workbook(io.BytesIO(tables.to_xlsx_bytes(FRAME)))
    sheet = book.active
    assert sheet["A2"].data_type == "s" and sheet["A2"].value.startswith("'=")
    assert sheet["D2"].value == 3
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_masking_is_the_default() -> None:
    shown = tables.mask_frame(FRAME, {"id_number": "id_number", "phone": "phone"})
    assert list(shown["id_number"]) == ["110***********1234", ""]
    assert shown["phone"][0] == "138****5678"
    assert FRAME["phone"][0] == "13812345678"  # the input frame is left alone


def test_a_download_is_built_on_demand_and_audited(tmp_path: Path) -> None:
    log = tmp_path / "audit.log"
    payload = tables._export(tables.to_csv_bytes, FRAME, log, "clerk1", "repeat-petitions", "csv", True)
    assert payload.decode("utf-8-sig").startswith("name,")
    [entry] = read_log(log)
    assert entry["action"] == "export" and entry["user"] == "clerk1"
    assert entry["table"] == "repeat-petitions" and entry["rows"] == 2 and entry["masked"] is True


def _table_app() -> None:
    import pandas as pd

    from dashboards.tables import show_table

    show_table(pd.DataFrame({"filing_id": ["F1"], "weird_column": [1]}), "t")


def test_headers_are_labelled_in_the_session_language(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import json

    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("CASELINK_WORKSPACE", str(tmp_path / "ws"))
    at = AppTest.from_function(_table_app).run()
    assert not at.exception
    config = json.loads(at.dataframe[0].proto.columns)
    assert config["filing_id"]["label"] == "信访件编号" and "weird_column" not in config
    assert list(at.dataframe[0].value.columns) == ["filing_id", "weird_column"]  # the data keep their names

    at.session_state["lang"] = "en"
    at.run()
    english = json.loads(at.dataframe[0].proto.columns or "{}")  # words, not identifiers
    assert english["filing_id"]["label"] == "Filing id" and english["weird_column"]["label"] == "Weird column"
    assert list(at.dataframe[0].value.columns) == ["filing_id", "weird_column"]
