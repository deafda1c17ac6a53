"""Tables on the pages: personal data masked by default, and every table downloadable as CSV and XLSX.

    show_table(df, "repeat-petitions", personal={"id_number": "id_number", "phone": "phone"})

Exports are safe to open in a spreadsheet (no cell is ever read as a formula), each download is written to
the workspace audit log, and its URL serves only the session it was exported in (dashboards/download_guard).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Mapping
from functools import partial
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st

from caselink import audit
from caselink.privacy import mask_texts, masked
from dashboards import data, download_guard, session
from dashboards.columns import labels
from dashboards.i18n import lang, t
from queries.run import cell_text, safe_cell


def mask_frame(df: pd.DataFrame, personal: Mapping[str, str]) -> pd.DataFrame:
    """A copy with the columns named in `personal` (column -> 'id_number' | 'phone') masked, and ID numbers
    and phones inside any text (content, address, reply, notes …) masked, unless this session may reveal
    personal data."""
    if session.may_reveal():
        return df
    out = df.copy()
    for column, kind in personal.items():
        if column in out.columns:
            out[column] = [masked(v if isinstance(v, str) else None, kind) for v in out[column]]
    types = pd.api.types
    for column in out.columns:
        if types.is_object_dtype(out[column]) or types.is_string_dtype(out[column]):
            out[column] = mask_texts(out[column])
    return out


def blank_missing(df: pd.DataFrame) -> pd.DataFrame:
    """A copy whose missing text cells are empty (the grid would print a grey "None" in them).

    >>> blank_missing(pd.DataFrame({"a": ["x", None], "n": [1.0, None]})).values.tolist()
    [['x', 1.0], ['', nan]]
    """
    types = pd.api.types
    text = [c for c in df.columns if types.is_object_dtype(df[c]) or types.is_string_dtype(df[c])]
    if not text:
        return df
    out = df.copy()
    for column in text:
        out[column] = out[column].where(out[column].notna(), "")
    return out


def to_csv_bytes(df: pd.DataFrame) -> bytes:
    """UTF-8 CSV with BOM (Excel opens it as UTF-8); lists joined by ';'; no cell starts a formula."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow([safe_cell(str(c)) for c in df.columns])
    for row in df.itertuples(index=False):
        writer.writerow([_cell(v) for v in row])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def to_xlsx_bytes(df: pd.DataFrame, sheet: str = "caselink") -> bytes:
    """An XLSX workbook of the table; text is never turned into formulas or links."""
    import xlsxwriter

    buf = io.BytesIO()
    options = {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
    book = xlsxwriter.Workbook(buf, options)
    ws = book.add_worksheet(sheet[:31])
    bold = book.add_format({"bold": True})
    for c, name in enumerate(df.columns):
        ws.write_string(0, c, safe_cell(str(name)), bold)
    for r, row in enumerate(df.itertuples(index=False), start=1):
        for c, value in enumerate(row):
            if isinstance(value, int | float) and not isinstance(value, bool) and pd.notna(value):
                ws.write_number(r, c, value)
            else:
                ws.write_string(r, c, _cell(value))
    book.close()
    return buf.getvalue()


def _cell(value: Any) -> Any:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return "" if pd.isna(value) else value
    if hasattr(value, "tolist"):
        value = value.tolist()
    return safe_cell(cell_text(value))


def show_table(df: pd.DataFrame, name: str, *, personal: Mapping[str, str] | None = None,
               key: str | None = None) -> pd.DataFrame:
    """Show `df` (masked as `personal` says) with CSV and XLSX download buttons; returns what was shown.

    The files are built only when a button is clicked (on Streamlit's download thread), so a large table
    costs nothing on a page rerun; the download is written to the audit log then.
    """
    shown = mask_frame(df, personal or {})
    headers = labels(shown.columns, lang())
    st.dataframe(blank_missing(shown), width="stretch", hide_index=True,
                 column_config={c: st.column_config.Column(label=h) for c, h in headers.items()} or None)
    key = key or name
    log, user, is_masked = data.workspace().audit_log, session.user(), not session.may_reveal()
    cols = st.columns(2)
    for col, fmt, build, mime in (
        (cols[0], "csv", to_csv_bytes, "text/csv"),
        (cols[1], "xlsx", to_xlsx_bytes, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ):
        col.download_button(
            t(f"导出 {fmt.upper()}", f"Export {fmt.upper()}"),
            data=partial(_export, build, shown, log, user, name, fmt, is_masked),
            file_name=f"{name}.{fmt}", mime=mime, key=f"export-{key}-{fmt}", on_click="ignore",
        )
    return shown


def _export(build: Callable[[pd.DataFrame], bytes], df: pd.DataFrame, log: Path, user: str, name: str,
            fmt: str, is_masked: bool) -> bytes:
    payload = build(df)
    download_guard.record_export(payload, user)  # served to this user's session only
    audit.record(log, "export", user=user, table=name, format=fmt, rows=len(df), masked=is_masked)
    return payload
