"""Entry point of the dashboards: `caselink serve` runs `streamlit run` on this file.

Each page is a file under app_pages/ registered in PAGES (one line each); the sidebar carries the language
switch. Text is Simplified Chinese by default (dashboards/i18n.py).
"""

from __future__ import annotations

import streamlit as st

from dashboards import auth
from dashboards.i18n import language_switch, t

st.set_page_config(page_title="caselink 信访关联", layout="wide")
language_switch()
auth.gate()  # login form when a users file exists; stops here until logged in

PAGES = [
    st.Page("app_pages/overview.py", title=t("概览", "Overview"), url_path="overview", default=True),
    st.Page("app_pages/search.py", title=t("检索", "Search"), url_path="search"),
    st.Page("app_pages/details.py", title=t("详情", "Details"), url_path="details"),
    st.Page("app_pages/path.py", title=t("最短关联", "Shortest connection"), url_path="path"),
    st.Page("app_pages/intake.py", title=t("来访查重", "Intake check"), url_path="intake"),
]
st.navigation(auth.visible(PAGES)).run()
