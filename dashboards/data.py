"""What the pages read: the workspace and its graph store, opened once per server process."""

from __future__ import annotations

import streamlit as st

from caselink.workspace import Workspace
from graph.settings import Settings
from graph.store import GraphStore, open_store


@st.cache_resource
def workspace() -> Workspace:
    return Workspace.open()


@st.cache_resource
def store() -> GraphStore:
    return open_store(Settings.from_env(), workspace())


@st.cache_data(max_entries=8, ttl=60)
def counts() -> dict[str, int]:
    return store().counts()

