"""Data quality (数据质量): every ingest run with its figures, and the rows it rejected or flagged, filterable
by run, column and reason and exportable — so a clerk can fix the source export and ingest again."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from caselink.privacy import masked
from dashboards import charts, data, session
from dashboards import patterns_data as pdata
from dashboards.i18n import t
from dashboards.tables import show_table
from ingest.columns import FILING_COLUMNS, TRANSFER_COLUMNS

ALL = "__all__"

st.title(t("数据质量", "Data quality"))
st.markdown(
    t(
        "每次导入（`caselink ingest`）读取、导入、拒绝和标记的行数，以及被**拒绝**的行（未导入，需要改正源"
        "文件后重新导入）"
        "和被**标记**的行（已导入，但有值得核对的问题）。",
        "What each `caselink ingest` read, loaded, rejected and flagged, and the rows it **rejected** (not"
        " loaded: fix "
        "the source export and ingest again) or **flagged** (loaded, with something worth checking).",
    )
)

root = str(data.workspace().root)
runs = pdata.ingest_runs(root)
if runs.empty:
    st.info(
        t(
            "还没有导入记录。先运行 `caselink ingest FILINGS --workspace DIR`。",
            "No ingest yet. Run `caselink ingest FILINGS --workspace DIR` first.",
        )
    )
    st.stop()

latest = runs.iloc[0]
m = st.columns(5)
m[0].metric(t("导入次数", "Ingest runs"), f"{len(runs):,}")
for col, key, zh, en in (
    (m[1], "read", "最近一次读取", "Last run: read"),
    (m[2], "loaded", "导入", "loaded"),
    (m[3], "rejected", "拒绝", "rejected"),
    (m[4], "flagged", "标记", "flagged"),
):
    value = latest[key]
    col.metric(t(zh, en), "—" if value is None or value != value else f"{int(value):,}")

st.subheader(t("导入记录", "Ingest runs"))
show_table(runs, "ingest-runs")
with st.expander(t("按文件的汇总", "Figures per input file")):
    show_table(pdata.file_summaries(root), "ingest-file-summaries")

st.subheader(t("拒绝和标记的行", "Rejected and flagged rows"))
problems = pdata.problems(root)
c = st.columns(4)
run_pick = c[0].selectbox(
    t("导入批次", "Run"),
    options=[ALL, *runs["run"].tolist()],
    format_func=lambda r: t("全部", "all") if r == ALL else r,
    key="quality_run",
)
severity = c[1].selectbox(
    t("类型", "Kind"),
    options=[ALL, "reject", "flag"],
    key="quality_severity",
    format_func=lambda s: {
        ALL: t("全部", "all"),
        "reject": t("拒绝", "rejected"),
        "flag": t("标记", "flagged"),
    }[s],
)
# the input columns under their Chinese headers (the input format's own, shared/input-format.md)
HEADERS = {col.name: col.alias_zh for col in (*FILING_COLUMNS, *TRANSFER_COLUMNS)}


def column_name(column: str) -> str:
    """An input column as the clerk knows it: its Chinese header (the canonical name in English)."""
    if not column:
        return t("（整行）", "(whole row)")
    return t(HEADERS.get(column, column), column)


columns = sorted(c_ for c_ in problems["column"].unique())
column = c[2].selectbox(
    t("列", "Column"),
    options=[ALL, *columns],
    key="quality_column",
    format_func=lambda x: t("全部", "all") if x == ALL else column_name(x),
)
reason = c[3].text_input(t("原因包含", "Reason contains"), key="quality_reason")

shown = problems
if run_pick != ALL:
    shown = shown[shown["run"] == run_pick]
if severity != ALL:
    shown = shown[shown["severity"] == severity]
if column != ALL:
    shown = shown[shown["column"] == column]
if reason:
    shown = shown[
        shown["reason_zh"].str.contains(reason, regex=False)
        | shown["reason_en"].str.contains(reason, case=False, regex=False)
    ]


FILES = {"filings": ("信访件", "filings"), "transfers": ("流转", "transfers")}


def in_language(df: pd.DataFrame) -> pd.DataFrame:
    """The problems as the clerk reads them: file, column and severity named in the page's language, and
    the reason in that language only (both stay in problems.csv)."""
    out = df.drop(columns=[t("reason_en", "reason_zh")])
    out["file"] = out["file"].map(lambda f: t(*FILES.get(f, (f, f))))
    out["column"] = out["column"].map(column_name)
    out["severity"] = out["severity"].map(lambda v: kinds.get(v, v))
    return out


kinds = {"reject": t("拒绝", "rejected"), "flag": t("标记", "flagged")}


def _mask_personal(df: pd.DataFrame) -> pd.DataFrame:
    """ID-number and phone problems with the value masked, also where a reason quotes it."""
    personal = df["column"].isin(["id_number", "phone"]) & (df["value"] != "")
    if not personal.any():
        return df
    out = df.copy()
    for i in out.index[personal]:
        raw = str(out.at[i, "value"])
        plain = raw[1:] if raw.startswith("'") else raw
        hidden = masked(plain, str(out.at[i, "column"]))
        out.at[i, "value"] = hidden
        for col in ("reason_zh", "reason_en"):
            out.at[i, col] = str(out.at[i, col]).replace(plain, hidden)
    return out


if not session.may_reveal():  # a rejected ID number or phone is personal data too
    shown = _mask_personal(shown)

k = st.columns(3)
k[0].metric(t("问题数", "Problems"), f"{len(shown):,}",
            help=t("一行可有多个问题（每个有问题的单元格一条）。", "A row may have several (one per cell)."))
k[1].metric(t("拒绝", "Rejected"), f"{int((shown['severity'] == 'reject').sum()):,}")
k[2].metric(t("标记", "Flagged"), f"{int((shown['severity'] == 'flag').sum()):,}")
if shown.empty:
    st.info(t("没有符合筛选条件的问题。", "No problem matches these filters."))
else:
    st.caption(t("按列统计（拒绝 / 标记）", "By column (rejected / flagged)"))
    by_column = (shown.assign(column=shown["column"].map(column_name), severity=shown["severity"].map(kinds))
                 .groupby(["column", "severity"]).size().reset_index(name="problems"))
    charts.bars(by_column, "column", "problems", category_title=t("列", "Column"),
                value_title=t("问题数", "Problems"), color="severity", color_title=t("类型", "Kind"))
    show_table(in_language(shown.reset_index(drop=True)), "ingest-problems")
