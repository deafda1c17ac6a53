"""Overview: what the workspace holds, filings over time and by channel, category and county, the units on the
most bounced routing chains, and how many filings are overdue. Aggregates are cached per store state."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import streamlit as st
from streamlit.delta_generator import DeltaGenerator
from streamlit.errors import StreamlitAPIException

from dashboards import charts, data, explore_data
from dashboards.i18n import t
from dashboards.markup import md
from dashboards.tables import show_table

OVERDUE_PAGE = "app_pages/overdue.py"
BOUNCED_PAGE = "app_pages/bounced.py"

st.title(t("概览", "Overview"))
st.caption(t(f"工作区：{md(data.workspace().root)}", f"Workspace: {md(data.workspace().root)}"))

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
# Tabs run lazily (on_change="rerun"): only the open tab's charts are built and sent, so the first view ships
# one trend chart, not five: in a cold browser each chart's code and drawing delay the headline figures.

st.subheader(t("趋势", "Trends"))
FILINGS, CONCLUDED, COUNT = t("信访件", "filings"), t("已办结", "concluded"), t("件数", "Filings")
by_month, by_channel, by_category, by_county = st.tabs(
    [t("按月", "By month"), t("按渠道", "By channel"), t("按类别", "By category"), t("按县区", "By county")],
    key="overview_trend_tab",
    on_change="rerun",
)


EMPTY = "(空)"  # queries/overview.py's value for filings without one
UNKNOWN = {
    "channel": (t("未填写渠道", "channel not given"), t("“未填写渠道”：登记时没有填写信访形式的信访件。",
                "“channel not given”: filings registered without a channel.")),
    "category": (t("未分类", "no category"), t("“未分类”：登记时没有填写内容分类的信访件。",
                 "“no category”: filings registered without a category.")),
    "county": (t("县区未识别", "county not recognised"), t(
        "“县区未识别”：问题属地和住址都没有认出县区的信访件（见“数据质量”页的标记行）。",
        "“county not recognised”: filings whose place of the matter and address name no county caselink "
        "recognises (see the flagged rows on the Data quality page).")),
}


def _bars(tab: DeltaGenerator, df: pd.DataFrame, column: str, title: str, top: int = 20) -> None:
    if not tab.open:
        return
    with tab:
        name, note = UNKNOWN[column]
        shown = df.head(top).replace({column: {EMPTY: name}})
        charts.bars(shown, column, "filings", category_title=title, value_title=COUNT)
        if (shown[column] == name).any():
            st.caption(md(note))
        if len(df) > top:
            st.caption(t(f"显示前 {top:,} 项，共 {len(df)} 项。", f"The top {top:,} of {len(df)} shown."))


if by_month.open:
    with by_month:
        month = charts.months_filled(ov.by_month, "month", ["filings", "concluded"])
        month = month.rename(columns={"filings": FILINGS, "concluded": CONCLUDED})
        charts.lines(month, "month", [FILINGS, CONCLUDED], x_title=t("月份", "Month"), value_title=COUNT)
_bars(by_channel, ov.by_channel, "channel", t("渠道", "Channel"))
if by_channel.open:
    with by_channel:
        st.caption(t("各渠道每月信访件", "Filings per month by channel"))
        per_month = ov.month_channel.reset_index()
        per_month = charts.months_filled(per_month, "month", [c for c in per_month.columns if c != "month"])
        per_channel = per_month.melt(id_vars="month", var_name="channel", value_name="filings")
        per_channel["channel"] = per_channel["channel"].replace({EMPTY: UNKNOWN["channel"][0]})
        charts.bars(per_channel, "month", "filings", category_title=t("月份", "Month"), value_title=COUNT,
                    color="channel", color_title=t("渠道", "Channel"), horizontal=False)
_bars(by_category, ov.by_category, "category", t("类别", "Category"))
_bars(by_county, ov.by_county, "county", t("县区", "County"))

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
    units = ov.bounced_units.assign(
        county_name=[ov.county_names.get(uid.split(":")[0], "") for uid in ov.bounced_units["unit_id"]]
    )[["unit_id", "county_name", "unit", "bounced_filings"]]
    top_units = units.head(15)
    charts.bars(
        top_units.assign(label=(top_units["county_name"] + " " + top_units["unit"]).str.strip()),
        "label", "bounced_filings", category_title=t("单位", "Unit"), value_title=t("推诿件", "Bounced"),
    )
    tables = st.expander(t(f"全部 {len(units):,} 个单位和来回推诿的单位对（表格、导出）",
                           f"All {len(units):,} units and the unit pairs (tables, exports)"),
                         key="overview_bounced_tables", on_change="rerun")
    if tables.open:
        with tables:
            show_table(units, "overview-bounced-units")
            if not ov.bounce_pairs.empty:
                st.caption(t("来回推诿最多的单位对", "Unit pairs passing filings back and forth most"))
                show_table(ov.bounce_pairs.head(20).drop(columns=["filing_ids"]), "overview-bounce-pairs")
