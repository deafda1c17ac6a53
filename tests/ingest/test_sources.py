"""ingest.read.sources: encodings, headers, mapping files, XLSX, row numbers and row-level read faults."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest
import xlsxwriter

from ingest.errors import InputFileError
from ingest.read.sources import MAX_CELL_CHARS, detect_encoding, load_mapping, open_source
from ingest.records import Severity

HEADER = "filing_id,received_date,channel,receiving_level,petitioner_name,content"
ROW = "F1,2024-03-01,来访,县,张　三,征地补偿款未发放"


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_chinese_text_reads_back_in_each_accepted_encoding(tmp_path: Path, encoding: str) -> None:
    path = write(tmp_path / "f.csv", f"{HEADER}\n{ROW}\n", encoding)
    table = open_source(path, "filings")
    rows = list(table.rows())
    assert [r.values["petitioner_name"] for r in rows] == ["张　三"]
    assert rows[0].values["content"] == "征地补偿款未发放"
    assert table.encoding == ("gb18030" if encoding == "gb18030" else "utf-8-sig")


def test_bom_does_not_stick_to_the_first_header(tmp_path: Path) -> None:
    path = write(tmp_path / "f.csv", f"{HEADER}\n{ROW}\n", "utf-8-sig")
    assert open_source(path, "filings").columns[0] == "filing_id"


def test_utf16_with_bom_is_read(tmp_path: Path) -> None:
    path = tmp_path / "f.csv"
    path.write_bytes(codecs.BOM_UTF16_LE + f"{HEADER}\n{ROW}\n".encode("utf-16-le"))
    assert [r.values["filing_id"] for r in open_source(path, "filings").rows()] == ["F1"]


def test_damaged_utf8_is_refused_not_garbled(tmp_path: Path) -> None:
    text = f"{HEADER}\n" + "".join(f"F{i},2024-03-01,来访,县,张三,征地补偿款未发放\n" for i in range(20))
    data = bytearray(text.encode("utf-8"))
    data[-5] = 0xFF  # one broken byte in the last row
    path = tmp_path / "f.csv"
    path.write_bytes(bytes(data))
    with pytest.raises(InputFileError, match="damaged bytes at text line 21"):
        detect_encoding(path)


def test_damage_after_a_long_ascii_start_is_refused_not_read_as_gb18030(tmp_path: Path) -> None:
    ascii_rows = "".join(f"F{i},2024-03-01,visit,county,Zhang San,ok\n" for i in range(3000))
    data = bytearray(f"{HEADER}\n{ascii_rows}G1,2024-03-01,visit,county,张三张三,ok\n".encode())
    data[-4] = 0xC3  # broken UTF-8, but 0xC3 'o' is a GB18030 character
    path = tmp_path / "f.csv"
    path.write_bytes(bytes(data))
    assert len(data) > 70_000
    assert bytes(data).decode("gb18030").endswith("寮犱笁寮犱笁胦k\n")  # what guessing would have read
    with pytest.raises(InputFileError, match="The file is UTF-8 but has damaged bytes at text line 3002"):
        detect_encoding(path)


def test_unknown_encoding_is_refused_with_advice(tmp_path: Path) -> None:
    path = tmp_path / "f.csv"
    path.write_bytes(HEADER.encode() + b"\nF1,2024-03-01,\xff\xfe\xff,\x80\x80,x,y\n")
    with pytest.raises(InputFileError, match="neither UTF-8 nor GB18030.*CSV UTF-8"):
        open_source(path, "filings")


def test_chinese_headers_and_header_spellings(tmp_path: Path) -> None:
    header = "信访件编号, Received Date ,信访形式,RECEIVING_LEVEL,信访人,主要内容,备用列"
    path = write(tmp_path / "f.csv", f"{header}\n{ROW}\n")
    table = open_source(path, "filings")
    assert table.columns == (
        "filing_id",
        "received_date",
        "channel",
        "receiving_level",
        "petitioner_name",
        "content",
    )
    assert table.ignored_headers == ("备用列",)
    assert any("备用列" in n for n in table.notes)
    (row,) = table.rows()
    assert row.values["received_date"] == "2024-03-01"
    assert row.values["phone"] == ""  # absent optional columns read as empty


def test_missing_required_columns_are_named(tmp_path: Path) -> None:
    path = write(tmp_path / "f.csv", "filing_id,channel,petitioner_name\nF1,来访,张三\n")
    with pytest.raises(InputFileError) as err:
        open_source(path, "filings")
    message = str(err.value)
    for name in ("received_date", "登记日期", "receiving_level", "content", "--mapping"):
        assert name in message
    assert "petitioner_name (" not in message


def test_two_headers_for_one_column_are_refused(tmp_path: Path) -> None:
    path = write(tmp_path / "f.csv", f"{HEADER},信访件编号\n{ROW},F9\n")
    with pytest.raises(InputFileError, match="both mean column filing_id"):
        open_source(path, "filings")


def test_mapping_file_renames_export_headers(tmp_path: Path) -> None:
    mapping_path = write(
        tmp_path / "map.csv",
        "source_header,column\n编号,filing_id\n来信日期,received_date\n来信人姓名,petitioner_name\n",
        "gb18030",
    )
    mapping = load_mapping(mapping_path)
    assert mapping.columns_of("来信日期") == ["received_date"]
    path = write(tmp_path / "f.csv", "编号,来信日期,信访形式,登记层级,来信人姓名,主要内容\n" + ROW + "\n")
    (row,) = open_source(path, "filings", mapping_path).rows()
    assert row.values["filing_id"] == "F1"
    assert row.values["petitioner_name"] == "张　三"


def test_mapping_file_naming_an_unknown_column_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path / "map.csv", "source_header,column\n编号,filing_number\n")
    with pytest.raises(InputFileError, match="unknown column 'filing_number'"):
        load_mapping(path)


def test_row_numbers_are_spreadsheet_rows(tmp_path: Path) -> None:
    text = f'{HEADER}\n{ROW}\n\nF2,2024-03-01,来访,县,李四,"两行\n内容"\nF3,2024-03-01,来访,县,王五,x\n'
    table = open_source(write(tmp_path / "f.csv", text), "filings")
    rows = list(table.rows())
    assert [(r.row, r.values["filing_id"]) for r in rows] == [(2, "F1"), (4, "F2"), (5, "F3")]
    assert rows[1].values["content"] == "两行\n内容"
    assert any("1 blank rows skipped" in n for n in table.notes)


def test_surrounding_whitespace_stripped_inner_text_kept(tmp_path: Path) -> None:
    path = write(tmp_path / "f.csv", f'{HEADER}\nF1 ,2024-03-01,来访,县,"  张 三 ","a  b\t c "\n')
    (row,) = open_source(path, "filings").rows()
    assert row.values["filing_id"] == "F1"
    assert row.values["petitioner_name"] == "张 三"
    assert row.values["content"] == "a  b\t c"


def test_short_row_is_rejected_not_the_file(tmp_path: Path) -> None:
    path = write(tmp_path / "f.csv", f"{HEADER}\n{ROW}\nF2,2024-03-01,来访\n")
    rows = list(open_source(path, "filings").rows())
    assert rows[0].problems == []
    (problem,) = rows[1].problems
    assert problem.severity is Severity.REJECT and problem.row == 3
    assert "3 fields but the header has 6" in problem.reason_en


def test_trailing_empty_fields_are_accepted(tmp_path: Path) -> None:
    path = write(tmp_path / "f.csv", f"{HEADER}\n{ROW},,\n")
    (row,) = open_source(path, "filings").rows()
    assert row.problems == []


def test_huge_cell_rejects_that_cell(tmp_path: Path) -> None:
    big = "长" * (MAX_CELL_CHARS + 1)
    path = write(tmp_path / "f.csv", f"{HEADER}\nF1,2024-03-01,来访,县,张三,{big}\n{ROW}\n")
    rows = list(open_source(path, "filings").rows())
    (problem,) = rows[0].problems
    assert problem.column == "content" and problem.severity is Severity.REJECT
    assert len(problem.value) < 300  # the report shows the start of the cell, not all of it
    assert rows[0].values["content"] == ""
    assert rows[1].problems == []


def test_xlsx_reads_dates_numbers_and_row_numbers(tmp_path: Path) -> None:
    import datetime as dt

    path = tmp_path / "f.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    date_format = book.add_format({"num_format": "yyyy-mm-dd"})
    sheet.write_row(0, 0, ["信访件编号", "登记日期", "信访形式", "登记层级", "信访人", "主要内容", "人数"])
    sheet.write_row(1, 0, ["F1", None, "来访", "县", "张三", "内容", 3])
    sheet.write_datetime(1, 1, dt.datetime(2024, 3, 1), date_format)
    sheet.write_row(3, 0, ["F2", "2024/03/02", "来信", "市", "李四"])
    sheet.write_string(3, 5, "=1+1")
    book.close()
    table = open_source(path, "filings")
    assert table.file_format == "xlsx"
    rows = list(table.rows())
    assert [r.row for r in rows] == [2, 4]
    assert rows[0].values["received_date"] == "2024-03-01"
    assert rows[0].values["headcount"] == "3"
    assert rows[1].values["received_date"] == "2024/03/02"
    assert rows[1].values["content"] == "=1+1"
