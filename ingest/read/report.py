"""The validation report a clerk opens: rejected and flagged rows as CSV (UTF-8 with BOM, so Excel shows the
Chinese) and XLSX, plus the per-file summary table.

Cells are sanitised against spreadsheet formula injection: a value starting with = + - @ tab or CR gets a
leading apostrophe, in both files. ID numbers in the values are masked as caselink/privacy.py masks them
(first 3 and last 4 characters; the row number says which row to fix), and the folder and files are readable
by their owner only (graph.atomic.PRIVATE_DIR / PRIVATE_FILE), whatever the umask.
"""

from __future__ import annotations

import csv
import os
import re
import unicodedata
from collections.abc import Callable
from pathlib import Path

from graph.atomic import PRIVATE_FILE, make_private_dir, open_private
from ingest.read.files import ValidationResult
from ingest.records import Problem

PROBLEM_COLUMNS = ("file", "row", "column", "value", "reason_zh", "reason_en", "severity")
XLSX_MAX_ROWS = 1_048_576
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_SUMMARY_HEADER = (
    ("file", "文件"),
    ("read", "读取"),
    ("loaded", "导入"),
    ("rejected", "拒绝"),
    ("flagged", "标记"),
)


def safe_cell(text: str) -> str:
    """Text a spreadsheet will show as text, never run as a formula: '=1+1' → "'=1+1"."""
    return "'" + text if text.startswith(_FORMULA_START) else text


def write_report(result: ValidationResult, out_dir: Path) -> list[Path]:
    """Write problems.csv, problems.xlsx and summary.txt into out_dir (created); return the paths written."""
    out_dir = Path(out_dir)
    if not out_dir.exists():
        make_private_dir(out_dir)
    csv_path = out_dir / "problems.csv"
    xlsx_path = out_dir / "problems.xlsx"
    summary_path = out_dir / "summary.txt"
    with open_private(csv_path, "w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(PROBLEM_COLUMNS)
        writer.writerows(_cells(p) for p in result.problems)
    with open_private(xlsx_path, "w"):
        pass  # created private before xlsxwriter writes into it
    _write_xlsx(result, xlsx_path)
    os.chmod(xlsx_path, PRIVATE_FILE)
    with open_private(summary_path, "w", encoding="utf-8-sig") as fh:
        fh.write(format_summary(result) + "\n")
    return [csv_path, xlsx_path, summary_path]


_ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])(?:[0-9]{17}[0-9Xx]|[0-9]{15})(?![0-9A-Za-z])")
"""An 18-character (or old 15-digit) ID number inside a value; longer or shorter digit runs (a phone with
extra digits, a filing number) are left alone."""


def mask_ids(text: str) -> str:
    """`text` with every ID number masked as caselink.privacy.mask_id_number masks it (first 3 and last 4
    characters kept), wherever it stands: a value of the id_number column or a whole broken row.

    >>> mask_ids("F1,张三,110101199003071234,13800138000")
    'F1,张三,110***********1234,13800138000'
    """
    return _ID_NUMBER.sub(_mask_match, text)


def _mask_match(m: re.Match[str]) -> str:
    value = m.group(0)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def format_summary(result: ValidationResult) -> str:
    """The per-file table (read / loaded / rejected / flagged) and the file notes, as printed by the CLI."""
    header = [f"{en} {zh}" for en, zh in _SUMMARY_HEADER]
    body = [[s.file, str(s.read), str(s.loaded), str(s.rejected), str(s.flagged)] for s in result.summaries]
    widths = [max(_width(r[i]) for r in [header, *body]) for i in range(len(header))]
    lines = []
    for r in [header, *body]:
        cells = [_pad(r[0], widths[0], left=True)]
        cells += [_pad(c, w, left=False) for c, w in zip(r[1:], widths[1:], strict=True)]
        lines.append("  ".join(cells).rstrip())
    for s in result.summaries:
        for note in s.notes:
            lines.append(f"  {s.file}: {note}")
    return "\n".join(lines)


def _cells(p: Problem) -> list[str | int]:
    return [
        p.file,
        p.row,
        p.column,
        safe_cell(_masked_value(p)),
        safe_cell(p.reason_zh),
        safe_cell(p.reason_en),
        str(p.severity),
    ]


def _masked_value(p: Problem) -> str:
    """The problem's value as the report shows it: an ID number column masked whole, ID numbers masked
    wherever else they appear."""
    if p.column == "id_number" and p.value:
        v = p.value
        return v[:3] + "*" * (len(v) - 7) + v[-4:] if len(v) > 7 else "*" * len(v)
    return mask_ids(p.value)


def _write_xlsx(result: ValidationResult, path: Path) -> None:
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_formulas": False})
    try:
        sheet = book.add_worksheet("problems 问题")
        bold = book.add_format({"bold": True})
        sheet.write_row(0, 0, PROBLEM_COLUMNS, bold)
        sheet.freeze_panes(1, 0)
        room = XLSX_MAX_ROWS - 1
        for r, p in enumerate(result.problems[:room], start=1):
            for c, value in enumerate(_cells(p)):
                if isinstance(value, int):
                    sheet.write_number(r, c, value)
                else:
                    sheet.write_string(r, c, value)
        summary = book.add_worksheet("summary 汇总")
        summary.write_row(0, 0, [f"{en} {zh}" for en, zh in _SUMMARY_HEADER], bold)
        for r, s in enumerate(result.summaries, start=1):
            summary.write_string(r, 0, s.file)
            for c, n in enumerate((s.read, s.loaded, s.rejected, s.flagged), start=1):
                summary.write_number(r, c, n)
        r = len(result.summaries) + 2
        notes = [f"{s.file}: {n}" for s in result.summaries for n in s.notes]
        if len(result.problems) > room:
            notes.append(
                f"问题共 {len(result.problems)} 条，工作表只容纳前 {room} 条，完整列表见 problems.csv / "
                f"{len(result.problems)} problems; the sheet holds the first {room}, see problems.csv for all"
            )
        for note in notes:
            summary.write_string(r, 0, safe_cell(note))
            r += 1
    finally:
        book.close()


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int, *, left: bool) -> str:
    gap = " " * (width - _width(text))
    return text + gap if left else gap + text


GENERIC_FIELDS = {
    "phone": "联系电话 / phone",
    "account_id": "平台账号 / account",
    "address": "住址 / address",
}


def write_generic_values(
    generic: dict[str, list[tuple[str, int]]], out_dir: Path, shown: Callable[[str, str], str]
) -> tuple[Path, str]:
    """generic_values.csv (field, value as `shown` gives it, people) in out_dir, and the lines the command
    prints: values shared by so many people that resolution takes them for no evidence (ingest.compare)."""
    path = Path(out_dir) / "generic_values.csv"
    with open_private(path, "w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(("field", "value", "people"))
        for field, values in generic.items():
            writer.writerows((field, safe_cell(shown(field, v)), n) for v, n in values)
    total = sum(len(v) for v in generic.values())
    lines = [f"共用值 / generic values (no evidence of identity): {total}"]
    for field, values in generic.items():
        head = ", ".join(f"{shown(field, v)} ({n})" for v, n in values[:5])
        more = f" … +{len(values) - 5}" if len(values) > 5 else ""
        lines.append(f"  {GENERIC_FIELDS.get(field, field)}: {head}{more}")
    return path, "\n".join(lines)


def nothing_loaded(result: ValidationResult) -> str | None:
    """The message for a file that had rows but of which every row was rejected, else None."""
    empty = [s for s in result.summaries if s.read > 0 and s.loaded == 0]
    if not empty:
        return None
    names = "、".join(s.path or s.file for s in empty)
    return (
        f"{names}：全部 {sum(s.read for s in empty):,} 行都被拒绝，没有可以导入的行。请按报告 problems.csv "
        "中的原因改正源文件（常见原因：表头与输入格式不符，需要 --mapping）后重试。 / "
        f"{names}: all {sum(s.read for s in empty):,} rows were rejected, nothing can be loaded. Fix the "
        "source export by the reasons in problems.csv (often: headers that differ from the input format, "
        "which need --mapping) and try again."
    )
