"""Overview: what the workspace holds, filings over time and by channel, category and county, the units on the
most bounced routing chains, and how many filings are overdue. Aggregates are cached per store state."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import streamlit as st
from streamlit.errors import StreamlitAPIException

from dashboards import data, explore_data
from dashboards.i18n import t
from dashboards.tables import show_table

OVERDUE_PAGE = "app_pages/overdue.py"
BOUNCED_PAGE = "app_pages/bounced.py"

st.title(t("概览", "Overview"))
st.caption(t(f"工作区：{data.workspace().root}", f"Workspace: {data.workspace().root}"))

ov = explore_data.overview()
counts = ov.counts
cols = st.columns(5)
for col, label, zh, en in zip(
    cols,
    ["Filing", "Petitioner", "Issue", "Unit", "County"],
    ["信访件", "信访人", "事项", "单位", "县区"],
    ["Filings", "Petitioners", "Issues", "Units", "Counties"],
    strict=True,
):
    col.metric(t(zh, en), f"{counts.get(label, 0):,}")

if counts.get("Filing", 0) == 0:
    st.info(
        t(
            "工作区还没有数据。先运行 `caselink ingest FILINGS --workspace DIR`。",
            "The workspace is empty: run `caselink ingest FILINGS --workspace DIR` first.",
        )
    )
    st.stop()


def _page_exists(page: str) -> bool:
    return (Path(__file__).parents[1] / page).exists()


cols = st.columns(3)
cols[0].metric(
    t("超期未办结", "Overdue filings"),
    f"{ov.overdue:,}",
    help=t(
        "超过办理时限（60 天，延期 90 天）仍未办结的信访件，计至今天。",
        "Filings not concluded past the time limit (60 days, 90 with an extension), as of today.",
    ),
)
cols[1].metric(
    t("推诿件", "Bounced filings"),
    f"{ov.bounced_filings:,}",
    help=t(
        "转办经过 3 个以上承办单位、回到已去过的单位或被退回的信访件。",
        "Filings routed through 3+ handling units, back to a unit already visited, or sent back.",
    ),
)
concluded = int(ov.by_month["concluded"].sum())
total = int(ov.by_month["filings"].sum())
cols[2].metric(
    t("已办结", "Concluded"), f"{concluded:,}", help=t(f"共 {total:,} 件", f"of {total:,} filings")
)
links = st.columns(3)
for col, page, zh, en in (
    (links[0], OVERDUE_PAGE, "查看超期信访件 →", "See the overdue filings →"),
    (links[1], BOUNCED_PAGE, "查看推诿件 →", "See the bounced filings →"),
):
    try:
        if not _page_exists(page):
            raise StreamlitAPIException(page)
        col.page_link(page, label=t(zh, en))
    except StreamlitAPIException:  # the page is not there (or not registered) yet
        col.caption(t(zh.rstrip(" →") + "：页面尚未提供", en.rstrip(" →") + ": page not available yet"))

# --- trends ------------------------------------------------------------------------------------------------

st.subheader(t("趋势", "Trends"))
FILINGS, CONCLUDED = t("信访件", "filings"), t("已办结", "concluded")
by_month, by_channel, by_category, by_county = st.tabs(
    [t("按月", "By month"), t("按渠道", "By channel"), t("按类别", "By category"), t("按县区", "By county")]
)


def _bars(df: pd.DataFrame, column: str, title: str, top: int = 20) -> None:
    shown = df.head(top).rename(columns={column: title, "filings": FILINGS, "concluded": CONCLUDED})
    st.bar_chart(shown, x=title, y=FILINGS, horizontal=True, sort=f"-{FILINGS}")
    if len(df) > top:
        st.caption(t(f"显示前 {top} 项，共 {len(df)} 项。", f"The top {top} of {len(df)} shown."))


with by_month:
    month = ov.by_month
    st.line_chart(
        month.rename(columns={"month": t("月份", "Month"), "filings": FILINGS, "concluded": CONCLUDED}),
        x=t("月份", "Month"),
        y=[FILINGS, CONCLUDED],
    )
    st.caption(t("各渠道每月信访件", "Filings per month by channel"))
    st.bar_chart(ov.month_channel)
with by_channel:
    _bars(ov.by_channel, "channel", t("渠道", "Channel"))
with by_category:
    _bars(ov.by_category, "category", t("类别", "Category"))
with by_county:
    _bars(ov.by_county, "county", t("县区", "County"))

# --- bounced cases -----------------------------------------------------------------------------------------

st.subheader(t("推诿最多的单位", "Units with the most bounced cases"))
st.caption(
    t(
        "每个单位出现在多少件推诿件的转办链中（信访局、热线等只做分派的单位不计）。",
        "In how many bounced filings' routing chains each unit appears (dispatch-only units left out).",
    )
)
if ov.bounced_units.empty:
    st.info(t("没有推诿件。", "No bounced filings."))
else:
    top_units = ov.bounced_units.head(15)
    st.bar_chart(
        top_units.rename(columns={"unit": t("单位", "Unit"), "bounced_filings": t("推诿件", "Bounced")}),
        x=t("单位", "Unit"),
        y=t("推诿件", "Bounced"),
        horizontal=True,
        sort=f"-{t('推诿件', 'Bounced')}",
    )
    show_table(
        ov.bounced_units.rename(
            columns={
                "unit_id": t("单位编号", "unit_id"),
                "unit": t("单位", "unit"),
                "bounced_filings": t("推诿件数", "bounced_filings"),
            }
        ),
        "overview-bounced-units",
    )
    if not ov.bounce_pairs.empty:
        st.caption(t("来回推诿最多的单位对", "Unit pairs passing filings back and forth most"))
        show_table(ov.bounce_pairs.head(20).drop(columns=["filing_ids"]), "overview-bounce-pairs")
