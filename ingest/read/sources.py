"""Input files → raw rows: dicts of canonical column → str, each with its spreadsheet row number.

Reads the canonical CSV (UTF-8 with or without BOM, or GB18030; comma separated) and XLSX (first sheet).
Anything that stops a whole file — empty, binary, an unknown encoding, the wrong separator, missing
required columns, an unclosed quote that would swallow the rest of the file — raises `InputFileError` with a
one-paragraph message in Chinese and English. Problems confined to one row (wrong number of fields, a cell
over `MAX_CELL_CHARS`, broken quoting) are attached to that row as rejecting `Problem`s, so every row is
accounted for.

Encodings are never guessed: strict UTF-8 (BOM optional) first, then strict GB18030, and UTF-16/32 only with a
BOM. charset-normalizer is consulted only to name the likely encoding in the refusal message.

Column-mapping file (`--mapping`): a small CSV, in any encoding the readers accept, with two columns
`source_header,column` (Chinese headers `原表头,标准列` also work), read by `load_mapping` into a
`ColumnMapping`. Each line maps one header of the export to a canonical column name of ingest.columns, e.g.
``来信人姓名,petitioner_name``; several lines naming one column join those source columns, in the order of the
lines, with a newline between the non-empty cells (省 / 市 / 县 / 详细地址 → address); a source header written
``=VALUE`` gives the column that constant in every row (``=网上信访,channel`` for a single-channel export). It
applies to both input files and takes precedence over the built-in aliases.
"""

from __future__ import annotations

import codecs
import csv
import io
import mmap
import re
import unicodedata
import zipfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path
from typing import Literal

from rapidfuzz.distance import Levenshtein

from ingest.columns import FILING_COLUMNS, TRANSFER_COLUMNS, Column, header_aliases
from ingest.errors import InputFileError
from ingest.read.xlsx import Limits as XlsxLimits
from ingest.read.xlsx import LongText, XlsxRefused
from ingest.read.xlsx import sheet_rows as xlsx_sheet_rows
from ingest.records import Problem, Severity

Kind = Literal["filings", "transfers"]

MAX_CELL_CHARS = 100_000
"""A cell longer than this is rejected (its row, not the file): no real filing needs more."""

_CSV_FIELD_LIMIT = 2**31 - 1
_SNIFF_BYTES = 64 * 1024
_CHUNK_BYTES = 16 * 1024 * 1024
_OTHER_DELIMITERS = (";", "\t", "|")
_DELIMITER_NAMES = {";": "';' (semicolon / 分号)", "\t": "tab (制表符)", "|": "'|'"}

COLUMNS_OF: dict[str, tuple[Column, ...]] = {"filings": FILING_COLUMNS, "transfers": TRANSFER_COLUMNS}


@dataclass(slots=True)
class RawRow:
    """One record as read: canonical column → text (outer whitespace stripped), absent columns as ""."""

    row: int
    """Spreadsheet row number: the header is row 1."""
    values: dict[str, str]
    problems: list[Problem] = field(default_factory=list)
    """Rejecting (or flagging) problems found while reading, e.g. a cell over MAX_CELL_CHARS."""


@dataclass(slots=True)
class SourceTable:
    """An opened input file whose header has been checked; iterate `rows()` once to read the records."""

    path: Path
    kind: Kind
    file_format: str
    """"csv" or "xlsx"."""
    encoding: str
    """The encoding used ("" for xlsx)."""
    columns: tuple[str, ...]
    """Canonical columns found, in file order."""
    ignored_headers: tuple[str, ...]
    """Headers that match no canonical column: reported, their cells not read."""
    notes: list[str] = field(default_factory=list)
    """Things the clerk should know about the file as a whole (ignored columns, blank rows skipped …)."""
    _positions: tuple[tuple[str, int], ...] = ()
    _width: int = 0
    _header_row: int = 1
    _names: tuple[str, ...] = ()
    _pick: Callable[[list[str]], tuple[str, ...]] = tuple
    _constants: tuple[str, ...] = ()
    """Cells of the mapping's constants, appended to every row after the empty cell of absent columns."""
    _joins: tuple[tuple[int, ...], ...] = ()
    """Source positions of each joined column, appended after the constants."""

    def __post_init__(self) -> None:
        self._names = tuple(name for name, _ in self._positions)
        last = self._width + len(self._constants) + len(self._joins)  # absent columns read the "" cell
        self._pick = itemgetter(*(pos if pos <= last else self._width for _, pos in self._positions))

    def rows(self) -> Iterator[RawRow]:
        """Yield every record after the header, in file order. Raises InputFileError on a file-level fault."""
        if self.file_format == "xlsx":
            return self._xlsx_rows()
        return self._csv_rows()

    def _csv_rows(self) -> Iterator[RawRow]:
        with self.path.open("r", encoding=self.encoding, errors="strict", newline="") as fh:
            counts = [0, 0]
            yield from self.csv_records(fh, self._header_row, counts, skip_header=True)
            if counts[1]:
                self.notes.append(f"跳过空行 {counts[1]} 行 / {counts[1]} blank rows skipped")

    def csv_records(
        self, lines: Iterable[str], last_row: int, counts: list[int], *, skip_header: bool = False
    ) -> Iterator[RawRow]:
        """Parse CSV text lines into RawRows numbered from last_row + 1 (used for whole files and for chunks).

        counts receives [records seen including blank ones, blank records skipped].
        """
        last_line = [""]
        reader = csv.reader(_remember_last(lines, last_line), strict=True)
        if skip_header:
            next(reader, None)
        row_no = last_row
        make_row = self._make_row
        while True:
            lines_before = reader.line_num
            try:
                fields = next(reader)
            except StopIteration:
                break
            except csv.Error as exc:
                row_no += 1
                counts[0] += 1
                if "unexpected end of data" not in str(exc):
                    yield self._broken_row(row_no, last_line[0], "quote")
                    continue
                if reader.line_num - lines_before > 1:
                    raise InputFileError(
                        _msg(
                            self.path,
                            f"第 {row_no} 行的引号没有闭合，其后 {reader.line_num - lines_before - 1} 行文本"
                            "都会被当成一个单元格。请修正该行的引号后重试。",
                            f"row {row_no} opens a quote that is never closed, so the "
                            f"{reader.line_num - lines_before - 1} lines of text after it would read as one "
                            "cell. "
                            "Fix the quote in that row and run again.",
                        )
                    ) from None
                yield self._broken_row(row_no, last_line[0], "truncated")
                break
            row_no += 1
            counts[0] += 1
            if not fields or (not fields[0].strip() and not any(f.strip() for f in fields)):
                counts[1] += 1
                continue
            yield make_row(row_no, fields)

    def _xlsx_rows(self) -> Iterator[RawRow]:
        blank = 0
        last = self._header_row
        for row_no, fields in _xlsx_sheet_rows(self.path):
            if row_no <= self._header_row:
                continue
            blank += max(0, row_no - last - 1)  # rows without a cell in between
            last = row_no
            while fields and not fields[-1]:
                fields.pop()
            if not any(f.strip() for f in fields):
                blank += 1
                continue
            if len(fields) < self._width:
                fields.extend([""] * (self._width - len(fields)))
            yield self._make_row(row_no, fields)
        if blank:
            self.notes.append(f"跳过空行 {blank} 行 / {blank} blank rows skipped")

    def _with_mapped(self, fields: list[str]) -> list[str]:
        """The row's cells of a full-width row, then "" (absent columns), the constants and the joins."""
        fields.append("")
        if self._constants:
            fields.extend(self._constants)
        for group in self._joins:
            fields.append("\n".join(t for p in group if (t := fields[p].strip())))
        return fields

    def _make_row(self, row_no: int, fields: list[str]) -> RawRow:
        if len(fields) == self._width and max(map(len, fields)) <= MAX_CELL_CHARS:
            if not self._joins:
                fields.append("")  # the cell of every absent column
                fields.extend(self._constants)
                return RawRow(
                    row_no, dict(zip(self._names, map(str.strip, self._pick(fields)), strict=True)), []
                )
            self._with_mapped(fields)
            if max(map(len, fields[self._width :])) <= MAX_CELL_CHARS:
                return RawRow(
                    row_no, dict(zip(self._names, map(str.strip, self._pick(fields)), strict=True)), []
                )
            del fields[self._width :]  # a joined cell too long: the slow path names it
        problems: list[Problem] = []
        if len(fields) != self._width and not (len(fields) > self._width and not any(fields[self._width :])):
            problems.append(
                Problem(
                    self.kind,
                    row_no,
                    "",
                    _clip(",".join(fields)),
                    f"该行有 {len(fields)} 个字段，表头有 {self._width} 个（文件被截断或分隔符错位？）",
                    f"the row has {len(fields)} fields but the header has {self._width} "
                    "(file cut off, or a stray separator?)",
                    Severity.REJECT,
                )
            )
        values: dict[str, str] = {}
        cells = self._with_mapped(fields[: self._width] + [""] * (self._width - len(fields)))
        for name, pos in self._positions:
            text = cells[pos] if pos < len(cells) else ""
            if len(text) > MAX_CELL_CHARS:
                length = text.length if isinstance(text, LongText) else len(text)
                problems.append(
                    Problem(
                        self.kind,
                        row_no,
                        name,
                        _clip(text),
                        f"单元格过长（{length} 个字符，上限 {MAX_CELL_CHARS}）",
                        f"cell too long ({length} characters, the limit is {MAX_CELL_CHARS})",
                        Severity.REJECT,
                    )
                )
                text = ""
            values[name] = text.strip()
        return RawRow(row_no, values, problems)

    def _broken_row(self, row_no: int, raw: str, why: Literal["quote", "truncated"]) -> RawRow:
        if why == "truncated":
            zh, en = (
                "该行不完整：引号没有闭合，文件可能被截断",
                "the row is incomplete: a quote is never closed, the file may be cut off",
            )
        else:
            zh, en = (
                "该行引号格式错误（引号后紧跟了非逗号字符）",
                "broken quoting in this row (text right after a closing quote)",
            )
        values = dict.fromkeys((name for name, _ in self._positions), "")
        return RawRow(
            row_no,
            values,
            [Problem(self.kind, row_no, "", _clip(raw.rstrip("\r\n")), zh, en, Severity.REJECT)],
        )


def open_source(path: Path, kind: Kind, mapping_path: Path | None = None) -> SourceTable:
    """Open `path` as a filings or transfers file and check its header (InputFileError if unusable).

    mapping_path is a column-mapping file (see above); its headers take precedence over the built-in aliases.
    """
    mapping = load_mapping(Path(mapping_path)) if mapping_path is not None else None
    path = Path(path)
    try:
        return _open_source(path, kind, mapping)
    except OSError as exc:
        raise InputFileError(
            f"{path}: 无法打开文件（{exc.strerror}）。请检查文件是否被其他程序占用或是否有读取权限。 / "
            f"Cannot open the file ({exc.strerror}). Check that no other program holds it and that you may "
            "read it."
        ) from None


def _open_source(path: Path, kind: Kind, mapping: ColumnMapping | None) -> SourceTable:
    if not path.is_file():
        if path.exists():  # a FIFO, a device such as /dev/zero, a folder: never read, never "not found"
            raise InputFileError(
                f"{path}: 不是普通文件（设备、管道或文件夹）。 / "
                "Not a regular file (a device, a pipe or a folder): give a CSV or XLSX file."
            )
        raise InputFileError(f"{path}: 找不到该文件。请检查路径。 / File not found: check the path.")
    if path.stat().st_size == 0:
        raise InputFileError(_msg(path, "文件是空的（0 字节）。", "the file is empty (0 bytes)."))
    with path.open("rb") as fh:
        head = fh.read(_SNIFF_BYTES)
    if _is_xlsx(path, head):
        header_row, header = _xlsx_header(path)
        return _build(path, kind, "xlsx", "", header, header_row, mapping, raw_header_line=None)
    encoding = detect_encoding(path, head)
    with path.open("r", encoding=encoding, errors="strict", newline="") as fh:
        reader = csv.reader(fh, strict=False)
        try:
            first = next(reader, None)
        except csv.Error as exc:
            raise InputFileError(
                _msg(path, f"无法读取表头：{exc}。", f"cannot read the header row: {exc}.")
            ) from None
        fh.seek(0)
        raw_line = fh.readline()
    if first is None or not any(h.strip() for h in first):
        raise InputFileError(
            _msg(path, "文件没有内容（只有空白）。", "the file has no content (only blank space).")
        )
    return _build(path, kind, "csv", encoding, first, 1, mapping, raw_header_line=raw_line)


def read_rows(path: Path, kind: Kind, mapping_path: Path | None = None) -> Iterator[RawRow]:
    """Shorthand for `open_source(path, kind, mapping_path).rows()`."""
    return open_source(path, kind, mapping_path).rows()


@dataclass(frozen=True, slots=True)
class ColumnMapping:
    """A column-mapping file as read (`load_mapping`): what each export header means."""

    sources: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """Canonical column → the export headers (normalised, `_norm_header`) that fill it, in the file's order;
    more than one are joined. One header may fill several columns (留言主题 → title, and into content)."""
    constants: dict[str, str] = field(default_factory=dict)
    """Canonical column → the value every row gets."""
    shown: dict[str, str] = field(default_factory=dict)
    """Normalised export header → the header as the mapping file writes it (for messages)."""

    def columns_of(self, header: str) -> list[str]:
        """The canonical columns an export header (normalised) is mapped to."""
        return [column for column, headers in self.sources.items() if header in headers]


def load_mapping(path: Path) -> ColumnMapping:
    """Read a column-mapping CSV (`source_header,column`; `=VALUE,column` for a constant)."""
    path = Path(path)
    if not path.is_file():
        raise InputFileError(f"{path}: 找不到列映射文件。 / Column-mapping file not found.")
    if path.stat().st_size == 0:
        raise InputFileError(_msg(path, "列映射文件是空的。", "the column-mapping file is empty."))
    with path.open("rb") as fh:
        head = fh.read(_SNIFF_BYTES)
    encoding = detect_encoding(path, head)
    columns = {c.name: c for c in (*FILING_COLUMNS, *TRANSFER_COLUMNS)}
    sources: dict[str, list[str]] = {}
    constants: dict[str, str] = {}
    shown: dict[str, str] = {}
    first_line: dict[str, int] = {}
    with path.open("r", encoding=encoding, newline="") as fh:
        for line_no, fields in enumerate(csv.reader(fh), start=1):
            cells = [f.strip() for f in fields]
            if not any(cells):
                continue
            if line_no == 1 and _norm_header(cells[0]) in {"source_header", "原表头", "source"}:
                continue
            if len(cells) < 2 or not cells[0] or not cells[1]:
                raise InputFileError(
                    _msg(
                        path,
                        f"列映射文件第 {line_no} 行应为两列：原表头,标准列（常量写作 =值,标准列）。",
                        f"line {line_no} of the column-mapping file must have two cells: "
                        "source_header,column (a constant is written =VALUE,column).",
                    )
                )
            target = _norm_header(cells[1])
            if target not in columns:
                near = _did_you_mean(target, {name: name for name in columns})
                raise InputFileError(
                    _msg(
                        path,
                        f"列映射文件第 {line_no} 行的标准列 {cells[1]!r} 不存在{near[0]}；"
                        f"可用的列：{', '.join(sorted(columns))}。",
                        f"line {line_no} of the column-mapping file names an unknown column {cells[1]!r}"
                        f"{near[1]}; known columns: {', '.join(sorted(columns))}.",
                    )
                )
            if target in constants or (cells[0].startswith("=") and target in sources):
                raise InputFileError(
                    _msg(
                        path,
                        f"列映射文件第 {line_no} 行又给列 {target} 一个来源"
                        f"（第 {first_line[target]} 行已给常量或来源列）；常量只能单独给出，每列一个。",
                        f"line {line_no} of the column-mapping file gives column {target} another source "
                        f"after line {first_line[target]}: a constant stands alone, one per column.",
                    )
                )
            first_line.setdefault(target, line_no)
            if cells[0].startswith("="):
                constants[target] = cells[0][1:].strip()
                continue
            header = _norm_header(cells[0])
            if header in sources.get(target, ()):
                raise InputFileError(
                    _msg(
                        path,
                        f"列映射文件第 {line_no} 行：原表头 {cells[0]!r} 已映射到列 {target}。",
                        f"line {line_no} of the column-mapping file: the header {cells[0]!r} is already "
                        f"mapped to column {target}.",
                    )
                )
            sources.setdefault(target, []).append(header)
            shown[header] = cells[0]
    return ColumnMapping({k: tuple(v) for k, v in sources.items()}, constants, shown)


def _did_you_mean(header: str, names: Mapping[str, str]) -> tuple[str, str]:
    """(zh, en) "did you mean …" for a header one edit away from a known spelling, else empty strings."""
    if not header:
        return "", ""
    near = sorted({v for k, v in names.items() if k and Levenshtein.distance(header, k, score_cutoff=1) <= 1})
    if not near or header in names:
        return "", ""
    return f"（是否应为 {'、'.join(near)}？）", f" (did you mean {', '.join(near)}?)"


def detect_encoding(path: Path, head: bytes | None = None) -> str:
    """The encoding of a CSV: 'utf-8-sig', 'gb18030', 'utf-16' or 'utf-32'; raise InputFileError otherwise.

    The whole file is decoded strictly, so a file is never read with an encoding that garbles part of it.
    """
    if head is None:
        with path.open("rb") as fh:
            head = fh.read(_SNIFF_BYTES)
    if head.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        candidates: tuple[str, ...] = ("utf-32",)
    elif head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates = ("utf-16",)
    else:
        _refuse_binary(path, head)
        candidates = ("utf-8-sig", "gb18030")
    for enc in candidates:
        error = _strict_decode_error(path, enc)
        if error is None:
            return enc
        if enc == "utf-8-sig" and (_mostly_utf8(head) or _utf8_before(path, error.start)):
            raise InputFileError(
                _msg(
                    path,
                    f"文件是 UTF-8 编码，但{_where(path, error)}有损坏的字节；为避免乱码未读取。"
                    "请重新导出该文件。",
                    f"the file is UTF-8 but has damaged bytes {_where_en(path, error)}; it was not read, "
                    "to avoid garbled text. Export the file again.",
                )
            )
        if enc == "gb18030" and error.end >= path.stat().st_size:  # only the last character is incomplete
            raise InputFileError(
                _msg(
                    path,
                    "文件是 GB18030 编码，但结尾停在一个汉字的中间，看起来被截断了。请重新导出该文件。",
                    "the file is GB18030 but ends in the middle of a character: it seems cut off. "
                    "Export the file again.",
                )
            )
    guess = _guess_encoding(head)
    zh_guess = f"（看起来像 {guess}）" if guess else ""
    en_guess = f" (it looks like {guess})" if guess else ""
    raise InputFileError(
        _msg(
            path,
            f"无法确定文件编码{zh_guess}：既不是 UTF-8 也不是 GB18030。为避免乱码未读取。"
            "请在 Excel 中“另存为 CSV UTF-8”后重试。",
            f"cannot tell the file's encoding{en_guess}: it is neither UTF-8 nor GB18030. It was not read, "
            "to avoid garbled text. Save it from Excel as 'CSV UTF-8' and try again.",
        )
    )


def _strict_decode_error(path: Path, encoding: str) -> UnicodeDecodeError | None:
    """Decode the whole file in chunks; return the first error (with .start as an absolute offset) or None."""
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    consumed = 0
    with path.open("rb") as fh:
        while True:
            chunk = fh.read(_CHUNK_BYTES)
            try:
                decoder.decode(chunk, final=not chunk)
            except UnicodeDecodeError as exc:
                exc.start += consumed
                exc.end += consumed
                return exc
            if not chunk:
                return None
            consumed += len(chunk)


def _mostly_utf8(head: bytes) -> bool:
    """True when most non-ASCII text in `head` is valid UTF-8: a UTF-8 file with a few damaged bytes."""
    text = head.decode("utf-8", errors="replace")
    bad = text.count("\ufffd")
    good = sum(1 for ch in text if ord(ch) > 127) - bad
    return good >= 4 and good > 4 * bad


def _utf8_before(path: Path, offset: int) -> bool:
    """True when the 64 KiB before the first UTF-8 error hold CJK-range UTF-8 text (3-byte sequences):
    then the file is UTF-8 with damaged bytes, not GB18030 (whose text fails UTF-8 almost at once)."""
    start = max(0, offset - _SNIFF_BYTES)
    with path.open("rb") as fh:
        fh.seek(start)
        window = fh.read(offset - start)
    text = window.decode("utf-8", errors="ignore")
    return sum(1 for ch in text if ord(ch) >= 0x800) >= 4


def _where(path: Path, error: UnicodeDecodeError) -> str:
    return f"第 {_line_of(path, error.start)} 行（字节 {error.start}）"


def _where_en(path: Path, error: UnicodeDecodeError) -> str:
    return f"at text line {_line_of(path, error.start)} (byte {error.start})"


def _line_of(path: Path, offset: int) -> int:
    with path.open("rb") as fh:
        return fh.read(offset).count(b"\n") + 1


def _guess_encoding(head: bytes) -> str:
    try:
        from charset_normalizer import from_bytes

        best = from_bytes(head).best()
    except Exception:  # the hint is optional; never let it hide the real message
        return ""
    return best.encoding if best is not None else ""


def _refuse_binary(path: Path, head: bytes) -> None:
    """Raise InputFileError when the bytes are clearly not a text file."""
    kind_zh, kind_en = "", ""
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        kind_zh, kind_en = (
            "压缩包（zip），不是 CSV 或 Excel 工作簿；请先解压",
            "a zip archive, not a CSV or Excel workbook; unzip it first",
        )
    elif head.startswith(b"\xd0\xcf\x11\xe0"):
        kind_zh, kind_en = (
            "旧版 Excel（.xls）或加密的工作簿；请另存为 .xlsx 或 CSV UTF-8",
            "an old Excel .xls (or an encrypted workbook); save it as .xlsx or 'CSV UTF-8'",
        )
    elif head.startswith(b"%PDF"):
        kind_zh, kind_en = "PDF 文件", "a PDF document"
    elif head.count(0) * 100 > len(head) or _control_share(head) > 0.05:  # a stray NUL is a cell's text
        kind_zh, kind_en = "二进制文件，不是文本表格", "a binary file, not a text table"
    if kind_zh:
        raise InputFileError(_msg(path, f"这是{kind_zh}。", f"this is {kind_en}."))


def _control_share(head: bytes) -> float:
    if not head:
        return 0.0
    controls = sum(1 for b in head if b < 32 and b not in (9, 10, 13))
    return controls / len(head)


def _is_xlsx(path: Path, head: bytes) -> bool:
    if not head.startswith(b"PK\x03\x04"):
        if path.suffix.lower() in (".xlsx", ".xlsm"):
            _refuse_binary(path, head)
            raise InputFileError(
                _msg(
                    path,
                    "文件扩展名是 .xlsx，但内容不是 Excel 工作簿。",
                    "the name ends in .xlsx but it is not an Excel workbook.",
                )
            )
        return False
    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
    except zipfile.BadZipFile:
        raise InputFileError(
            _msg(
                path,
                "压缩文件已损坏（可能被截断）。",
                "the workbook / zip file is damaged (perhaps cut off).",
            )
        ) from None
    return "xl/workbook.xml" in names


def _xlsx_sheet_rows(path: Path) -> Iterator[tuple[int, list[str]]]:
    """(row number, cell texts) of the first sheet's rows (ingest.read.xlsx: streamed, sizes bounded)."""
    try:
        yield from xlsx_sheet_rows(path, XlsxLimits.from_env(MAX_CELL_CHARS))
    except XlsxRefused as exc:
        raise InputFileError(_msg(path, exc.zh, exc.en)) from None


def _xlsx_header(path: Path) -> tuple[int, list[str]]:
    for row_no, texts in _xlsx_sheet_rows(path):
        if any(t.strip() for t in texts):
            while texts and not texts[-1].strip():
                texts.pop()
            return row_no, texts
    raise InputFileError(
        _msg(path, "工作簿的第一个工作表是空的。", "the first sheet of the workbook is empty.")
    )


_HEADER_SPACES = re.compile(r"[\s\-]+")


def _norm_header(text: str) -> str:
    """Header spelling as matched: BOM and outer spaces dropped, NFKC, case-folded, inner spaces → '_'."""
    text = unicodedata.normalize("NFKC", text.replace("\ufeff", "")).strip().casefold()
    return _HEADER_SPACES.sub("_", text)


def _build(
    path: Path,
    kind: Kind,
    file_format: str,
    encoding: str,
    header: list[str],
    header_row: int,
    mapping: ColumnMapping | None,
    raw_header_line: str | None,
) -> SourceTable:
    columns = COLUMNS_OF[kind]
    wanted = {c.name for c in columns}
    mapping = mapping or ColumnMapping()
    aliases = _known_spellings(columns)
    constants = {c: v for c, v in mapping.constants.items() if c in wanted}
    norms = [_norm_header(h) for h in header]
    positions: dict[str, int] = {}
    joined: dict[str, list[int]] = {}
    consumed: dict[int, str] = {}
    for name, hs in mapping.sources.items():
        if name not in wanted:
            continue
        at = []
        for h in hs:
            found = [pos for pos, n in enumerate(norms) if n == h]
            if len(found) > 1:
                raise InputFileError(
                    _msg(
                        path,
                        f"表头中 {mapping.shown[h]!r} 出现了 {len(found)} 次，都对应列 {name}；"
                        "请删除或改名其中一列。",
                        f"the header {mapping.shown[h]!r} appears {len(found)} times: they would all fill "
                        f"column {name} (both mean column {name}); remove or rename one.",
                    )
                )
            at += found
            consumed.update(dict.fromkeys(found, name))
        if len(hs) > 1:
            joined[name] = at  # in the order of the mapping's lines
        elif at:
            positions[name] = at[0]
    ignored: list[str] = []
    overridden: list[str] = []
    for pos, raw in enumerate(header):
        if pos in consumed:
            continue
        alias = aliases.get(norms[pos])
        if alias is None or alias not in wanted:
            if raw.strip():
                ignored.append(raw.strip())
            continue
        name = alias
        if name in constants:
            overridden.append(raw.strip())
            continue
        if name in positions or name in joined:
            first = header[positions[name] if name in positions else joined[name][0]].strip()
            raise InputFileError(
                _msg(
                    path,
                    f"表头中 {first!r} 和 {raw.strip()!r} 都对应列 {name}；请删除或改名其中一列。",
                    f"the headers {first!r} and {raw.strip()!r} both mean column {name}; "
                    "remove or rename one.",
                )
            )
        positions[name] = pos
    joined = {name: at for name, at in joined.items() if at}
    present = set(positions) | set(joined) | set(constants)
    missing = [
        c
        for c in columns
        if c.required and c.name not in present and not (c.required_unless and c.required_unless in present)
    ]
    if missing:
        if raw_header_line is not None and len(header) <= 1:
            for delim in _OTHER_DELIMITERS:
                if raw_header_line.count(delim) >= 1:
                    raise InputFileError(
                        _msg(
                            path,
                            f"该文件使用 {_DELIMITER_NAMES[delim]} 作为分隔符，应为逗号 ','。"
                            "请在 Excel 中“另存为 CSV UTF-8（逗号分隔）”后重试。",
                            f"this file uses {_DELIMITER_NAMES[delim]} as separator, expected ','. "
                            "Save it from Excel as 'CSV UTF-8 (comma delimited)' and try again.",
                        )
                    )
        raise InputFileError(_missing_message(path, missing, header, mapping, ignored))
    width = len(header)
    extra = {c: width + 1 + k for k, c in enumerate(constants)}
    extra.update({c: width + 1 + len(constants) + k for k, c in enumerate(joined)})
    ordered = tuple(sorted(positions, key=positions.__getitem__)) + tuple(extra)
    all_positions = tuple((c.name, positions.get(c.name, extra.get(c.name, 1 << 30))) for c in columns)
    table = SourceTable(
        path=path,
        kind=kind,
        file_format=file_format,
        encoding=encoding,
        columns=ordered,
        ignored_headers=tuple(ignored),
        _positions=all_positions,
        _width=width,
        _header_row=header_row,
        _constants=tuple(constants.values()),
        _joins=tuple(tuple(at) for at in joined.values()),
    )
    if ignored:
        hints = [_did_you_mean(_norm_header(h), _known_spellings(columns)) for h in ignored]
        table.notes.append(
            f"忽略未知的列：{'、'.join(h + z for h, (z, _) in zip(ignored, hints, strict=True))} / "
            f"ignored unknown columns: {', '.join(h + e for h, (_, e) in zip(ignored, hints, strict=True))}"
        )
    if overridden:
        table.notes.append(
            f"列映射文件给出常量，表头中的 {'、'.join(overridden)} 未读取 / the column-mapping file gives a "
            f"constant: {', '.join(overridden)} not read"
        )
    return table


def _known_spellings(columns: tuple[Column, ...]) -> dict[str, str]:
    """Every accepted header spelling (normalised) → its canonical column."""
    return {_norm_header(k): v for k, v in header_aliases(columns).items()}


def _missing_message(
    path: Path, missing: list[Column], header: list[str], mapping: ColumnMapping, ignored: list[str]
) -> str:
    """What is missing, what the header has, and what will fix it: a near spelling, a mapping line."""
    known = _known_spellings(
        COLUMNS_OF["filings"] if missing[0] in FILING_COLUMNS else COLUMNS_OF["transfers"]
    )
    names_zh = "、".join(f"{c.name}（{'/'.join(c.aliases)}）" for c in missing)
    names_en = ", ".join(f"{c.name} ({'/'.join(c.aliases)})" for c in missing)
    found = ", ".join(_printable(h) for h in header if h.strip())
    near_zh, near_en = [], []
    for h in ignored:
        zh, en = _did_you_mean(_norm_header(h), known)
        if zh:
            near_zh.append(f"“{_printable(h)}”{zh}")
            near_en.append(f"'{_printable(h)}'{en}")
    unseen = [
        mapping.shown[h] for hs in mapping.sources.values() for h in hs if h not in map(_norm_header, header)
    ]
    zh = f"缺少必需的列：{names_zh}。表头为：{found}。"
    en = f"missing required columns: {names_en}. The header is: {found}."
    if near_zh:
        zh += "表头拼写相近：" + "；".join(near_zh) + "。"
        en += " Near spellings in the header: " + "; ".join(near_en) + "."
    if unseen:
        zh += f"列映射文件中的表头不在文件中：{'、'.join(unseen)}。"
        en += f" Headers of the column-mapping file not in this file: {', '.join(unseen)}."
    example = missing[0].name
    zh += (
        f"请用 --mapping 给出列映射文件（CSV：原表头,标准列），每行把导出文件的一个表头对应到标准列，"
        f"如“来件人,{example}”；导出文件没有这一列而每行取值相同的，写作常量，如“=网上信访,channel”。"
    )
    en += (
        " Pass a column-mapping file with --mapping (CSV: source_header,column), one line per export header, "
        f"e.g. 'the export header,{example}'; a column the export lacks whose value is the same in every row "
        "is given as a constant, e.g. '=网上信访,channel'."
    )
    return _msg(path, zh, en)


def _remember_last(lines: Iterable[str], last: list[str]) -> Iterator[str]:
    for line in lines:
        last[0] = line
        yield line


def _printable(text: str) -> str:
    """Text safe to echo to a terminal: control and format characters (escape codes …) dropped."""
    return "".join(ch for ch in text if ch.isprintable()).strip()


def _clip(text: str, limit: int = 200) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


def _msg(path: Path, zh: str, en: str) -> str:
    return f"{path.name}: {zh} / {en[0].upper()}{en[1:]}"


csv.field_size_limit(_CSV_FIELD_LIMIT)


SPLIT_MIN_BYTES = 16 * 1024 * 1024
"""CSV files smaller than this are read in one piece."""
_SPLIT_ENCODINGS = {"utf-8-sig": "utf-8", "gb18030": "gb18030"}


def split_csv(table: SourceTable, parts: int, min_bytes: int | None = None) -> list[tuple[int, int]] | None:
    """Byte ranges [start, end) of the records after the header, cut at record boundaries, for parallel reads.

    A line break is a record boundary when an even number of quote characters precede it (quotes come in
    pairs in well-formed CSV; in UTF-8 and GB18030 the bytes '"' and '\\n' never occur inside a multi-byte
    character). None when the file is small, not CSV, or in another encoding: read it in one piece then.
    A malformed file can mislead the cut; callers fall back to one piece when a span reports a read fault.
    """
    if table.file_format != "csv" or table.encoding not in _SPLIT_ENCODINGS or parts < 2:
        return None
    size = table.path.stat().st_size
    if size < (SPLIT_MIN_BYTES if min_bytes is None else min_bytes):
        return None
    with table.path.open("rb") as fh, mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as mm:
        pos = 0
        quotes = 0
        header_end = -1
        while header_end < 0:  # the header record ends at the first line break with balanced quotes
            nl = mm.find(b"\n", pos)
            if nl < 0:
                return None
            quotes += mm[pos : nl + 1].count(b'"')
            pos = nl + 1
            if quotes % 2 == 0:
                header_end = pos
        n_chunks = max(parts * 4, size // (8 * 1024 * 1024))
        step = (size - header_end) // n_chunks
        bounds = [header_end]
        for k in range(1, n_chunks):
            target = header_end + k * step
            if target <= pos:
                continue
            quotes += _count_quotes(mm, pos, target)
            pos = target
            while True:
                nl = mm.find(b"\n", pos)
                if nl < 0:
                    pos = size
                    break
                quotes += mm[pos : nl + 1].count(b'"')
                pos = nl + 1
                if quotes % 2 == 0:
                    if pos < size:
                        bounds.append(pos)
                    break
        bounds.append(size)
    return [(a, b) for a, b in zip(bounds, bounds[1:], strict=False) if b > a]


def read_span(
    table: SourceTable, start: int, end: int, counts: list[int], last_row: int = 1
) -> Iterator[RawRow]:
    """The records in bytes [start, end) of a CSV (a span of split_csv), numbered from last_row + 1.

    counts receives [records seen including blank ones, blank records skipped], so a caller reading the
    spans in order knows where the next one starts: last_row + counts[0].
    """
    with table.path.open("rb") as fh:
        fh.seek(start)
        data = fh.read(end - start)
    text = data.decode(_SPLIT_ENCODINGS[table.encoding])
    return table.csv_records(io.StringIO(text, newline=""), last_row, counts)


def _count_quotes(mm: mmap.mmap, start: int, end: int) -> int:
    total = 0
    for a in range(start, end, _CHUNK_BYTES):
        total += mm[a : min(end, a + _CHUNK_BYTES)].count(b'"')
    return total


def estimated_rows(table: SourceTable) -> int:
    """About how many records the file holds, from its size (for a progress bar; 0 when it cannot tell)."""
    size = table.path.stat().st_size
    if table.file_format == "xlsx":
        return size // 40  # compressed sheets hold roughly 40 bytes per row of this shape
    with table.path.open("rb") as fh:
        sample = fh.read(256 * 1024)
    lines = sample.count(b"\n")
    return size // max(1, len(sample) // max(1, lines)) if lines else 0
