"""What `caselink serve` runs: the dashboards (streamlit_app.py) as a Streamlit `st.App`, so that every
request passes dashboards/download_guard.py first (export downloads served to their own session only).
AppTest and the page tests open streamlit_app.py directly; `streamlit run` finds `app` here by itself."""

import streamlit as st
from starlette.middleware import Middleware

from dashboards.download_guard import DownloadGuard

app = st.App("streamlit_app.py", middleware=[Middleware(DownloadGuard)])
