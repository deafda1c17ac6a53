"""Overdue filings (超期): not concluded past the handling limit — 60 days, or 90 with an approved extension
(信访工作条例) — and filings concluded late (超期办结), with the delay. The page holds units to their time
limits; it is about matters, not people. When no loaded filing has a status or a concluded date (a file
without those columns), it says the statuses are unknown instead of counting every old filing overdue."""

from __future__ import annotations

from datetime import date

import streamlit as st

from dashboards import explore_data
from dashboards import patterns_data as pdata
from dashboards.i18n import t
from dashboards.tables import show_table

QUERY = "overdue"
defaults = pdata.defaults(QUERY)

st.title(t("超期", "Overdue filings"))
st.markdown(
    t(
        "受理后应在 **60 日**内办结；情况复杂的经批准可延长，最多 **30 日**（共 90 日）。超过时限仍未办结"
        "的信访件在这里列出，"
        "按责任单位汇总，便于督办。",
        "A matter is to be concluded within **60 days** of acceptance; complex matters may be extended by "
        "at most "
        "**30 days** (90 in all) with approval. Filings still open past their limit are listed here, "
        "summed up by "
        "responsible unit for follow-up.",
    )
)

c1, c2, c3 = st.columns(3)
limit_days = c1.number_input(
    t("办理时限（日）", "Handling limit (days)"),
    min_value=0,
    value=int(defaults["limit_days"]),
    step=1,
    key="overdue_limit_days",
)
extended_days = c2.number_input(
    t("延期后时限（日）", "Limit with an extension (days)"),
    min_value=0,
    value=int(defaults["extended_days"]),
    step=1,
    key="overdue_extended_days",
)
as_of = c3.date_input(t("计算到", "Counted to"), value=date.today(), key="overdue_as_of")
with st.expander(t("更多参数", "More settings")):
    marker = st.text_input(
        t("流转备注中表示延期的文字", "Text in a routing note that marks an extension"),
        value=str(defaults["extension_marker"]),
        key="overdue_marker",
    )
    statuses = st.text_input(
        t("办理中的状态（逗号分隔）", "Statuses of open filings (comma-separated)"),
        value=",".join(defaults["open_statuses"]),
        key="overdue_statuses",
    )

trends = explore_data.frame("overview-trends")
if len(trends) and not trends["with_status"].sum() and not trends["concluded"].sum():
    st.warning(
        t(
            f"已载入的 {int(trends['filings'].sum()):,} 件信访件都没有办理状态，也没有办结日期"
            "（导入的文件没有这两列）：办理状态不明，无法判断哪些已办结、哪些超期。"
            "请在数据中提供“办理状态”或“办结日期”（答复时间也可）后重新导入。",
            f"None of the {int(trends['filings'].sum()):,} loaded filings has a status or a concluded date "
            "(the imported file has no such columns): their statuses are unknown, so which are concluded and "
            "which are overdue cannot be told. Import the data with a status or a concluded date (a reply "
            "date counts) to see them.",
        )
    )
    st.stop()

df = pdata.pattern(
    QUERY,
    {
        "limit_days": int(limit_days),
        "extended_days": int(extended_days),
        "as_of": as_of.isoformat(),
        "extension_marker": marker,
        "open_statuses": statuses,
    },
)

m = st.columns(4)
m[0].metric(t("超期信访件", "Overdue filings"), f"{len(df):,}")
m[1].metric(t("其中已延期", "With an extension"), f"{int(df['extended'].sum()) if len(df) else 0:,}")
m[2].metric(
    t("超期天数中位数", "Median days overdue"), f"{int(df['days_overdue'].median()) if len(df) else 0:,}"
)
m[3].metric(t("涉及责任单位", "Responsible units"), f"{df['responsible_unit'].nunique():,}")

if df.empty:
    st.info(
        t(
            "没有超期的信访件。工作区为空时请先运行 `caselink ingest`。",
            "No overdue filings. An empty workspace needs `caselink ingest` first.",
        )
    )
else:
    st.subheader(t("超期件最多的责任单位", "Responsible units with the most overdue filings"))
    # by unit: the same department in two counties is two units, each held to its own filings
    unit_id = df["responsible_unit_id"].fillna("")
    codes = tuple(sorted({u.split(":")[0] for u in unit_id if ":" in u}))
    counties = pdata.county_names(codes) if codes else {}
    by_unit = (
        df.assign(unit_id=unit_id,
                  county_name=[counties.get(u.split(":")[0], "") if ":" in u else "" for u in unit_id],
                  responsible_unit=df["responsible_unit"].fillna("").replace("", t("（未填）", "(none)")))
        .groupby(["unit_id", "county_name", "responsible_unit"], as_index=False)
        .agg(filings=("filing_id", "count"), max_days_overdue=("days_overdue", "max"))
        .sort_values(["filings", "max_days_overdue"], ascending=False, ignore_index=True)
    )
    st.caption(t("按县区的责任单位汇总：不同县区的同名单位（如人社局）分开计算。",
                 "By responsible unit of each county: units of the same name in different counties (each "
                 "county's human resources bureau …) are counted apart."))
    show_table(by_unit.drop(columns=["unit_id"]).head(50), "overdue-by-unit")
    st.subheader(t("超期信访件", "Overdue filings"))
    show_table(pdata.with_names(df.sort_values("days_overdue", ascending=False, ignore_index=True)), QUERY)

LATE = "concluded-late"
late = pdata.pattern(
    LATE, {"limit_days": int(limit_days), "extended_days": int(extended_days), "extension_marker": marker}
)
st.subheader(t("超期办结", "Concluded late"))
st.caption(
    t(
        "已办结、但办结日期晚于时限（同上）的信访件：从登记到办结用了多少天，超出时限多少天。",
        "Filings concluded after their limit (as above): the days from registration to conclusion, and "
        "how many of them were past the limit.",
    )
)
m = st.columns(3)
m[0].metric(t("超期办结信访件", "Filings concluded late"), f"{len(late):,}")
m[1].metric(
    t("超时天数中位数", "Median days late"), f"{int(late['days_late'].median()) if len(late) else 0:,}"
)
m[2].metric(t("超期办结的责任单位", "Units that concluded late"), f"{late['responsible_unit'].nunique():,}")
if late.empty:
    st.info(t("没有超期办结的信访件。", "No filing was concluded late."))
else:
    show_table(pdata.with_names(late), LATE)
