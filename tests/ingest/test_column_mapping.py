"""Column-mapping files: one header to a column, several joined, constants, one header into two columns, and
the messages that say what will fix an export that does not fit (ingest.sources)."""

from __future__ import annotations

from pathlib import Path

import pytest
import xlsxwriter

from ingest.errors import InputFileError
from ingest.read import read_and_validate
from ingest.read.sources import load_mapping, open_source

EXPORT = "编号,时间,省,市,县,详细地址,主题,详情,用户\n"
ROWS = (
    "7,2019/4/25 9:32:09,河北省,石家庄市,正定县,城关镇1号,路灯不亮,小区路灯坏了三个月,A001\n"
    "8,2019/4/26,,,正定县,,路灯,还是不亮,A001\n"
)
MAPPING = """source_header,column
编号,filing_id
时间,received_date
=网上信访,channel
=市,receiving_level
省,address
市,address
县,address
详细地址,address
主题,title
主题,content
详情,content
用户,account_id
"""


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_joins_constants_and_one_header_in_two_columns(tmp_path: Path) -> None:
    mapping = load_mapping(write(tmp_path / "m.csv", MAPPING))
    assert mapping.constants == {"channel": "网上信访", "receiving_level": "市"}
    assert mapping.columns_of("主题") == ["title", "content"]
    table = open_source(write(tmp_path / "f.csv", EXPORT + ROWS), "filings", tmp_path / "m.csv")
    first, second = (r.values for r in table.rows())
    assert first["address"] == "河北省\n石家庄市\n正定县\n城关镇1号"
    assert second["address"] == "正定县"  # empty cells are skipped, not joined as blank lines
    assert first["content"] == "路灯不亮\n小区路灯坏了三个月" and first["title"] == "路灯不亮"
    assert (first["channel"], first["receiving_level"], first["account_id"]) == ("网上信访", "市", "A001")
    assert first["petitioner_name"] == ""


def test_a_mapped_export_validates_without_a_name_when_the_account_is_given(tmp_path: Path) -> None:
    write(tmp_path / "m.csv", MAPPING)
    result = read_and_validate(write(tmp_path / "f.csv", EXPORT + ROWS), mapping_path=tmp_path / "m.csv")
    assert [f.filing_id for f in result.filings] == ["7", "8"] and not result.problems
    f = result.filings[0]
    assert (f.channel.value, f.receiving_level.value, f.account_id, f.title) == (
        "网上信访",
        "市",
        "A001",
        "路灯不亮",
    )
    assert f.address_county == "130123"  # the joined address is read as one


def test_joined_columns_read_the_same_from_xlsx(tmp_path: Path) -> None:
    path = tmp_path / "f.xlsx"
    with xlsxwriter.Workbook(path) as wb:
        ws = wb.add_worksheet()
        for r, line in enumerate((EXPORT + ROWS).splitlines()):
            ws.write_row(r, 0, line.split(","))
    first = next(iter(open_source(path, "filings", write(tmp_path / "m.csv", MAPPING)).rows())).values
    assert first["address"] == "河北省\n石家庄市\n正定县\n城关镇1号" and first["channel"] == "网上信访"


def test_a_name_or_an_account_is_required_per_row(tmp_path: Path) -> None:
    rows = "9,2019/4/27,,,,,主题,详情,\n"
    write(tmp_path / "m.csv", MAPPING)
    result = read_and_validate(write(tmp_path / "f.csv", EXPORT + rows), mapping_path=tmp_path / "m.csv")
    assert not result.filings
    (p,) = result.problems
    assert (p.row, p.column) == (2, "petitioner_name") and "account_id" in p.reason_en


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        ("=网上信访,channel\n=来信,channel\n", "a constant stands alone"),
        ("渠道,channel\n=来信,channel\n", "a constant stands alone"),
        ("=来信,channel\n渠道,channel\n", "a constant stands alone"),
        ("编号,filing_ids\n", "unknown column 'filing_ids' (did you mean filing_id?)"),
        ("编号,filing_id\n编号,filing_id\n", "already mapped to column filing_id"),
    ],
)
def test_mapping_files_that_cannot_work_are_refused_with_the_line(
    tmp_path: Path, lines: str, message: str
) -> None:
    with pytest.raises(InputFileError, match="(?i)line [23] of the column-mapping file") as err:
        load_mapping(write(tmp_path / "m.csv", "source_header,column\n" + lines))
    assert message in str(err.value)


def test_missing_columns_say_what_fixes_them(tmp_path: Path) -> None:
    export = write(tmp_path / "f.csv", "留言编号,留言时间,留言详情,留言用户,chanel\n1,2019-01-01,x,A1,来信\n")
    with pytest.raises(InputFileError) as err:
        open_source(export, "filings")
    text = str(err.value)
    assert "issing required columns: filing_id" in text and "receiving_level" in text
    assert "'chanel' (did you mean channel?)" in text  # a header one edit away from a canonical name
    assert "=网上信访,channel" in text  # how a single-channel export gives the column


def test_a_mapping_header_absent_from_the_file_is_named(tmp_path: Path) -> None:
    mapping = write(tmp_path / "m.csv", "source_header,column\n件号,filing_id\n")
    export = write(
        tmp_path / "f.csv", "编号,登记日期,信访形式,登记层级,信访人,主要内容\n1,2024-01-01,来信,县,张三,x\n"
    )
    with pytest.raises(InputFileError, match="not in this file: 件号"):
        open_source(export, "filings", mapping)


def test_an_ignored_header_near_an_alias_gets_a_hint(tmp_path: Path) -> None:
    export = write(
        tmp_path / "f.csv",
        "信访件编号,登记日期,信访形式,登记层级,信访人,主要内容,留言主体\n1,2024-01-01,来信,县,张三,x,y\n",
    )
    table = open_source(export, "filings")
    assert any("留言主体 (did you mean title?)" in n for n in table.notes)
