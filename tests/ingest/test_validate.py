"""ingest.read.validate and ingest.read.files: which rows are rejected, which are flagged, and why."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from ingest.columns import FILING_COLUMNS, Action, Channel, Level, Status
from ingest.read.files import read_and_validate
from ingest.read.normalise import id_check_char
from ingest.read.sources import RawRow
from ingest.read.validate import validate_filing, validate_transfer
from ingest.records import Filing, Problem, Severity, Transfer

TODAY = date(2025, 6, 30)
ID_BODY = "13010219800101001"
GOOD_ID = ID_BODY + id_check_char(ID_BODY)
BAD_ID = ID_BODY + ("0" if id_check_char(ID_BODY) != "0" else "1")


def filing_row(**cells: str) -> RawRow:
    values = dict.fromkeys((c.name for c in FILING_COLUMNS), "")
    values.update(
        filing_id="F1",
        received_date="2024-03-01",
        channel="来访",
        receiving_level="县",
        petitioner_name="张三",
        content="征地补偿款未发放",
    )
    values.update(cells)
    return RawRow(7, values)


def transfer_row(**cells: str) -> RawRow:
    values = {
        "filing_id": "F1",
        "seq": "1",
        "date": "2024-03-02",
        "from_unit": "县信访局",
        "to_unit": "县自然资源局",
        "action": "交办",
        "note": "",
    }
    values.update(cells)
    return RawRow(3, values)


def problems_of(result: Filing | Transfer | list[Problem]) -> list[tuple[str, Severity]]:
    found = result.flags if isinstance(result, Filing | Transfer) else result
    return [(p.column, p.severity) for p in found]


def test_clean_row_becomes_a_normalised_filing() -> None:
    result = validate_filing(
        filing_row(
            id_number=GOOD_ID,
            phone="138-0013-8000",
            address="河北省石家庄市长安区建设北大街",
            headcount="6",
            status="已办结",
            concluded_date="2024年4月1日",
            co_petitioners="李四、王五",
        ),
        TODAY,
    )
    assert isinstance(result, Filing)
    assert result.row == 7 and result.flags == ()
    assert (result.channel, result.receiving_level) == (Channel.VISIT, Level.COUNTY)
    assert result.status is Status.CONCLUDED
    assert result.received_date == date(2024, 3, 1) and result.concluded_date == date(2024, 4, 1)
    assert result.id_number == GOOD_ID and result.id_valid and result.birth_date == date(1980, 1, 1)
    assert result.phone == "13800138000"
    assert result.address_county == "130102"
    assert result.headcount == 6
    assert result.co_petitioners == ("李四", "王五")
    assert result.name_pinyin == "zhang san"


def test_stored_text_equals_input_text() -> None:
    result = validate_filing(filing_row(petitioner_name="張 三", content="  原文  照录 "), TODAY)
    assert isinstance(result, Filing)
    assert result.petitioner_name == "張 三"  # as written; the normalised form is name_norm
    assert result.content == "  原文  照录 "  # validate keeps what sources handed over
    assert result.name_norm == "张三"


@pytest.mark.parametrize(
    ("cells", "column"),
    [
        ({"petitioner_name": ""}, "petitioner_name"),
        ({"content": ""}, "content"),
        ({"received_date": "2024-13-45"}, "received_date"),
        ({"received_date": "上个月"}, "received_date"),
        ({"received_date": "2025-07-01"}, "received_date"),
        ({"channel": "飞鸽传书"}, "channel"),
        ({"receiving_level": "村"}, "receiving_level"),
        ({"headcount": "0"}, "headcount"),
        ({"headcount": "两人"}, "headcount"),
        ({"headcount": "2.5"}, "headcount"),
        ({"concluded_date": "2024-02-01"}, "concluded_date"),
        ({"concluded_date": "2099-01-01"}, "concluded_date"),
    ],
)
def test_rejects(cells: dict[str, str], column: str) -> None:
    result = validate_filing(filing_row(**cells), TODAY)
    assert problems_of(result) == [(column, Severity.REJECT)]


def test_future_date_names_today() -> None:
    (problem,) = validate_filing(filing_row(received_date="2025-07-01"), TODAY)  # type: ignore[misc]
    assert "2025-06-30" in problem.reason_en and problem.value == "2025-07-01"


@pytest.mark.parametrize(
    ("cells", "column"),
    [
        ({"id_number": BAD_ID}, "id_number"),
        ({"id_number": "12345"}, "id_number"),
        ({"phone": "12345"}, "phone"),
        ({"address": "幸福路十八号"}, "address"),
        ({"issue_place": "某某村"}, "issue_place"),
        ({"status": "搁置"}, "status"),
    ],
)
def test_flags_keep_the_row(cells: dict[str, str], column: str) -> None:
    result = validate_filing(filing_row(**cells), TODAY)
    assert isinstance(result, Filing)
    assert problems_of(result) == [(column, Severity.FLAG)]


def test_bad_checksum_keeps_number_unparseable_id_does_not() -> None:
    wrong = validate_filing(filing_row(id_number=BAD_ID), TODAY)
    junk = validate_filing(filing_row(id_number="12345"), TODAY)
    assert isinstance(wrong, Filing) and isinstance(junk, Filing)
    assert wrong.id_number == BAD_ID and not wrong.id_valid
    assert junk.id_number is None and not junk.id_valid
    assert junk.flags[0].reason_zh and junk.flags[0].reason_en


def test_birth_date_after_filing_is_flagged() -> None:
    body = "13010220240501001"
    row = filing_row(id_number=body + id_check_char(body), received_date="2024-03-01")
    result = validate_filing(row, TODAY)
    assert isinstance(result, Filing)
    assert ("id_number", Severity.FLAG) in problems_of(result)


def test_every_problem_of_a_row_is_listed() -> None:
    result = validate_filing(
        filing_row(channel="飞鸽传书", received_date="昨天", petitioner_name="", phone="123"), TODAY
    )
    assert isinstance(result, list)
    assert sorted(problems_of(result)) == sorted(
        [
            ("petitioner_name", Severity.REJECT),
            ("received_date", Severity.REJECT),
            ("channel", Severity.REJECT),
            ("phone", Severity.FLAG),
        ]
    )
    assert {p.row for p in result} == {7}


def test_transfer_rules() -> None:
    ok = validate_transfer(transfer_row(), TODAY)
    assert isinstance(ok, Transfer) and ok.action is Action.ASSIGN and ok.seq == 1
    assert problems_of(validate_transfer(transfer_row(seq="一"), TODAY)) == [("seq", Severity.REJECT)]
    assert problems_of(validate_transfer(transfer_row(action="踢皮"), TODAY)) == [("action", Severity.REJECT)]
    assert problems_of(validate_transfer(transfer_row(to_unit=""), TODAY)) == [("to_unit", Severity.REJECT)]
    future = validate_transfer(transfer_row(date="2030-01-01"), TODAY)
    assert problems_of(future) == [("date", Severity.REJECT)]


def test_pipeline_counts_and_cross_row_rules(tmp_path: Path) -> None:
    filings = tmp_path / "filings.csv"
    filings.write_text(
        "filing_id,received_date,channel,receiving_level,petitioner_name,content,phone\n"
        "F1,2024-03-01,来访,县,张三,内容,13800138000\n"
        "F2,2024-03-01,来访,县,李四,内容,123\n"
        "F1,2024-03-02,来信,县,王五,内容,\n"
        "F3,2024-03-01,飞鸽,县,赵六,内容,\n",
        encoding="utf-8",
    )
    transfers = tmp_path / "transfers.csv"
    transfers.write_text(
        "filing_id,seq,date,from_unit,to_unit,action\n"
        "F1,1,2024-03-02,县信访局,自然资源局,交办\n"
        "OLD9,1,2024-03-02,县信访局,自然资源局,交办\n"
        "F3,1,2024-03-02,县信访局,自然资源局,交办\n"
        "NOPE,1,2024-03-02,县信访局,自然资源局,交办\n",
        encoding="utf-8",
    )
    result = read_and_validate(filings, transfers, known_filing_ids={"OLD9"}, today=TODAY)
    fs, ts = result.summaries
    assert (fs.read, fs.loaded, fs.rejected, fs.flagged) == (4, 2, 2, 1)
    assert (ts.read, ts.loaded, ts.rejected, ts.flagged) == (4, 2, 2, 0)
    assert [f.filing_id for f in result.filings] == ["F1", "F2"]
    assert [t.filing_id for t in result.transfers] == ["F1", "OLD9"]
    dup = next(p for p in result.problems if p.file == "filings" and p.row == 4)
    assert dup.column == "filing_id" and "row 2" in dup.reason_en
    rejected_ref = next(p for p in result.problems if p.file == "transfers" and p.row == 4)
    assert "filings row 5" in rejected_ref.reason_en
    unknown = next(p for p in result.problems if p.file == "transfers" and p.row == 5)
    assert "not found" in unknown.reason_en


def test_report_files_open_in_excel_and_never_run_formulas(tmp_path: Path) -> None:
    import openpyxl

    from ingest.read.report import format_summary, write_report

    filings = tmp_path / "filings.csv"
    filings.write_text(
        "filing_id,received_date,channel,receiving_level,petitioner_name,content\n"
        "F1,2024-03-01,=cmd|' /C calc'!A0,县,张三,内容\n"
        "F2,2024-03-01,来访,县,李四,内容\n",
        encoding="utf-8",
    )
    result = read_and_validate(filings, today=TODAY)
    paths = write_report(result, tmp_path / "report")
    assert [p.name for p in paths] == ["problems.csv", "problems.xlsx", "summary.txt"]
    text = paths[0].read_bytes().decode("utf-8")
    assert text.startswith("\ufefffile,row,column,value,reason_zh,reason_en,severity")
    assert "filings,2,channel,'=cmd|' /C calc'!A0,无法识别的信访形式" in text.replace('"', "")
    sheet = openpyxl.load_workbook(paths[1]).worksheets[0]
    assert [c.value for c in sheet[2]][:4] == ["filings", 2, "channel", "'=cmd|' /C calc'!A0"]
    assert sheet["D2"].data_type == "s"
    table = format_summary(result)
    assert table.splitlines()[1].split()[:5] == ["filings", "2", "1", "1", "0"]
