"""Skip-level petitioning (越级访): visits received above county level with no earlier filing at county level
or below on the same matter. A sign the local level was not trusted or not reached. Letters, online filings,
calls and mailboxes may go to any level: the page says which channels are counted."""

from __future__ import annotations

import streamlit as st

from dashboards import charts
from dashboards import patterns_data as pdata
from dashboards.i18n import t
from dashboards.markup import md
from dashboards.tables import show_table
from ingest.columns import Channel, Level

QUERY = "skip-level"
defaults = pdata.defaults(QUERY)

st.title(t("越级访", "Skip-level petitioning"))
st.markdown(
    t(
        "信访应向有权处理的机关或其上一级机关提出（逐级走访）。在县级以上接待、而此前在县级及以下没有就同"
        "一事项反映过的走访，"
        "就是越级访。它提示基层的受理渠道没有发挥作用：应回到有权处理的机关办理。",
        "Visits go to the competent body or the one directly above it. A visit received above county "
        "level with "
        "no earlier filing on the same matter at county level or below is **skip-level**. It shows the "
        "local channel "
        "was not used or not trusted: the matter belongs back with the competent body.",
    )
)

levels = [str(v) for v in Level]
local_levels = st.multiselect(
    t("算作县级及以下的受理层级", "Levels that count as county level or below"),
    options=levels,
    default=[lv for lv in defaults["local_levels"] if lv in levels],
    key="skip_local_levels",
)
channels = [str(v) for v in Channel]
counted = st.multiselect(
    t("计入的信访形式", "Channels counted"),
    options=channels,
    default=[c for c in defaults["channels"] if c in channels],
    key="skip_channels",
)
others = "、".join(c for c in channels if c not in counted)
st.caption(
    t(
        f"计入：{md('、'.join(counted) or '无')}。只有走访须逐级提出（信访工作条例第二十四条）；"
        f"{md(others or '其他形式')}可以向任何一级提出，不算越级。",
        f"Counted: {md(', '.join(counted) or 'none')}. Only visits are to go level by level (信访工作条例 "
        f"Art. 24); {md(others or 'other channels')} may be addressed to any level and are not skip-level.",
    )
)
if not local_levels:
    st.warning(t("至少选择一个层级。", "Choose at least one level."))
    st.stop()
if not counted:
    st.warning(t("至少选择一种信访形式。", "Choose at least one channel."))
    st.stop()

df = pdata.pattern(QUERY, {"local_levels": tuple(local_levels), "channels": tuple(counted)})

m = st.columns(3)
m[0].metric(t("越级信访件", "Skip-level filings"), f"{len(df):,}")
m[1].metric(t("涉及信访人", "Petitioners"), f"{df['petitioner_id'].nunique():,}")
m[2].metric(t("涉及事项", "Issues"), f"{df['issue_id'].nunique():,}")

if df.empty:
    st.info(
        t(
            "没有越级访。工作区为空时请先运行 `caselink ingest`。",
            "No skip-level filings. An empty workspace needs `caselink ingest` first.",
        )
    )
else:
    st.subheader(t("按受理层级", "By receiving level"))
    levels = df["receiving_level"].value_counts().rename_axis("level").reset_index(name="filings")
    charts.bars(levels, "level", "filings", category_title=t("受理层级", "Receiving level"),
                value_title=t("件数", "Filings"))
    show_table(pdata.with_names(df), QUERY)
