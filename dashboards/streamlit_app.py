"""Entry point of the dashboards: `caselink serve` runs `streamlit run` on this file."""

from __future__ import annotations

import streamlit as st

st.set_page_config(page_title="caselink 信访关联", layout="wide")

pages = [
    st.Page("app_pages/overview.py", title="概览 Overview", default=True),
]
st.navigation(pages).run()
