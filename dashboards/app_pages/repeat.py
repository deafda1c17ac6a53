"""Repeat petitioning (重复访): one petitioner, one issue, several filings — above all after the matter was
concluded. A sign the matter is not resolved; the page is about matters, nobody is flagged."""

from __future__ import annotations

import streamlit as st

from dashboards import patterns_data as pdata
from dashboards.i18n import t
from dashboards.tables import show_table

QUERY = "repeat-petitions"
defaults = pdata.defaults(QUERY)

st.title(t("重复访", "Repeat petitioning"))
st.markdown(
    t(
        "同一信访人就同一事项多次来信来访，尤其是在事项**办结之后**再次反映。重复访说明事项**没有真正解决**："
        "应回看处理意见是否落实、是否需要复查或复核，而不是针对信访人本人。",
        "One petitioner raising one matter in several filings — above all **after the matter was concluded"
        "**. "
        "Repeat petitions are a sign the matter was **not resolved**: look again at whether the answer was"
        " carried "
        "out or whether review is due — they are not about the petitioner.",
    )
)

c1, c2 = st.columns(2)
min_filings = c1.number_input(
    t("最少件数（同一人同一事项）", "Least filings (one petitioner, one issue)"),
    min_value=1,
    value=int(defaults["min_filings"]),
    step=1,
    key="repeat_min_filings",
)
only_after = c2.checkbox(
    t("只看办结后又反映的事项", "Only matters raised again after conclusion"),
    key="repeat_only_after",
    help=t(
        "办结日期取该事项各件中最早的办结日期。",
        "Concluded = the earliest conclusion date among the filings.",
    ),
)

df = pdata.pattern(QUERY, {"min_filings": int(min_filings)})
shown = df[df["after_conclusion"]] if only_after else df

m = st.columns(4)
m[0].metric(t("事项（人×事项）", "Matters (petitioner × issue)"), f"{len(shown):,}")
m[1].metric(t("涉及信访件", "Filings involved"), f"{int(shown['filings'].sum()) if len(shown) else 0:,}")
m[2].metric(
    t("办结后又反映", "Raised after conclusion"), f"{int(df['after_conclusion'].sum()) if len(df) else 0:,}"
)
m[3].metric(
    t("办结后新增件数", "Filings after conclusion"),
    f"{int(shown['filings_after_conclusion'].sum()) if len(shown) else 0:,}",
)

if shown.empty:
    st.info(
        t(
            "没有符合条件的事项。可以调低最少件数，或取消“只看办结后”的勾选；工作区为空时请先运行 "
            "`caselink ingest`。",
            "No matter meets these settings. Lower the least number of filings or untick the filter; "
            "an empty workspace needs `caselink ingest` first.",
        )
    )
else:
    st.caption(t("按件数从多到少排列。", "Most filings first."))
    shown = shown.sort_values(["filings", "petitioner_id"], ascending=[False, True], ignore_index=True)
    show_table(pdata.with_names(shown), QUERY)
