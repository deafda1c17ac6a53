"""The fast XLSX path (python-calamine after a byte scan) gives exactly the rows the streaming reader gives,
and every workbook the scan cannot vouch for goes to the streaming reader (tests/ingest/test_xlsx_limits.py
holds the crafted files, refused there)."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import pytest
import xlsxwriter

from ingest.read.xlsx import Limits, _first_sheet, _plain, sheet_rows
from tests.ingest.test_xlsx_limits import workbook

REAL_EXPORT = Path(__file__).resolve().parents[3] / "shared" / "realdata" / "message_board_replies.xlsx"


def _fast(path: Path, limits: Limits | None = None) -> bool:
    with zipfile.ZipFile(path) as zf:
        sheet, strings, _ = _first_sheet(zf)
        return _plain(zf, sheet, strings, limits or Limits()) is not None


def _same(path: Path) -> list[tuple[int, list[str]]]:
    fast, streamed = list(sheet_rows(path)), list(sheet_rows(path, fast=False))
    assert fast == streamed
    return fast


def test_a_varied_workbook_reads_the_same_both_ways(tmp_path: Path) -> None:
    path = tmp_path / "varied.xlsx"
    book = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False, "strings_to_formulas": False})
    sheet = book.add_worksheet("第一页")
    book.add_worksheet("second").write(0, 0, "not read")
    day = book.add_format({"num_format": "yyyy-mm-dd"})
    moment = book.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
    clock = book.add_format({"num_format": "hh:mm:ss"})
    sheet.write_row(2, 2, ["信访件编号", "登记日期", "人数", "金额", "内容"])  # the table starts at C3
    sheet.write_row(3, 2, ["F1", None, 3, 1234.5, "  前后有空格  "])
    sheet.write_datetime(3, 3, dt.datetime(2024, 3, 1), day)
    sheet.write_row(6, 2, ["F2", "2024/03/02", 12345678901234567890, -0.1, "行一\r\n行二 _x000D_ 字面"])
    sheet.write_datetime(7, 3, dt.datetime(2024, 3, 1, 9, 30, 15), moment)
    sheet.write_datetime(7, 4, dt.datetime(1899, 12, 31, 9, 30) - dt.timedelta(days=1), clock)
    sheet.write_boolean(7, 5, True)
    sheet.write_formula(7, 6, "=1+1", None, 2)
    sheet.write_formula(8, 6, '="a"&"b"', None, "ab")
    sheet.write_rich_string(9, 2, "富", book.add_format({"bold": True}), "文本", "!")
    sheet.write_string(10, 9, "x" * 50_000)  # long, but within the cell limit
    sheet.write_string(11, 2, "=不是公式")
    book.close()
    assert _fast(path)
    rows = _same(path)
    assert [n for n, _ in rows] == [3, 4, 7, 8, 9, 10, 11, 12]
    assert rows[0][1][:3] == ["", "", "信访件编号"]
    assert rows[1][1][2:] == ["F1", "2024-03-01", "3", "1234.5", "  前后有空格  "]
    assert rows[2][1][4:7] == ["1.234567890123457e+19", "-0.1", "行一\r\n行二 _x000D_ 字面"]
    assert rows[3][1][3:7] == ["2024-03-01 09:30:15", "09:30:00", "TRUE", "2"]


def test_inline_strings_and_escapes_read_the_same_both_ways(tmp_path: Path) -> None:
    path = workbook(
        tmp_path / "inline.xlsx",
        [
            '<row r="3"><c r="A3" t="inlineStr"><is><t>甲_x000D__x000A_乙 _x005F_x000D_</t></is></c>'
            '<c r="C3"><v>7</v></c><c r="D3" t="b"><v>0</v></c></row>'
        ],
        dimension="A1:F3",
    )
    assert _fast(path)
    rows = _same(path)
    assert rows[2] == (3, ["甲\r\n乙 _x000D_", "", "7", "FALSE"])


def test_the_real_export_reads_the_same_both_ways() -> None:
    assert REAL_EXPORT.exists(), f"{REAL_EXPORT} is missing (../shared/realdata)"
    assert _fast(REAL_EXPORT)
    assert len(_same(REAL_EXPORT)) == 2817


@pytest.mark.parametrize(
    ("name", "parts", "dimension"),
    [
        (
            "long text",
            ['<row r="3"><c r="A3" t="inlineStr"><is><t>' + "长" * 40_000 + "</t></is></c></row>"],
            None,
        ),
        ("cell without a position", ['<row r="3"><c t="inlineStr"><is><t>x</t></is></c></row>'], None),
        ("prefixed tags", ['<x:row r="3"><x:c r="A3"><x:v>1</x:v></x:c></x:row>'], None),
        ("far cell", ['<row r="90000"><c r="ZZ90000"><v>1</v></c></row>'], None),
        ("far dimension", [], "A1:ZZ900000"),
    ],
)
def test_what_the_scan_cannot_vouch_for_is_streamed(
    tmp_path: Path, name: str, parts: list[str], dimension: str | None
) -> None:
    path = workbook(tmp_path / "w.xlsx", [p.encode() for p in parts], dimension=dimension)
    assert not _fast(path, Limits(cell_chars=100_000)), name
    assert _fast(workbook(tmp_path / "plain.xlsx", [], dimension="A1:F2"))
