"""Entry point of the dashboards: `caselink serve` runs it (through served_app.py, which puts the download
check in front of it).

Each page is a file under app_pages/ registered in PAGES (one line each, in its sidebar section); the sidebar
carries the language switch. Text is Simplified Chinese by default (dashboards/i18n.py).
"""

from __future__ import annotations

import streamlit as st

from dashboards import auth, data, patterns_data
from dashboards.i18n import language_switch, t

st.set_page_config(page_title="caselink 信访关联", layout="wide")
language_switch()
auth.gate()  # login form when a users file exists; stops here until logged in

PAGES = {
    t("查询", "Look up"): [
        # the overview at the app root (a hidden default page) and at /overview (a link or bookmark to it)
        st.Page("app_pages/overview.py", title=t("概览", "Overview"), url_path="home", default=True,
                visibility="hidden"),
        st.Page("app_pages/overview.py", title=t("概览", "Overview"), url_path="overview"),
        st.Page("app_pages/search.py", title=t("检索", "Search"), url_path="search"),
        st.Page("app_pages/details.py", title=t("详情", "Details"), url_path="details"),
        st.Page("app_pages/path.py", title=t("最短关联", "Shortest connection"), url_path="path"),
        st.Page("app_pages/intake.py", title=t("来访查重", "Intake check"), url_path="intake"),
    ],
    t("规律", "Patterns"): [
        st.Page("app_pages/repeat.py", title=t("重复访", "Repeat petitioning"), url_path="repeat"),
        st.Page("app_pages/multi_channel.py", title=t("多头访", "Multi-channel"), url_path="multi-channel"),
        st.Page("app_pages/skip_level.py", title=t("越级访", "Skip-level"), url_path="skip-level"),
        st.Page("app_pages/cross_county.py", title=t("跨地区", "Cross-county"), url_path="cross-county"),
        st.Page("app_pages/bounced.py", title=t("推诿", "Bounced cases"), url_path="bounced"),
        st.Page("app_pages/overdue.py", title=t("超期", "Overdue"), url_path="overdue"),
    ],
    t("管理", "Administration"): [
        st.Page("app_pages/review.py", title=t("人工核对", "Review queue"), url_path="review"),
        st.Page("app_pages/quality.py", title=t("数据质量", "Data quality"), url_path="quality"),
    ],
}
# every page listed (expanded): a collapsed list would hide some behind Streamlit's untranslated "View more"
st.navigation(auth.visible(PAGES), expanded=True).run()
# The page is drawn: the embedded graph (read on the first search or pattern page, ~5 s at 200k filings)
# is read while the user looks at it, from a second on (the page is sent first); on Neo4j the pattern pages'
# default results are computed meanwhile (dashboards/pattern_results.py).
data.store().prefetch(after=1.0)
patterns_data.warm_patterns()
