"""What the pages read: the workspace and its graph store, opened once per server process.

The embedded store is opened again when `caselink ingest` rewrote its graph file (the pages then read the
new graph, not the one in memory); the old one is closed, which lets its memory go.
"""

from __future__ import annotations

import streamlit as st

from caselink.workspace import Workspace
from graph.memory_store import FILE_NAME
from graph.settings import Settings
from graph.store import GraphStore, open_store


@st.cache_resource
def workspace() -> Workspace:
    return Workspace.open()


@st.cache_resource
def settings() -> Settings:
    return Settings.from_env()


def store() -> GraphStore:
    """The graph store of the workspace (Neo4j or the embedded graph as its file is now)."""
    return _store(_graph_file_stamp())


def _graph_file_stamp() -> str:
    if settings().backend != "embedded":
        return ""
    try:
        stat = (workspace().graph_dir / FILE_NAME).stat()
    except FileNotFoundError:
        return "none"
    return f"{stat.st_mtime_ns}:{stat.st_size}"


def _close(store: GraphStore) -> None:
    store.close()


@st.cache_resource(max_entries=1, show_spinner=False, on_release=_close)
def _store(stamp: str) -> GraphStore:
    return open_store(settings(), workspace())


@st.cache_data(max_entries=8, ttl=60)
def counts() -> dict[str, int]:
    return store().counts()
