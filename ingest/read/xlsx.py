"""The first sheet of an XLSX workbook, streamed row by row with every size bounded by the file.

    for row_no, cells in sheet_rows(path):      # spreadsheet row numbers (1 = first row), cells as text
        ...

A workbook is a zip of XML parts. Before anything is parsed, each part's uncompressed size and compression
ratio (from the zip directory, which zipfile also enforces while inflating) are checked against `Limits`;
then the shared strings, the styles and the sheet are parsed with expat as they are inflated, so memory holds
one row and the shared-string table, never the sheet. The sheet's used range (its `<dimension>` and the cell
positions actually met) is checked against the number of columns a filings table can have and against the
bytes that would have to fill it, so a one-cell file naming cell XFD1048576 is refused at once; a text over
`cell_chars` keeps only its first `cell_chars + 1` characters (the row is then rejected as too long by the
caller, ingest.sources). Everything refused raises `XlsxRefused`, whose text is a one-paragraph message for
a clerk; ingest.sources turns it into InputFileError (exit 2).

python-calamine is ~3x faster but builds the whole sheet as a rows × columns grid (512 GB for a cell at
XFD1048576, 4.6 GB for one at ZZ200000) before the first row is returned, and reads every text whole, so
it is only handed a workbook after a byte scan of its XML (`_plain`: cell positions, the dimension, text
lengths, no cells built) has shown that nothing in it needs a check made while streaming; everything else
is streamed as above. Both give the same rows (tests/ingest/test_xlsx_fast.py). Speed: `bench/xlsx.py`.
"""

from __future__ import annotations

import os
import posixpath
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import IO, Any
from xml.parsers import expat

_CHUNK = 256 * 1024
_MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"


def _env_int(name: str, default: int) -> int:
    try:
        return max(1, int(os.environ.get(name, "") or default))
    except ValueError:
        return default


@dataclass(frozen=True, slots=True)
class Limits:
    """What a workbook may hold; each from a CASELINK_XLSX_… environment variable, else the default."""

    part_bytes: int = 1 << 30
    """CASELINK_XLSX_MAX_PART_BYTES: uncompressed size of one part of the zip (1 GiB)."""
    total_bytes: int = 2 << 30
    """CASELINK_XLSX_MAX_TOTAL_BYTES: uncompressed size of all parts together (2 GiB)."""
    ratio: int = 200
    """CASELINK_XLSX_MAX_RATIO: uncompressed / compressed size of a part over 1 MiB (real sheets: 5-30)."""
    columns: int = 1000
    """CASELINK_XLSX_MAX_COLUMNS: the last column a cell may be in (a filings table has about 30)."""
    cells_per_byte: int = 16
    """CASELINK_XLSX_MAX_CELLS_PER_BYTE: the used range (rows × columns) may exceed 1,000,000 cells by at most
    this many cells per byte of sheet XML: a range far larger than its content could fill is refused."""
    cell_chars: int = 100_000
    """Characters kept of one text (ingest.sources.MAX_CELL_CHARS; a longer cell rejects its row)."""

    @classmethod
    def from_env(cls, cell_chars: int = 100_000) -> Limits:
        d = cls()
        return cls(
            part_bytes=_env_int("CASELINK_XLSX_MAX_PART_BYTES", d.part_bytes),
            total_bytes=_env_int("CASELINK_XLSX_MAX_TOTAL_BYTES", d.total_bytes),
            ratio=_env_int("CASELINK_XLSX_MAX_RATIO", d.ratio),
            columns=_env_int("CASELINK_XLSX_MAX_COLUMNS", d.columns),
            cells_per_byte=_env_int("CASELINK_XLSX_MAX_CELLS_PER_BYTE", d.cells_per_byte),
            cell_chars=cell_chars,
        )


_RATIO_FROM_BYTES = 1 << 20
_BASE_CELLS = 1_000_000


class XlsxRefused(Exception):
    """The workbook is refused: `zh` and `en` say why and what to do (without the file name)."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(f"{zh} / {en}")
        self.zh, self.en = zh, en


class LongText(str):
    """The first `cell_chars + 1` characters of a longer text; `length` is the text's full length."""

    length: int

    def __new__(cls, text: str, length: int) -> LongText:
        obj = super().__new__(cls, text)
        obj.length = length
        return obj


def column_number(letters: str) -> int:
    """'A' -> 1, 'Z' -> 26, 'AA' -> 27, 'XFD' -> 16384."""
    n = 0
    for ch in letters:
        n = n * 26 + (ord(ch) - 64)
    return n


def column_letters(n: int) -> str:
    """1 -> 'A', 27 -> 'AA'."""
    out = ""
    while n > 0:
        n, rem = divmod(n - 1, 26)
        out = chr(65 + rem) + out
    return out


_REF = re.compile(r"\$?([A-Z]{1,4})\$?(\d{1,9})$")


def _split_ref(ref: str) -> tuple[int, int] | None:
    """'B7' -> (row 7, column 2); None when it is not a cell reference."""
    m = _REF.match(ref.upper())
    return (int(m.group(2)), column_number(m.group(1))) if m else None


def sheet_rows(
    path: Path, limits: Limits | None = None, *, fast: bool = True
) -> Iterator[tuple[int, list[str]]]:
    """(row number, cell texts) of every row of the first sheet that has a cell, in file order.

    With `fast`, a workbook that a byte scan shows to be within every limit is read by python-calamine
    (about 3x faster); everything else, and everything with fast=False, by the streaming reader.
    Raises XlsxRefused (a limit, or a part missing or damaged)."""
    limits = limits or Limits.from_env()
    try:
        with zipfile.ZipFile(path) as zf:
            _check_parts(zf, limits)
            sheet, strings_part, styles_part = _first_sheet(zf)
            plain = _plain(zf, sheet, strings_part, limits) if fast else None
            if not plain:
                strings = _shared_strings(zf, strings_part, limits) if strings_part else []
                dates = _date_styles(zf, styles_part) if styles_part else frozenset()
                yield from _SheetReader(zf, sheet, strings, dates, _is_1904(zf), limits).rows()
        if plain:
            yield from _calamine_rows(path, plain)
    except zipfile.BadZipFile as exc:
        raise XlsxRefused(
            f"压缩文件已损坏（{exc}）。", f"the workbook / zip file is damaged ({exc})."
        ) from None
    except (expat.ExpatError, UnicodeError, ValueError, KeyError, EOFError, OSError) as exc:
        raise XlsxRefused(
            f"无法读取 Excel 工作簿：{exc}。请在 Excel 中重新保存后重试。",
            f"cannot read the Excel workbook: {exc}. Save it again from Excel and retry.",
        ) from None


# --- the fast path: python-calamine, once a scan has shown the workbook holds nothing it cannot bear ------

_PLAIN_BYTES = 512 << 20
"""Workbooks over this many uncompressed bytes are always streamed (calamine holds a sheet's cells ~2x)."""
_GRID_BYTES = 32
"""What calamine spends on one position of its rows x columns grid (filled or not)."""
_CELL_REF = re.compile(rb'<c r="([A-Z]{1,3})([0-9]{1,7})"')
_CELL_TAG = re.compile(rb"<c[ />]")
_PREFIXED = re.compile(rb"<[A-Za-z_][A-Za-z0-9_.-]*:[A-Za-z]")


def _plain(zf: zipfile.ZipFile, sheet: str, strings_part: str | None, limits: Limits) -> str | None:
    """The first sheet's name when python-calamine may read the workbook, else None (streamed instead).

    calamine builds the sheet whole, as a grid from its first to its last cell, and reads every text whole,
    so it is given a workbook only when a byte scan of the XML (no cells built, memory one chunk) shows:
    every cell names its position (`<c r="B7">`) and no tag carries a prefix; the grid of the last row and
    column met, and of the `<dimension>`, is within the streaming reader's limits and costs at most a few
    bytes of memory per byte of sheet XML; no text in the sheet or the shared strings is longer than
    `cell_chars` bytes (a longer one is clipped only by the streaming reader). Anything else goes to the
    streaming reader, which refuses what must be refused with its own messages."""
    sizes = sum(info.file_size for info in zf.infolist())
    book = _small_xml(zf, "xl/workbook.xml")
    names = [a.get("name", "") for tag, a in book if tag == "sheet"]
    if sizes > _PLAIN_BYTES or not names or not sheet.startswith("xl/worksheets/"):
        return None
    sheet_bytes = zf.getinfo(sheet).file_size
    # the streaming reader's range limit, and for calamine's grid at most 4 bytes per byte of sheet XML
    budget = _BASE_CELLS + min(limits.cells_per_byte * sheet_bytes, 4 * sheet_bytes // _GRID_BYTES)
    scan = _Scan(limits.cell_chars)
    with zf.open(sheet) as fh:
        if not scan.run(fh, cells=True):
            return None
    if strings_part is not None:
        with zf.open(strings_part) as fh:
            if not _Scan(limits.cell_chars).run(fh, cells=False):
                return None
    rows, cols = scan.last_row, column_number(scan.last_col.decode())
    if scan.dimension is not None:
        rows, cols = max(rows, scan.dimension[0]), max(cols, scan.dimension[1])
    if cols > limits.columns or rows * cols > budget:
        return None
    return names[0]


class _Scan:
    """A byte scan of a sheet's (or the shared strings') XML: cell positions, tags and text lengths."""

    def __init__(self, cell_chars: int) -> None:
        self.cell_chars = cell_chars
        self.last_row = 0
        self.last_col = b"A"
        self.dimension: tuple[int, int] | None = None

    def run(self, fh: IO[bytes], *, cells: bool) -> bool:
        """False as soon as something seen needs the streaming reader."""
        import numpy as np

        carry = b""
        first = True
        while chunk := fh.read(_CHUNK * 4):
            data = carry + chunk
            cut = data.rfind(b">") + 1
            if cut == 0:
                if len(data) > self.cell_chars:
                    return False  # a text longer than a cell may be (or no markup at all)
                carry = data
                continue
            data, carry = data[:cut], data[cut:]
            if first and cells:
                first = False
                m = re.search(rb'<dimension ref="([^"]*)"', data[:4096])
                bound = _split_ref(m.group(1).decode("ascii", "replace").rpartition(":")[2]) if m else None
                if m and bound is None:
                    return False
                self.dimension = bound
            if _PREFIXED.search(data):
                return False
            # the longest run of bytes between two tags (a text; bytes >= characters)
            lt = np.flatnonzero(np.frombuffer(data, np.uint8) == 0x3C)
            if len(lt) and (lt[0] > self.cell_chars or (len(lt) > 1 and np.diff(lt).max() > self.cell_chars)):
                return False
            if cells:
                refs = _CELL_REF.findall(data)
                if len(refs) != len(_CELL_TAG.findall(data)):
                    return False  # a cell without a position calamine would place by counting
                if refs:
                    self.last_col = max(self.last_col, max({c for c, _ in refs}, key=_col_key), key=_col_key)
                    self.last_row = max(self.last_row, max(int(r) for r in {r for _, r in refs}))
        return len(carry) <= self.cell_chars


def _col_key(letters: bytes) -> tuple[int, bytes]:
    return len(letters), letters


def _calamine_rows(path: Path, sheet_name: str) -> Iterator[tuple[int, list[str]]]:
    """The rows as the streaming reader gives them, read by python-calamine."""
    import python_calamine

    try:
        book = python_calamine.CalamineWorkbook.from_path(str(path))
        sheet = book.get_sheet_by_name(sheet_name)
        start_col = sheet.start[1] if sheet.start else 0
        rows = sheet.iter_rows()
    except Exception as exc:  # calamine raises its own error types for damaged workbooks
        raise XlsxRefused(
            f"无法读取 Excel 工作簿：{exc}。请在 Excel 中重新保存后重试。",
            f"cannot read the Excel workbook: {exc}. Save it again from Excel and retry.",
        ) from None
    pad = [""] * start_col
    for index, cells in enumerate(rows):
        texts = [_calamine_text(c) for c in cells]
        while texts and not texts[-1]:
            texts.pop()
        if texts:
            yield index + 1, pad + texts if pad else texts


def _calamine_text(cell: object) -> str:
    """A calamine value as the streaming reader shows the same cell (see _SheetReader._cell)."""
    if isinstance(cell, str):
        return cell
    if isinstance(cell, bool):
        return "TRUE" if cell else "FALSE"
    if isinstance(cell, float | int):
        return _number_text(repr(float(cell)))
    if isinstance(cell, datetime):
        moment = cell.replace(microsecond=0) + timedelta(seconds=round(cell.microsecond / 1e6))
        return moment.date().isoformat() if moment.time() == time(0) else moment.isoformat(sep=" ")
    if isinstance(cell, date):
        return cell.isoformat()
    if isinstance(cell, time):
        return str(cell.replace(microsecond=0))
    if isinstance(cell, timedelta):
        return str(cell)
    return ""


def _check_parts(zf: zipfile.ZipFile, limits: Limits) -> None:
    total = 0
    for info in zf.infolist():
        size, packed = info.file_size, info.compress_size
        total += size
        if size > limits.part_bytes:
            raise XlsxRefused(
                f"工作簿中的 {info.filename} 解压后有 {size:,} 字节，超过上限 {limits.part_bytes:,} 字节"
                "（CASELINK_XLSX_MAX_PART_BYTES）。请把数据拆成几个较小的文件，或另存为 CSV UTF-8。",
                f"the workbook part {info.filename} is {size:,} bytes uncompressed, over the limit of "
                f"{limits.part_bytes:,} (CASELINK_XLSX_MAX_PART_BYTES). Split the data into smaller files, "
                "or save it as 'CSV UTF-8'.",
            )
        if size > _RATIO_FROM_BYTES and size > limits.ratio * max(packed, 1):
            raise XlsxRefused(
                f"工作簿中的 {info.filename} 压缩比异常（{size:,} 字节压缩成 {packed:,} 字节，"
                f"上限 {limits.ratio} 倍，CASELINK_XLSX_MAX_RATIO），不像正常的表格，未读取。"
                "请确认文件来源，在 Excel 中重新保存，或另存为 CSV UTF-8。",
                f"the workbook part {info.filename} is compressed unusually tightly ({size:,} bytes in "
                f"{packed:,}; the limit is {limits.ratio} times, CASELINK_XLSX_MAX_RATIO): it does not look "
                "like a real table and was not read. Check where the file came from, save it again from "
                "Excel, or save it as 'CSV UTF-8'.",
            )
    if total > limits.total_bytes:
        raise XlsxRefused(
            f"工作簿解压后共 {total:,} 字节，超过上限 {limits.total_bytes:,} 字节"
            "（CASELINK_XLSX_MAX_TOTAL_BYTES）。请把数据拆成几个较小的文件，或另存为 CSV UTF-8。",
            f"the workbook is {total:,} bytes uncompressed, over the limit of {limits.total_bytes:,} "
            "(CASELINK_XLSX_MAX_TOTAL_BYTES). Split the data into smaller files, or save it as 'CSV UTF-8'.",
        )


def _parser(namespaces: bool = True) -> expat.XMLParserType:
    """A namespace-aware expat parser refusing any DOCTYPE (a workbook has none; entities could expand)."""
    p = expat.ParserCreate(namespace_separator="}") if namespaces else expat.ParserCreate()

    def no_doctype(*_: Any) -> None:
        raise XlsxRefused(
            "工作簿含有 DOCTYPE 声明，未读取。", "the workbook holds a DOCTYPE declaration: not read."
        )

    p.StartDoctypeDeclHandler = no_doctype
    p.EntityDeclHandler = no_doctype
    return p


def _feed(p: expat.XMLParserType, fh: IO[bytes]) -> None:
    while chunk := fh.read(_CHUNK):
        p.Parse(chunk, False)
    p.Parse(b"", True)


def _small_xml(zf: zipfile.ZipFile, name: str) -> list[tuple[str, dict[str, str]]]:
    """(tag without namespace, attributes) of every element of a small part (workbook, relationships)."""
    out: list[tuple[str, dict[str, str]]] = []
    p = _parser()
    p.StartElementHandler = lambda tag, attrs: out.append((tag.rpartition("}")[2], attrs))
    with zf.open(name) as fh:
        _feed(p, fh)
    return out


def _rels(zf: zipfile.ZipFile, part: str) -> dict[str, tuple[str, str]]:
    """Relationship id -> (type's last word, target part name) of `part`."""
    folder, base = posixpath.split(part)
    rels_name = posixpath.join(folder, "_rels", base + ".rels")
    if rels_name not in zf.NameToInfo:
        return {}
    out = {}
    for tag, attrs in _small_xml(zf, rels_name):
        if tag == "Relationship" and "Id" in attrs and attrs.get("TargetMode") != "External":
            target = attrs.get("Target", "")
            name = (
                target.lstrip("/")
                if target.startswith("/")
                else posixpath.normpath(posixpath.join(folder, target))
            )
            out[attrs["Id"]] = (attrs.get("Type", "").rpartition("/")[2], name)
    return out


def _first_sheet(zf: zipfile.ZipFile) -> tuple[str, str | None, str | None]:
    """Part names of the first sheet, the shared strings and the styles."""
    book = "xl/workbook.xml"
    rels = _rels(zf, book)
    first = next(
        (a.get(f"{_REL_NS}}}id") for tag, a in _small_xml(zf, book) if tag == "sheet"),
        None,
    )
    if first is None or first not in rels or rels[first][1] not in zf.NameToInfo:
        raise XlsxRefused(
            "工作簿中找不到第一个工作表。请在 Excel 中重新保存后重试。",
            "the workbook's first sheet cannot be found. Save it again from Excel and retry.",
        )
    by_type = {kind: name for kind, name in rels.values() if name in zf.NameToInfo}
    return rels[first][1], by_type.get("sharedStrings"), by_type.get("styles")


def _is_1904(zf: zipfile.ZipFile) -> bool:
    for tag, attrs in _small_xml(zf, "xl/workbook.xml"):
        if tag == "workbookPr":
            return attrs.get("date1904", "").lower() in ("1", "true")
    return False


def _shared_strings(zf: zipfile.ZipFile, part: str, limits: Limits) -> list[str]:
    """The shared-string table; texts over the limit kept as LongText (first limit + 1 characters)."""
    strings: list[str] = []
    keep = limits.cell_chars + 1
    pieces: list[str] = []
    state = {"in_t": False, "skip": 0, "len": 0}
    main = _MAIN_NS + "}"

    def start(tag: str, _attrs: dict[str, str]) -> None:
        if tag == main + "si":
            pieces.clear()
            state["len"] = 0
        elif tag == main + "t" and not state["skip"]:
            state["in_t"] = True
        elif tag in (main + "rPh", main + "phoneticPr"):
            state["skip"] += 1

    def end(tag: str) -> None:
        if tag == main + "si":
            text = _unescape("".join(pieces))
            strings.append(LongText(text, state["len"]) if state["len"] > len(text) else text)
        elif tag == main + "t":
            state["in_t"] = False
        elif tag in (main + "rPh", main + "phoneticPr"):
            state["skip"] -= 1

    def chars(data: str) -> None:
        if state["in_t"]:
            have = min(state["len"], keep)
            state["len"] += len(data)
            if have < keep:
                pieces.append(data[: keep - have])

    p = _parser()
    p.StartElementHandler, p.EndElementHandler, p.CharacterDataHandler = start, end, chars
    with zf.open(part) as fh:
        _feed(p, fh)
    return strings


_ESCAPED = re.compile(r"_x([0-9A-Fa-f]{4})_")


def _unescape(text: str) -> str:
    """Characters XML cannot carry, as Excel writes them in text: `_x000D_` is a carriage return (and
    `_x005F_` the underscore that keeps a literal `_x000D_`). python-calamine reads them the same way."""
    if "_x" not in text:
        return text
    return _ESCAPED.sub(lambda m: chr(int(m.group(1), 16)), text)


_BUILTIN_DATES = frozenset((*range(14, 23), *range(27, 37), 45, 46, 47, *range(50, 59)))
_DATE_TOKENS = re.compile(r"[ymdhs]", re.IGNORECASE)
_QUOTED = re.compile(r'"[^"]*"|\[[^\]]*\]|\\.')


def _date_styles(zf: zipfile.ZipFile, part: str) -> frozenset[int]:
    """Indexes of the cell formats (cellXfs) that show numbers as dates or times."""
    custom: dict[int, bool] = {}
    xfs: list[int] = []
    in_xfs = [False]
    for tag, attrs in _small_xml(zf, part):
        if tag == "numFmt" and attrs.get("numFmtId", "").isdigit():
            code = _QUOTED.sub("", attrs.get("formatCode", ""))
            custom[int(attrs["numFmtId"])] = bool(_DATE_TOKENS.search(code))
        elif tag == "cellXfs":
            in_xfs[0] = True
        elif tag == "xf" and in_xfs[0]:
            xfs.append(int(attrs.get("numFmtId", "0") or 0))
        elif tag in ("cellStyles", "dxfs"):
            in_xfs[0] = False
    dates = {i for i, fmt in enumerate(xfs) if custom.get(fmt, fmt in _BUILTIN_DATES)}
    return frozenset(dates)


_EPOCH_1900 = datetime(1899, 12, 30)
_EPOCH_1904 = datetime(1904, 1, 1)


def _serial_text(value: float, date1904: bool) -> str:
    """A date-formatted number as ingest.sources shows it: YYYY-MM-DD, or with the time, or a time."""
    if value < 1 and not date1904:
        seconds = round(value * 86400)
        return str(time(seconds // 3600 % 24, seconds // 60 % 60, seconds % 60))
    epoch = _EPOCH_1904 if date1904 else _EPOCH_1900
    moment = epoch + timedelta(days=value)
    moment = moment.replace(microsecond=0) + timedelta(seconds=round(moment.microsecond / 1e6))
    return moment.date().isoformat() if moment.time() == time(0) else moment.isoformat(sep=" ")


def _number_text(raw: str) -> str:
    """A number as a clerk sees it: integral values without '.0'."""
    try:
        value = float(raw)
    except ValueError:
        return raw
    if value.is_integer() and abs(value) < 1e16:
        return str(int(value))
    return repr(value)


class _SheetReader:
    """The sheet's rows, parsed with expat handlers that keep one row."""

    def __init__(
        self,
        zf: zipfile.ZipFile,
        part: str,
        strings: list[str],
        dates: frozenset[int],
        date1904: bool,
        limits: Limits,
    ) -> None:
        self.zf, self.part, self.strings, self.dates, self.date1904 = zf, part, strings, dates, date1904
        self.limits = limits
        self.budget = _BASE_CELLS + limits.cells_per_byte * zf.getinfo(part).file_size
        self.ready: list[tuple[int, list[str]]] = []
        self.max_col = 0

    def rows(self) -> Iterator[tuple[int, list[str]]]:
        """The rows, parsed by one flat handler per expat event (about 4 events per cell: the hot loop)."""
        # Tags are matched by local name (a prefix such as x: dropped), without expat's namespace handling.
        codes: dict[str, int] = {}
        names = {"row": 1, "c": 2, "v": 3, "t": 4, "is": 5, "rPh": 6, "dimension": 7}
        columns: dict[str, int] = {}
        strings, dates, date1904 = self.strings, self.dates, self.date1904
        keep = self.limits.cell_chars + 1
        max_columns = self.limits.columns
        ready = self.ready
        # mutable state of the current row and cell
        st: dict[str, Any] = {
            "row": 0,
            "col": 0,
            "type": "n",
            "style": 0,
            "len": 0,
            "value": False,
            "inline": 0,
            "skip": 0,
        }
        text: list[str] = []
        cells: dict[int, str] = {}

        def code_of(tag: str) -> int:
            code = codes.get(tag)
            if code is None:
                code = codes[tag] = names.get(tag.rpartition(":")[2], 0)
            return code

        def start(tag: str, attrs: dict[str, str]) -> None:
            code = codes.get(tag)
            if code is None:
                code = code_of(tag)
            if code == 2:  # <c r="B7" t="s" s="3">
                ref = attrs.get("r")
                if ref:
                    letters = ref.rstrip("0123456789")
                    col = columns.get(letters)
                    if col is None:
                        pos = _split_ref(ref)
                        if pos is None:
                            col = st["col"] + 1
                        else:
                            col = columns[letters] = pos[1]
                    digits = ref[len(letters) :]
                    if digits and int(digits) != st["row"]:
                        st["row"] = int(digits)
                else:
                    col = st["col"] + 1
                if col > max_columns:
                    self._refuse_range("的单元格", st["row"], col)
                st["col"] = col
                st["type"] = attrs.get("t", "n")
                s_attr = attrs.get("s")
                st["style"] = int(s_attr) if s_attr and s_attr.isdigit() else 0
                text.clear()
                st["len"] = 0
            elif code == 3:
                st["value"] = True
            elif code == 1:
                r = attrs.get("r")
                st["row"] = int(r) if r and r.isdigit() else st["row"] + 1
                cells.clear()
                st["col"] = 0
            elif code == 4:
                if st["inline"] and not st["skip"]:
                    st["value"] = True
            elif code == 5:
                st["inline"] += 1
            elif code == 6:
                st["skip"] += 1
            elif code == 7:
                self._dimension(attrs)

        def end(tag: str) -> None:
            code = codes.get(tag)
            if code is None:
                code = code_of(tag)
            if code == 2:
                self._cell(st, text, cells, strings, dates, date1904)
            elif code == 3 or code == 4:
                st["value"] = False
            elif code == 1:
                if cells:
                    width = max(cells)
                    if width > self.max_col:
                        self.max_col = width
                    self._refuse_range("的已用区域", st["row"], self.max_col)
                    row = [""] * width
                    for c, value in cells.items():
                        row[c - 1] = value
                    ready.append((st["row"], row))
            elif code == 5:
                st["inline"] -= 1
            elif code == 6:
                st["skip"] -= 1

        def chars(data: str) -> None:
            if st["value"]:
                have = st["len"]
                st["len"] = have + len(data)
                if have < keep:
                    text.append(data[: keep - have])

        p = _parser(namespaces=False)
        p.StartElementHandler, p.EndElementHandler, p.CharacterDataHandler = start, end, chars
        p.buffer_text = True
        p.buffer_size = 64 * 1024
        with self.zf.open(self.part) as fh:
            while chunk := fh.read(_CHUNK):
                p.Parse(chunk, False)
                if ready:
                    yield from ready
                    ready.clear()
            p.Parse(b"", True)
        yield from ready

    def _cell(
        self,
        st: dict[str, Any],
        text: list[str],
        cells: dict[int, str],
        strings: list[str],
        dates: frozenset[int],
        date1904: bool,
    ) -> None:
        """The text of the cell that just ended, kept in `cells` when not empty."""
        raw = "".join(text)
        kind = st["type"]
        if kind == "s":
            try:
                value = strings[int(raw)]
            except (ValueError, IndexError):
                value = ""
        elif kind == "str" or kind == "inlineStr":
            raw = _unescape(raw)
            value = LongText(raw, st["len"]) if st["len"] > len(raw) else raw
        elif not raw or kind == "e":
            value = ""
        elif kind == "n":
            if st["style"] in dates:
                try:
                    value = _serial_text(float(raw), date1904)
                except (ValueError, OverflowError):
                    value = _number_text(raw)
            else:
                value = _number_text(raw)
        elif kind == "b":
            value = "TRUE" if raw.strip() in ("1", "true") else "FALSE"
        elif kind == "d":
            value = raw[:10] if raw.endswith("T00:00:00") or len(raw) == 10 else raw.replace("T", " ")
        else:
            value = raw
        if value:
            cells[st["col"]] = value

    # --- the used range --------------------------------------------------------------------------------

    def _refuse_range(self, where: str, rows: int, cols: int) -> None:
        limits = self.limits
        if cols > limits.columns:
            raise XlsxRefused(
                f"工作表{where}延伸到第 {cols} 列（{column_letters(cols)} 列），超过上限 {limits.columns} 列"
                "（CASELINK_XLSX_MAX_COLUMNS）。请删除表格右侧多余的单元格内容或格式，只保留数据区域后重试。",
                f"the sheet's {_EN_WHERE[where]} reaches column {column_letters(cols)} ({cols}), beyond the "
                f"limit of {limits.columns} columns (CASELINK_XLSX_MAX_COLUMNS). Delete the stray cells or "
                "formatting to the right of the table, keep only the data range, and try again.",
            )
        if rows * cols > self.budget:
            raise XlsxRefused(
                f"工作表{where}为 {rows:,} 行 × {cols:,} 列，远超其内容能填满的范围（工作表数据只有 "
                f"{self.zf.getinfo(self.part).file_size:,} 字节），未读取。请删除表格下方或右侧远处的"
                f"多余单元格（到 {column_letters(cols)}{rows}），或只复制数据区域到新工作簿后重试。",
                f"the sheet's {_EN_WHERE[where]} is {rows:,} rows × {cols:,} columns, far more than its "
                f"content ({self.zf.getinfo(self.part).file_size:,} bytes of sheet data) could fill; it "
                f"was not read. Delete the stray cells far below or to the right of the table (up to "
                f"{column_letters(cols)}{rows}), or copy only the data range into a new workbook, and try "
                "again.",
            )

    def _dimension(self, attrs: dict[str, str]) -> None:
        last = attrs.get("ref", "").rpartition(":")[2]
        bound = _split_ref(last) if last else None
        if bound is not None:
            self._refuse_range("的范围（dimension）", *bound)


_EN_WHERE = {
    "的范围（dimension）": "declared range (<dimension>)",
    "的已用区域": "used range",
    "的单元格": "cells",
}
