"""Bad input files (issue 2, item 7): each gets a clear message, never a traceback, and loses no row.

File-level faults raise InputFileError (the CLI prints it and exits 2); row-level faults reject that row, and
then every row read is accounted for: read == loaded + rejected.
"""

from __future__ import annotations

import codecs
from datetime import date
from pathlib import Path

import pytest
import xlsxwriter
from click.testing import CliRunner

from caselink.cli import cli
from ingest.errors import InputFileError
from ingest.read.files import ValidationResult, read_and_validate
from ingest.read.sources import MAX_CELL_CHARS
from ingest.records import Severity

TODAY = date(2025, 6, 30)
HEADER = "filing_id,received_date,channel,receiving_level,petitioner_name,content,phone"
GOOD = [
    "F1,2024-03-01,来访,县,张三,征地补偿款未发放,13800138000",
    "F2,2024-03-02,来信,市,李四,拖欠工资,",
    'F3,2024-03-03,网上信访,县,王五,"物业纠纷，多次反映",',
]


def write(path: Path, lines: list[str], encoding: str = "utf-8") -> Path:
    path.write_bytes(("\n".join(lines) + "\n").encode(encoding))
    return path


def accounted(result: ValidationResult) -> None:
    for s in result.summaries:
        assert s.read == s.loaded + s.rejected
    assert len(result.filings) == result.summaries[0].loaded
    rejected_rows = {(p.file, p.row) for p in result.problems if p.severity is Severity.REJECT}
    assert len(rejected_rows) == sum(s.rejected for s in result.summaries)


def file_error(path: Path) -> str:
    with pytest.raises(InputFileError) as err:
        read_and_validate(path, today=TODAY)
    message = str(err.value)
    assert " / " in message  # Chinese, then English
    return message


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "filings.csv"
    path.write_bytes(b"")
    assert "The file is empty" in file_error(path)


def test_blank_file(tmp_path: Path) -> None:
    path = write(tmp_path / "filings.csv", ["", "  "])
    assert "no content" in file_error(path)


def test_header_only(tmp_path: Path) -> None:
    result = read_and_validate(write(tmp_path / "filings.csv", [HEADER]), today=TODAY)
    (summary,) = result.summaries
    assert (summary.read, summary.loaded, summary.rejected) == (0, 0, 0)
    assert "no records after the header" in " ".join(summary.notes)
    accounted(result)


def test_wrong_delimiter(tmp_path: Path) -> None:
    lines = [line.replace(",", ";") for line in [HEADER, *GOOD]]
    message = file_error(write(tmp_path / "filings.csv", lines))
    assert "This file uses ';'" in message and "expected ','" in message


def test_tab_delimiter(tmp_path: Path) -> None:
    lines = [line.replace(",", "\t") for line in [HEADER, *GOOD]]
    assert "uses tab" in file_error(write(tmp_path / "filings.csv", lines))


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"\x00\x01\x02\x03binary\x00\x00" * 50, "binary file"),
        (b"PK\x03\x04" + b"\x00" * 200, "zip"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 200, ".xls"),
        (b"%PDF-1.7\n" + b"\x00" * 200, "PDF"),
    ],
)
def test_binary(tmp_path: Path, data: bytes, expected: str) -> None:
    path = tmp_path / "filings.csv"
    path.write_bytes(data)
    assert expected in file_error(path)


def test_real_zip_that_is_not_a_workbook(tmp_path: Path) -> None:
    import zipfile

    path = tmp_path / "filings.csv"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("filings.csv", HEADER)
    assert "zip archive" in file_error(path)


def test_truncated_last_row(tmp_path: Path) -> None:
    path = write(tmp_path / "filings.csv", [HEADER, *GOOD, "F4,2024-03-04,来"])
    result = read_and_validate(path, today=TODAY)
    accounted(result)
    assert result.summaries[0].read == 4 and result.summaries[0].loaded == 3
    (problem,) = result.problems
    assert problem.row == 5 and "header has 7" in problem.reason_en and problem.value == "F4,2024-03-04,来"


def test_truncated_inside_quotes(tmp_path: Path) -> None:
    path = tmp_path / "filings.csv"
    path.write_bytes(("\n".join([HEADER, *GOOD]) + '\nF4,2024-03-04,来访,县,赵六,"反映').encode())
    result = read_and_validate(path, today=TODAY)
    accounted(result)
    (problem,) = result.problems
    assert problem.row == 5 and "quote is never closed" in problem.reason_en
    assert "反映" in problem.value


def test_unclosed_quote_swallowing_rows_is_a_file_error(tmp_path: Path) -> None:
    lines = [HEADER, 'F0,2024-03-01,来访,县,张三,"开了引号,', *GOOD[:2]]
    message = file_error(write(tmp_path / "filings.csv", lines))
    assert "Row 2 opens a quote that is never closed, so the 2 lines of text after it" in message


def test_huge_cell(tmp_path: Path) -> None:
    big = "长" * (MAX_CELL_CHARS + 10)
    path = write(tmp_path / "filings.csv", [HEADER, GOOD[0], f"F9,2024-03-01,来访,县,张三,{big},", *GOOD[1:]])
    result = read_and_validate(path, today=TODAY)
    accounted(result)
    assert [f.filing_id for f in result.filings] == ["F1", "F2", "F3"]
    (problem,) = result.problems
    assert problem.row == 3 and problem.column == "content" and "cell too long" in problem.reason_en


def test_duplicate_filing_id(tmp_path: Path) -> None:
    path = write(tmp_path / "filings.csv", [HEADER, *GOOD, "F2,2024-03-05,来访,县,李四,又一次,"])
    result = read_and_validate(path, today=TODAY)
    accounted(result)
    (problem,) = result.problems
    assert problem.row == 5 and "duplicate filing_id (first seen in row 3" in problem.reason_en
    assert "信访件编号重复" in problem.reason_zh


def test_malformed_date(tmp_path: Path) -> None:
    path = write(tmp_path / "filings.csv", [HEADER, *GOOD, "F4,2024-02-30,来访,县,赵六,内容,"])
    result = read_and_validate(path, today=TODAY)
    accounted(result)
    (problem,) = result.problems
    assert problem.column == "received_date" and problem.value == "2024-02-30"
    assert "date not understood" in problem.reason_en


def test_future_date(tmp_path: Path) -> None:
    path = write(tmp_path / "filings.csv", [HEADER, *GOOD, "F4,2025-07-01,来访,县,赵六,内容,"])
    result = read_and_validate(path, today=TODAY)
    accounted(result)
    (problem,) = result.problems
    assert problem.row == 5 and "in the future" in problem.reason_en


def test_transfer_naming_unknown_filing(tmp_path: Path) -> None:
    filings = write(tmp_path / "filings.csv", [HEADER, *GOOD])
    transfers = write(
        tmp_path / "transfers.csv",
        [
            "filing_id,seq,date,from_unit,to_unit,action,note",
            "F1,1,2024-03-02,县信访局,县自然资源局,交办,",
            "F404,1,2024-03-02,县信访局,县自然资源局,交办,",
        ],
    )
    result = read_and_validate(filings, transfers, today=TODAY)
    accounted(result)
    assert [t.filing_id for t in result.transfers] == ["F1"]
    (problem,) = result.problems
    assert problem.file == "transfers" and problem.row == 3 and problem.value == "F404"


def test_gb18030_file(tmp_path: Path) -> None:
    path = write(tmp_path / "filings.csv", [HEADER, *GOOD, "F4,2024-03-04,来访,县,䶮㐀,生僻字,"], "gb18030")
    result = read_and_validate(path, today=TODAY)
    accounted(result)
    assert [f.petitioner_name for f in result.filings] == ["张三", "李四", "王五", "䶮㐀"]
    assert "gb18030" in result.summaries[0].notes[0]


def test_xlsx_file(tmp_path: Path) -> None:
    path = tmp_path / "filings.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    for r, line in enumerate([HEADER, *GOOD]):
        for c, cell in enumerate(line.split(",")):
            sheet.write_string(r, c, cell.strip('"'))
    book.close()
    result = read_and_validate(path, today=TODAY)
    accounted(result)
    assert [f.filing_id for f in result.filings] == ["F1", "F2", "F3"]


def test_chinese_headers(tmp_path: Path) -> None:
    header = "信访件编号,登记日期,信访形式,登记层级,信访人,主要内容,联系电话"
    result = read_and_validate(write(tmp_path / "filings.csv", [header, *GOOD], "utf-8-sig"), today=TODAY)
    accounted(result)
    assert result.filings[0].phone == "13800138000"


def test_mapping_file(tmp_path: Path) -> None:
    header = "编号,日期,形式,层级,姓名,诉求,电话,备注"
    mapping = write(
        tmp_path / "mapping.csv",
        [
            "source_header,column",
            "编号,filing_id",
            "日期,received_date",
            "形式,channel",
            "层级,receiving_level",
            "姓名,petitioner_name",
            "诉求,content",
            "电话,phone",
        ],
    )
    path = write(tmp_path / "filings.csv", [header, *(line + ",x" for line in GOOD)])
    result = read_and_validate(path, mapping_path=mapping, today=TODAY)
    accounted(result)
    assert [f.petitioner_name for f in result.filings] == ["张三", "李四", "王五"]
    assert any("备注" in note for note in result.summaries[0].notes)


def test_utf16_excel_unicode_text_is_read_then_refused_for_tabs(tmp_path: Path) -> None:
    path = tmp_path / "filings.txt"
    path.write_bytes(codecs.BOM_UTF16_LE + "\n".join([HEADER.replace(",", "\t")]).encode("utf-16-le"))
    assert "uses tab" in file_error(path)


def test_cli_file_error_exits_2_without_traceback(tmp_path: Path) -> None:
    path = tmp_path / "filings.csv"
    path.write_bytes(b"")
    result = CliRunner().invoke(cli, ["validate", str(path), "--out", str(tmp_path / "rep")])
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert "文件是空的" in result.output and "The file is empty" in result.output


def test_cli_missing_file_exits_2(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["validate", str(tmp_path / "nope.csv")])
    assert result.exit_code == 2 and "File not found" in result.output


def test_cli_run_with_rejects_exits_0_and_writes_report(tmp_path: Path) -> None:
    lines = [HEADER, *GOOD, "F4,2024-02-30,来访,县,赵六,内容,", "F5,2024-03-01,来访,县,钱七,=HYPERLINK(1),"]
    path = write(tmp_path / "filings.csv", lines)
    out = tmp_path / "rep"
    result = CliRunner().invoke(cli, ["validate", str(path), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "filings" in result.output and "rejected" in result.output
    report = (out / "problems.csv").read_bytes()
    assert report.startswith(codecs.BOM_UTF8)
    text = report.decode("utf-8-sig")
    assert "2024-02-30" in text and "date not understood" in text
    assert (out / "problems.xlsx").exists() and (out / "summary.txt").exists()
