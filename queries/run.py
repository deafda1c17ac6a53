"""Run a named query on any store, and write its result as a table, CSV, JSON or XLSX.

    result = run_query("repeat-petitions", store, {"min_filings": "3"})
    print(format_result(result, "table"))

Parameters may be given as strings (from the command line) or as typed values; `parse_params` checks them
against the spec and fills the defaults. On Neo4j the query's Cypher text runs in a read transaction and its
rows come back in one record, dates already as text (`Neo4jView.table`); on the embedded store its networkx
twin runs, its rows go through `normalise` and a paged query's page is cut from them. Equal data give equal
rows: dates as ISO strings, lists as lists, numbers and booleans as they are.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Literal, Protocol, TypeVar, cast

from graph.memory_store import MemoryView
from graph.store import GraphStore
from queries import embedded
from queries.errors import BadParameter, QueryError
from queries.registry import TODAY, ParamSpec, QuerySpec, get

T = TypeVar("T")
Format = Literal["table", "csv", "json", "xlsx"]
FORMATS: tuple[Format, ...] = ("table", "csv", "json", "xlsx")
LIST_SEPARATOR = ";"
INT_CEILING = 1_000_000_000
"""The largest whole-number parameter any query takes (rows, days, steps): far beyond real use, and far below
where Neo4j's 64-bit integers (or offset + limit) overflow, so both back ends give the same clean error."""
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True, slots=True)
class QueryResult:
    """Column names and rows (one list of values per row, in column order)."""

    columns: list[str]
    rows: list[list[Any]]

    def records(self) -> list[dict[str, Any]]:
        """The rows as dicts keyed by column."""
        return [dict(zip(self.columns, row, strict=True)) for row in self.rows]


class _CypherView(Protocol):
    def table(self, cypher: str, params: dict[str, Any], columns: list[str]) -> list[list[Any]]: ...


# --- parameters --------------------------------------------------------------------------------------------


def parse_value(spec: ParamSpec, value: Any) -> Any:
    """One parameter value as its type; BadParameter saying what is expected when it cannot be read."""
    try:
        if spec.type == "int":
            out: Any = (
                value if isinstance(value, int) and not isinstance(value, bool) else int(str(value).strip())
            )
        elif spec.type == "date":
            out = value if isinstance(value, date) else _date(str(value).strip())
        elif spec.type == "list":
            items = re.split(r"[,，、]", value) if isinstance(value, str) else list(value)
            out = [str(v).strip() for v in items if str(v).strip()]
        else:
            out = str(value)
    except ValueError:
        kind = {"int": "a whole number", "date": "a date like 2024-06-30 (or 'today')"}.get(
            spec.type, spec.type
        )
        raise BadParameter(f"Parameter {spec.name} must be {kind}, not {value!r}.") from None
    if spec.type == "int":
        bottom = spec.minimum if spec.minimum is not None else -INT_CEILING
        if out < bottom:
            raise BadParameter(f"Parameter {spec.name} must be at least {bottom:,}, not {out}.")
        top = spec.maximum if spec.maximum is not None else INT_CEILING
        if out > top:
            raise BadParameter(f"Parameter {spec.name} must be at most {top:,}, not {out}.")
    if spec.choices and out not in spec.choices:
        shown = ", ".join(c or "''" for c in spec.choices)
        raise BadParameter(f"Parameter {spec.name} must be one of {shown}, not {value!r}.")
    return out


def _date(text: str) -> date:
    return date.today() if text.lower() == TODAY else date.fromisoformat(text)


def parse_params(spec: QuerySpec, given: Mapping[str, Any]) -> dict[str, Any]:
    """Every declared parameter with its typed value: given ones parsed, the others defaulted."""
    known = {p.name for p in spec.params}
    unknown = sorted(set(given) - known)
    if unknown:
        allowed = ", ".join(sorted(known)) or "none"
        raise BadParameter(
            f"Query {spec.name} has no parameter {', '.join(unknown)} (its parameters: {allowed})."
        )
    out: dict[str, Any] = {}
    for p in spec.params:
        if p.name in given and given[p.name] is not None:
            out[p.name] = parse_value(p, given[p.name])
        elif p.required:
            raise BadParameter(f"Query {spec.name} needs --param {p.name}=… ({p.help}).")
        else:
            out[p.name] = parse_value(p, p.default)
    if spec.name == "path" and out["from_id"] == out["to_id"]:
        raise BadParameter("from_id and to_id are the same: give two different filings or petitioners.")
    return out


# --- running -----------------------------------------------------------------------------------------------


def run_query(name: str, store: GraphStore, params: Mapping[str, Any]) -> QueryResult:
    """Run query `name` on `store` with `params` (strings or typed values; defaults filled in)."""
    spec = get(name)
    values = parse_params(spec, params)
    view = store.view()
    columns = list(spec.columns)
    if view.backend == "neo4j":
        return QueryResult(columns, cast(_CypherView, view).table(spec.cypher, values, columns))
    if view.backend != "embedded":
        raise QueryError(f"No way to run queries on the {view.backend!r} back end.")
    raw = embedded.TWINS[name](cast(MemoryView, view), values)
    if raw and list(raw[0]) != columns:
        raise QueryError(f"{name} on {view.backend} returned columns {list(raw[0])}, not {columns}.")
    if spec.paged:
        raw = page(raw, values["offset"], values["limit"])
    return QueryResult(columns, [[normalise(r.get(c)) for c in columns] for r in raw])


def page(rows: list[T], offset: int, limit: int) -> list[T]:
    """Rows `offset` … `offset + limit` of an ordered result (limit 0: all from offset on)."""
    return rows[offset : offset + limit] if limit > 0 else rows[offset:]


def normalise(value: Any) -> Any:
    """A value in result form: dates (Python or driver) as ISO strings, lists and tuples as lists."""
    if isinstance(value, list | tuple):
        return [normalise(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    if hasattr(value, "to_native"):  # neo4j.time.Date / DateTime, without importing the driver here
        return normalise(value.to_native())
    return value


# --- output ------------------------------------------------------------------------------------------------


def cell_text(value: Any) -> str:
    """A value as one spreadsheet cell: lists joined by ';', booleans as true/false, None as ''."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return LIST_SEPARATOR.join(cell_text(v) for v in value)
    return str(value)


def safe_cell(text: str) -> str:
    """Text a spreadsheet will not run as a formula: a leading = + - @ tab or CR gets a ' in front."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def to_csv(result: QueryResult) -> str:
    """RFC 4180 CSV: rows end in CRLF, so a cell holding a bare CR is quoted like one holding a newline
    (with "\n" alone the csv module leaves a CR unquoted, and a spreadsheet starts a new row there)."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(result.columns)
    for row in result.rows:
        writer.writerow([_csv_cell(v) for v in row])
    return buf.getvalue()


def _csv_cell(value: Any) -> Any:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value
    return safe_cell(cell_text(value))


def to_json(result: QueryResult) -> str:
    return json.dumps(result.records(), ensure_ascii=False, indent=2) + "\n"


_NAMED_CONTROLS = {"\n": "\\n", "\r": "\\r", "\t": "\\t", "\x1b": "\\e"}


def escape_controls(text: str) -> str:
    """`text` with every control and invisible formatting character written as an escape a reader can see:
    terminal controls (ESC sequences, BEL, backspace, CR), line and paragraph separators, and the bidi
    overrides and zero-width characters that reorder or hide what is shown.

    >>> escape_controls("ab\\x1b[31mred\\u202egnp.exe\\n")
    'ab\\\\e[31mred\\\\u202egnp.exe\\\\n'
    """
    if text.isprintable():
        return text
    out = []
    for ch in text:
        if ch.isprintable() or ch == " ":
            out.append(ch)
        elif ch in _NAMED_CONTROLS:
            out.append(_NAMED_CONTROLS[ch])
        elif ord(ch) <= 0xFF:
            out.append(f"\\x{ord(ch):02x}")
        else:
            out.append(f"\\u{ord(ch):04x}" if ord(ch) <= 0xFFFF else f"\\U{ord(ch):08x}")
    return "".join(out)


def to_table(result: QueryResult) -> str:
    """An aligned text table (CJK characters count as two columns); lists joined by '; '; control and
    bidi characters shown escaped (`escape_controls`), so no cell can drive the terminal."""
    cells = [[escape_controls(cell_text(v).replace(LIST_SEPARATOR, "; ")) for v in row]
             for row in result.rows]
    widths = [_width(c) for c in result.columns]
    for row in cells:
        widths = [max(w, _width(c)) for w, c in zip(widths, row, strict=True)]
    lines = ["  ".join(_pad(c, w) for c, w in zip(result.columns, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(_pad(c, w) for c, w in zip(row, widths, strict=True)).rstrip() for row in cells]
    lines.append(f"({len(cells)} row{'' if len(cells) == 1 else 's'})")
    return "\n".join(lines) + "\n"


def _width(text: str) -> int:
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def write_xlsx(result: QueryResult, path: Path, sheet: str = "result") -> None:
    """An XLSX workbook: one sheet, header row, lists joined by ';', text never read as a formula."""
    path.write_bytes(xlsx_bytes(result, sheet))


def xlsx_bytes(result: QueryResult, sheet: str = "result") -> bytes:
    """The XLSX workbook of `write_xlsx` as bytes."""
    import xlsxwriter

    buf = io.BytesIO()
    options = {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
    book = xlsxwriter.Workbook(buf, options)
    try:
        ws = book.add_worksheet(sheet[:31])
        bold = book.add_format({"bold": True})
        for c, name in enumerate(result.columns):
            ws.write_string(0, c, name, bold)
        for r, row in enumerate(result.rows, start=1):
            for c, value in enumerate(row):
                if isinstance(value, int | float) and not isinstance(value, bool):
                    ws.write_number(r, c, value)
                else:
                    ws.write_string(r, c, safe_cell(cell_text(value)))
    finally:
        book.close()
    return buf.getvalue()


def format_result(result: QueryResult, fmt: Format) -> str:
    """The result as text in one of table, csv, json (xlsx is binary: use write_xlsx)."""
    if fmt == "table":
        return to_table(result)
    if fmt == "csv":
        return to_csv(result)
    if fmt == "json":
        return to_json(result)
    raise QueryError(f"{fmt} output is a file: write it with write_xlsx (or --out FILE).")
