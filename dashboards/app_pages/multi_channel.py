"""Multi-channel petitioning (多头访): one petitioner and issue through several channels, or to several
receiving bodies within a short window. A sign the matter found no clear answer where it was first raised."""

from __future__ import annotations

import streamlit as st

from dashboards import charts
from dashboards import patterns_data as pdata
from dashboards.i18n import t
from dashboards.tables import show_table

QUERY = "multi-channel"
defaults = pdata.defaults(QUERY)

st.title(t("多头访", "Multi-channel petitioning"))
st.markdown(
    t(
        "同一信访人就同一事项通过**多种渠道**（来信、来访、网上、电话、领导信箱）反映，或在短时间内向**多"
        "个受理机关**反映。"
        "这往往说明首个受理机关没有给出明确答复或办理去向：应明确一个主办单位，避免重复处理。",
        "One petitioner raising one matter through **several channels** (letter, visit, online, phone, "
        "leaders' mailbox) "
        "or to **several receiving bodies** within a short time. Usually the first body gave no clear "
        "answer or "
        "route: name one lead unit and avoid handling the same matter twice.",
    )
)

c1, c2 = st.columns(2)
min_channels = c1.number_input(
    t("最少渠道数", "Least channels"),
    min_value=1,
    value=int(defaults["min_channels"]),
    step=1,
    key="multi_min_channels",
)
window_days = c2.number_input(
    t("不同受理机关间隔天数（以内）", "Days between two receiving bodies (at most)"),
    min_value=0,
    value=int(defaults["window_days"]),
    step=1,
    key="multi_window_days",
)

df = pdata.pattern(QUERY, {"min_channels": int(min_channels), "window_days": int(window_days)})

m = st.columns(4)
m[0].metric(t("事项（人×事项）", "Matters (petitioner × issue)"), f"{len(df):,}")
m[1].metric(t("多渠道", "Several channels"), f"{int(df['by_channel'].sum()) if len(df) else 0:,}")
m[2].metric(
    t("多个受理机关", "Several receiving bodies"), f"{int(df['by_receiving_org'].sum()) if len(df) else 0:,}"
)
m[3].metric(
    t("涉及信访件", "Filings involved"), f"{int(df['filing_ids'].map(len).sum()) if len(df) else 0:,}"
)

if df.empty:
    st.info(
        t(
            "没有符合条件的事项。可以调低最少渠道数或放宽间隔天数；工作区为空时请先运行 `caselink ingest`。",
            "No matter meets these settings. Lower the least channels or widen the window; "
            "an empty workspace needs `caselink ingest` first.",
        )
    )
else:
    counts = df.explode("channels")["channels"].value_counts().rename_axis("channel")
    counts = counts.reset_index(name="matters")
    st.subheader(t("各渠道涉及的事项数", "Matters by channel"))
    charts.bars(counts, "channel", "matters", category_title=t("渠道", "Channel"),
                value_title=t("事项数", "Matters"))
    show_table(pdata.with_names(df), QUERY)
