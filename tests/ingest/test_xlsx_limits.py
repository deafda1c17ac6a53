"""Crafted workbooks (issue 20, items 1 and 8): each is refused with exit 2 and a clerk's message, in bounded
memory and time, before the sheet is built; a long cell in a normal workbook rejects its row only.

Each command runs in a child process that reports its own peak resident memory (VmHWM of /proc/self/status,
written at exit: ru_maxrss of a child would start from the size of the test process it was forked from) and
whose CPU time is read from os.wait4. CPU time, not wall time, is bounded: the test machine is shared, and
waiting for a core is not the reader's doing.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from ingest.errors import InputFileError
from ingest.read.sources import MAX_CELL_CHARS, open_source
from ingest.read.xlsx import Limits, XlsxRefused, column_letters, column_number, sheet_rows

PEAK_RSS_MB = 500
SECONDS = 5.0
HEADER = ["filing_id", "received_date", "channel", "receiving_level", "petitioner_name", "content"]
ROW = ["F1", "2024-03-01", "来访", "县", "张三", "征地补偿款未发放"]

_BOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="filings" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_BOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
)
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'
)
_SHEET_HEAD = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
)


def _cells(row: int, values: list[str]) -> str:
    cells = "".join(
        f'<c r="{column_letters(i + 1)}{row}" t="inlineStr"><is><t>{v}</t></is></c>'
        for i, v in enumerate(values)
    )
    return f'<row r="{row}">{cells}</row>'


def workbook(path: Path, sheet_parts: list[bytes | str], dimension: str | None = None) -> Path:
    """A minimal workbook whose sheet XML is the header row, a data row, then `sheet_parts` (streamed into
    the zip piece by piece, so a part of gigabytes never sits in memory)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as zf:
        zf.writestr("[Content_Types].xml", _TYPES)
        zf.writestr("_rels/.rels", _ROOT_RELS)
        zf.writestr("xl/workbook.xml", _BOOK)
        zf.writestr("xl/_rels/workbook.xml.rels", _BOOK_RELS)
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as fh:
            fh.write(_SHEET_HEAD.encode())
            if dimension:
                fh.write(f'<dimension ref="{dimension}"/>'.encode())
            fh.write(b"<sheetData>")
            fh.write((_cells(1, HEADER) + _cells(2, ROW)).encode())
            for part in sheet_parts:
                fh.write(part.encode() if isinstance(part, str) else part)
            fh.write(b"</sheetData></worksheet>")
    return path


def _huge_cell(row: int, mib: int) -> list[bytes | str]:
    chunk = b"x" * (1 << 20)
    return [f'<row r="{row}"><c r="F{row}" t="inlineStr"><is><t>', *([chunk] * mib), "</t></is></c></row>"]


def crafted(kind: str, folder: Path) -> Path:
    path = folder / f"{kind}.xlsx"
    if kind == "far_dimension":
        return workbook(path, [], dimension="A1:XFD1048576")
    if kind == "far_cell":  # 1.6 KB; python-calamine built a 4.6 GB grid for it
        return workbook(path, ['<row r="200000"><c r="ZZ200000" t="inlineStr"><is><t>x</t></is></c></row>'])
    if kind == "far_column":
        return workbook(path, ['<row r="3"><c r="XFD3"><v>1</v></c></row>'])
    if kind == "huge_cell":  # 600 MiB of text in one cell, 600 KB on disk
        return workbook(path, _huge_cell(3, 600))
    if kind == "ratio_bomb":  # 300 MiB of rows of one repeated value
        row = _cells(9, ROW).encode()
        block = row * ((1 << 20) // len(row))
        return workbook(path, [block] * 300)
    raise ValueError(kind)


CRAFTED = ["far_dimension", "far_cell", "far_column", "huge_cell", "ratio_bomb"]
_EXPECTED = {
    "far_dimension": "CASELINK_XLSX_MAX_COLUMNS",
    "far_cell": "far more than its content",
    "far_column": "CASELINK_XLSX_MAX_COLUMNS",
    "huge_cell": "CASELINK_XLSX_MAX_RATIO",
    "ratio_bomb": "CASELINK_XLSX_MAX_RATIO",
}


def run_measured(
    args: list[str], cwd: Path, env: dict[str, str] | None = None
) -> tuple[int, str, float, float, float]:
    """(exit code, output, peak RSS in MB, CPU seconds, wall seconds) of `caselink ARGS` in a child."""
    code = (
        "import atexit, re, sys\n"
        "def peak():\n"
        "    status = open('/proc/self/status').read()\n"
        "    sys.stdout.write('\\nPEAK_KB ' + re.search(r'VmHWM:\\s+(\\d+)', status).group(1) + '\\n')\n"
        "atexit.register(peak)\n"
        "from caselink.cli import main\n"
        "sys.argv[0] = 'caselink'\n"
        "main()\n"
    )
    start = time.monotonic()
    proc = subprocess.Popen(
        [sys.executable, "-c", code, *args],
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2]), **(env or {})},
    )
    assert proc.stdout is not None
    output = proc.stdout.read().decode("utf-8", "replace")
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.monotonic() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    peak = int(output.rsplit("PEAK_KB ", 1)[1].split()[0]) / 1024
    return proc.returncode, output, peak, usage.ru_utime + usage.ru_stime, seconds


@pytest.fixture(scope="module")
def crafted_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("crafted")
    for kind in CRAFTED:
        crafted(kind, folder)
    return folder


@pytest.mark.parametrize("command", ["validate", "ingest"])
@pytest.mark.parametrize("kind", CRAFTED)
def test_crafted_workbook_refused_with_exit_2_in_bounded_memory_and_time(
    crafted_dir: Path, tmp_path: Path, kind: str, command: str
) -> None:
    path = crafted_dir / f"{kind}.xlsx"
    assert path.stat().st_size < 8_000_000
    where = (
        ["--out", str(tmp_path / "out")] if command == "validate" else ["--workspace", str(tmp_path / "ws")]
    )
    code, output, peak_mb, cpu, wall = run_measured([command, str(path), *where], tmp_path)
    print(f"{kind} {command}: exit {code}, peak RSS {peak_mb:.0f} MB, CPU {cpu:.2f} s, wall {wall:.2f} s")
    assert code == 2, output
    assert _EXPECTED[kind] in output, output
    assert path.name in output and "Traceback" not in output
    assert peak_mb <= PEAK_RSS_MB, f"{kind}: peak RSS {peak_mb:.0f} MB"
    assert cpu <= SECONDS, f"{kind}: {cpu:.1f} s of CPU"
    assert not (tmp_path / "ws" / "records").exists() or not any((tmp_path / "ws" / "records").iterdir())


def test_huge_cell_let_through_the_zip_checks_is_clipped_while_streaming(
    crafted_dir: Path, tmp_path: Path
) -> None:
    """With the ratio limit lifted, the 600 MiB cell is read as a stream: its row is rejected as too long
    and the process never holds the text."""
    path = crafted_dir / "huge_cell.xlsx"
    out = tmp_path / "out"
    code, output, peak_mb, cpu, wall = run_measured(
        ["validate", str(path), "--out", str(out)], tmp_path, {"CASELINK_XLSX_MAX_RATIO": "100000"}
    )
    print(f"huge cell streamed: exit {code}, peak RSS {peak_mb:.0f} MB, CPU {cpu:.2f} s, wall {wall:.2f} s")
    assert code in (0, 1), output
    assert peak_mb <= PEAK_RSS_MB
    problems = (out / "problems.csv").read_text(encoding="utf-8-sig")
    assert f"cell too long ({600 << 20} characters" in problems


def test_part_size_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = workbook(tmp_path / "small.xlsx", [])
    monkeypatch.setenv("CASELINK_XLSX_MAX_PART_BYTES", "300")
    with pytest.raises(InputFileError, match="CASELINK_XLSX_MAX_PART_BYTES"):
        open_source(path, "filings")


def test_long_cell_rejects_its_row_without_reading_it_whole(tmp_path: Path) -> None:
    """A cell of 3 MiB of varied text (an ordinary compression ratio): the row is rejected as too long,
    with the cell's full length; only the first MAX_CELL_CHARS + 1 characters were kept."""
    text = "".join(chr(0x4E00 + (i * 7919) % 20000) for i in range(1 << 20))
    path = workbook(
        tmp_path / "long.xlsx",
        [
            f'<row r="3"><c r="F3" t="inlineStr"><is><t>{text}</t></is></c>'
            '<c r="A3" t="inlineStr"><is><t>F2</t></is></c></row>'
        ],
    )
    rows = list(open_source(path, "filings").rows())
    assert [r.row for r in rows] == [2, 3]
    (problem,) = rows[1].problems
    assert problem.column == "content" and f"{1 << 20} characters" in problem.reason_en
    kept = [cells for n, cells in sheet_rows(path) if n == 3][0]
    assert max(map(len, kept)) == MAX_CELL_CHARS + 1


def test_limits_come_from_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CASELINK_XLSX_MAX_COLUMNS", "5")
    path = workbook(tmp_path / "six.xlsx", [])
    with pytest.raises(InputFileError, match="CASELINK_XLSX_MAX_COLUMNS"):
        list(open_source(path, "filings").rows())
    monkeypatch.setenv("CASELINK_XLSX_MAX_COLUMNS", "6")
    assert len(list(open_source(path, "filings").rows())) == 1


def test_doctype_refused(tmp_path: Path) -> None:
    path = tmp_path / "dtd.xlsx"
    workbook(path, [])
    with zipfile.ZipFile(path) as zf:
        parts = {n: zf.read(n) for n in zf.namelist()}
    parts["xl/workbook.xml"] = parts["xl/workbook.xml"].replace(
        b"?><workbook", b'?><!DOCTYPE w [<!ENTITY a "aaaa">]><workbook'
    )
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    with pytest.raises(XlsxRefused, match="DOCTYPE"):
        list(sheet_rows(path, Limits()))


def test_column_letters_round_trip() -> None:
    for n in (1, 26, 27, 52, 702, 703, 16384):
        assert column_number(column_letters(n)) == n
    assert column_letters(16384) == "XFD"
