"""State files: named Arrow tables and a JSON header in one file, a format that cannot carry code.

    write_state(path, "graph", 2, {"nodes": table, ...}, meta={"built": "..."})
    meta, tables = read_state(path, "graph", 2)

Everything caselink keeps in a workspace between runs (records, the embedded graph, the intake index, the
overview's figures) is written this way instead of as pickles, which run code when loaded: whoever could
write into a workspace would run code as the account that opens it. A state file is

    MAGIC | Arrow IPC file | Arrow IPC file | ... | footer (UTF-8 JSON) | footer length (8 bytes LE) | MAGIC

where the footer names the kind of state, its format version, free JSON metadata and each table's byte range.
Reading maps the file and hands out the tables without copying. The file is written with graph.atomic's
write_atomically (a reader sees the old file or the new one), owner-only (0o600).
"""

from __future__ import annotations

import dataclasses
import enum
import json
import operator
import struct
import types
import typing
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np
import pyarrow as pa

from graph.atomic import write_atomically

MAGIC = b"CASELINK-STATE\x00\x01"
_LEN = struct.Struct("<Q")
PICKLE_START = b"\x80"
"""The first byte of a pickle of protocol 2 or later: how a file of an older caselink is told apart."""


class StateError(Exception):
    """A state file that cannot be used; str() says why (not what to do: the caller knows that)."""


class OldFormat(StateError):
    """The file is a pickle written by an older caselink (never loaded)."""


def write_state(
    path: Path, kind: str, version: int, tables: dict[str, pa.Table], meta: dict[str, Any] | None = None
) -> None:
    """Write `tables` and `meta` (JSON-able) as a state file of `kind` and format `version`, atomically."""

    def write(fh: BinaryIO) -> None:
        fh.write(MAGIC)
        ranges: dict[str, list[int]] = {}
        for name, table in tables.items():
            start = fh.tell()
            with pa.ipc.new_file(fh, table.schema) as writer:
                writer.write_table(table)
            ranges[name] = [start, fh.tell() - start]
        footer = json.dumps(
            {"kind": kind, "format": version, "meta": meta or {}, "tables": ranges}, ensure_ascii=False
        ).encode("utf-8")
        fh.write(footer)
        fh.write(_LEN.pack(len(footer)))
        fh.write(MAGIC)

    write_atomically(path, write, mode=0o600)


def read_state(path: Path, kind: str, version: int) -> tuple[dict[str, Any], dict[str, pa.Table]]:
    """(meta, tables) of a state file; StateError when it is not one of `kind` and `version` (OldFormat
    when it is a pickle of an older caselink). Raises OSError when it cannot be opened."""
    source = pa.memory_map(str(path), "r")
    buf = source.read_buffer()
    data = memoryview(buf)
    if len(data) >= 1 and bytes(data[:1]) == PICKLE_START:
        raise OldFormat(f"{path} is a pickle written by an older caselink")
    tail = len(MAGIC) + _LEN.size
    if (
        len(data) < len(MAGIC) + tail
        or bytes(data[: len(MAGIC)]) != MAGIC
        or bytes(data[-len(MAGIC) :]) != MAGIC
    ):
        raise StateError(f"{path} is not a caselink state file, or it is incomplete")
    (n,) = _LEN.unpack(data[-tail : -len(MAGIC)])
    end = len(data) - tail
    try:
        footer = json.loads(bytes(data[end - n : end]).decode("utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise StateError(f"{path}: damaged header ({exc})") from None
    if not isinstance(footer, dict) or footer.get("kind") != kind:
        raise StateError(
            f"{path} holds {footer.get('kind') if isinstance(footer, dict) else '?'}, not {kind}"
        )
    if footer.get("format") != version:
        raise StateError(
            f"{path} is format {footer.get('format')} of {kind}; this caselink reads format {version}"
        )
    tables: dict[str, pa.Table] = {}
    try:
        for name, (start, length) in footer["tables"].items():
            if start < len(MAGIC) or start + length > end - n:
                raise StateError(f"{path}: table {name} lies outside the file")
            tables[name] = pa.ipc.open_file(buf.slice(start, length)).read_all()
    except (pa.ArrowException, KeyError, TypeError, ValueError) as exc:
        raise StateError(f"{path}: damaged table ({exc})") from None
    return footer.get("meta") or {}, tables


# --- dataclass records as tables -------------------------------------------------------------------------

_SCALARS: dict[type, pa.DataType] = {
    int: pa.int64(),
    float: pa.float64(),
    bool: pa.bool_(),
    str: pa.string(),
    date: pa.date32(),
}


def _field_kind(hint: Any) -> tuple[str, Any]:
    """('scalar', type) | ('enum', class) | ('strings', None) | ('records', dataclass) of a field's type
    (None allowed in each)."""
    args = [a for a in typing.get_args(hint) if a is not type(None)]
    if typing.get_origin(hint) in (typing.Union, types.UnionType) and len(args) == 1:
        hint = args[0]
    if typing.get_origin(hint) is tuple:
        (item, _) = typing.get_args(hint)
        if item is str:
            return "strings", None
        if dataclasses.is_dataclass(item):
            return "records", item
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        return "enum", hint
    if hint in _SCALARS:
        return "scalar", hint
    raise TypeError(f"no table column for {hint!r}")


def dataclass_table(cls: type, items: Iterable[Any]) -> pa.Table:
    """Dataclass instances of `cls` as a table, one column per field: scalars and dates typed, enums as
    their values, tuples of strings as lists, tuples of small records as JSON (null when empty). Repeated
    strings and dates are dictionary-encoded; dataclass_rows reads the table back."""
    hints = typing.get_type_hints(cls)
    names = [f.name for f in dataclasses.fields(cls)]
    getters = [operator.attrgetter(n) for n in names]
    rows = list(items)
    columns: dict[str, pa.Array] = {}
    for name, get in zip(names, getters, strict=True):
        kind, of = _field_kind(hints[name])
        values = [get(r) for r in rows]
        if kind == "scalar":
            array = pa.array(values, _SCALARS[of])
        elif kind == "enum":
            array = pa.array([None if v is None else v.value for v in values], pa.string())
        elif kind == "strings":
            array = pa.array([None if v is None else list(v) for v in values], pa.list_(pa.string()))
        else:
            fields = [f.name for f in dataclasses.fields(of)]
            array = pa.array(
                [
                    json.dumps([[_plain(getattr(x, f)) for f in fields] for x in v], ensure_ascii=False)
                    if v
                    else None
                    for v in values
                ],
                pa.string(),
            )
        if pa.types.is_string(array.type) or pa.types.is_date32(array.type):
            array = array.dictionary_encode()
        columns[name] = array
    return pa.table(columns) if columns else pa.table({})


def _plain(value: Any) -> Any:
    return value.value if isinstance(value, enum.Enum) else value


def column_values(column: pa.ChunkedArray) -> list[Any]:
    """A column as Python values; a dictionary column makes each distinct value once, shared by its rows."""
    if column.num_chunks == 0:
        return []
    array = column.combine_chunks() if column.num_chunks != 1 else column.chunk(0)
    if pa.types.is_dictionary(array.type):
        lookup = array.dictionary.to_pylist()
        indices = array.indices
        if indices.null_count == 0:
            return [lookup[c] for c in numpy_of(indices).tolist()]
        return [None if c is None else lookup[c] for c in indices.to_pylist()]
    values: list[Any] = array.to_pylist()
    return values


_NUMPY_NAMES = {"double": "float64", "float": "float32", "halffloat": "float16"}


def numpy_of(data: pa.Array | pa.ChunkedArray) -> np.ndarray[Any, Any]:
    """A column of numbers without nulls as a numpy array over its buffer (no copy). pyarrow's own
    to_numpy() imports pandas on first use, which costs a command that needs no pandas ~0.8 s."""
    array = data if isinstance(data, pa.Array) else _one_chunk(data)
    if array.null_count or not (pa.types.is_integer(array.type) or pa.types.is_floating(array.type)):
        raise StateError(f"not a column of numbers without gaps: {array.type}")
    dtype = np.dtype(_NUMPY_NAMES.get(str(array.type), str(array.type)))
    buffer = array.buffers()[1]
    if buffer is None:
        return np.empty(0, dtype)
    return np.frombuffer(buffer, dtype=dtype, count=len(array), offset=array.offset * dtype.itemsize)


def _one_chunk(column: pa.ChunkedArray) -> pa.Array:
    if column.num_chunks == 1:
        return column.chunk(0)
    if column.num_chunks == 0:
        return pa.array([], column.type)
    return column.combine_chunks()


def dataclass_rows(cls: type, table: pa.Table) -> list[Any]:
    """The instances dataclass_table wrote (fields missing from the table get their defaults)."""
    hints = typing.get_type_hints(cls)
    fields = dataclasses.fields(cls)
    columns: list[list[Any]] = []
    for f in fields:
        if f.name not in table.column_names:
            raise StateError(f"the table has no column {f.name}")
        kind, of = _field_kind(hints[f.name])
        values = column_values(table.column(f.name))
        if kind == "enum":
            members = {m.value: m for m in of}
            values = [None if v is None else members[v] for v in values]
        elif kind == "strings":
            values = [() if not v else tuple(v) for v in values]
        elif kind == "records":
            values = [() if v is None else _records(of, json.loads(v)) for v in values]
        columns.append(values)
    if len({len(c) for c in columns}) > 1:
        raise StateError("the table's columns differ in length")
    return list(map(cls, *columns))


def _records(cls: type, rows: list[list[Any]]) -> tuple[Any, ...]:
    hints = typing.get_type_hints(cls)
    kinds = [_field_kind(hints[f.name]) for f in dataclasses.fields(cls)]
    return tuple(
        cls(
            *(
                of(v) if kind == "enum" and v is not None else v
                for (kind, of), v in zip(kinds, row, strict=True)
            )
        )
        for row in rows
    )
