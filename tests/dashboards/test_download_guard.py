"""Which `/media/` requests dashboards/download_guard.py refuses: real users files, real signed tokens and
Streamlit's own in-memory media storage. The browser suite (tests/browser/test_browser.py) runs the same
guard in front of a real server."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from streamlit.runtime.media_file_storage import MediaFileKind
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage

from caselink.users import add_user
from dashboards.auth import COOKIE, KEY_FILE, make_token, revoked
from dashboards.download_guard import record_export, refusal


@pytest.fixture
def ws(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "ws"
    root.mkdir(mode=0o700)
    (root / KEY_FILE).write_bytes(os.urandom(32))
    monkeypatch.setenv("CASELINK_WORKSPACE", str(root))
    monkeypatch.delenv("CASELINK_USERS", raising=False)
    monkeypatch.delenv("CASELINK_SESSION_MINUTES", raising=False)
    return root


def _storage(payload: bytes, kind: MediaFileKind = MediaFileKind.DOWNLOADABLE) -> tuple[str, object]:
    storage = MemoryMediaFileStorage("/media")
    path = storage.get_url(storage.load_and_get_id(payload, "text/csv", kind, "x.csv"))

    def read_file(name: str) -> tuple[bytes, bool] | None:
        try:
            stored = storage.get_file(name)
        except Exception:
            return None
        return stored.content, stored.kind == MediaFileKind.DOWNLOADABLE

    return path, read_file


def _cookie(ws: Path, name: str, role: str, expires: float | None = None) -> dict[str, str]:
    key = (ws / KEY_FILE).read_bytes()
    return {COOKIE: make_token(name, role, expires or time.time() + 600, key)}


def test_local_mode_serves_this_computer_only(ws: Path) -> None:
    path, read_file = _storage(b"a,b\r\n")
    assert refusal(path, {}, "127.0.0.1", read_file) is None
    assert refusal(path, {}, "192.0.2.7", read_file) == "single-user local mode serves this computer only"


def test_with_login_only_the_session_that_exported_the_file(ws: Path) -> None:
    add_user(ws / "users.toml", "clerk1", "clerk", "clerk password 1")
    add_user(ws / "users.toml", "inv1", "investigator", "inv password 1")
    payload = f"id,name\r\n{time.time()},x\r\n".encode()
    path, read_file = _storage(payload)
    record_export(payload, "clerk1")
    clerk = _cookie(ws, "clerk1", "clerk")
    assert refusal(path, clerk, "127.0.0.1", read_file) is None
    assert refusal(path, clerk, "192.0.2.7", read_file) is None  # a logged-in browser anywhere
    assert refusal(path, {}, "127.0.0.1", read_file) == "log in to download this file"
    respelled = {COOKIE: clerk[COOKIE] + "x"}
    assert refusal(path, respelled, "127.0.0.1", read_file) == "log in to download this file"
    expired = _cookie(ws, "clerk1", "clerk", time.time() - 1)
    assert refusal(path, expired, "127.0.0.1", read_file) == "log in to download this file"
    assert refusal(path, _cookie(ws, "clerk1", "admin"), "127.0.0.1", read_file) is not None  # role changed
    assert refusal(path, _cookie(ws, "nobody", "clerk"), "127.0.0.1", read_file) is not None  # no such user
    assert (
        refusal(path, _cookie(ws, "inv1", "investigator"), "127.0.0.1", read_file)
        == "this file was exported in another user's session"
    )
    # a file nobody exported (Streamlit serves downloads of other buttons the same way) is nobody's
    stray, read_stray = _storage(b"never recorded")
    assert refusal(stray, clerk, "127.0.0.1", read_stray) is not None
    # pictures and other media need a session, not an owner; a missing file goes on to Streamlit's 404
    picture, read_picture = _storage(b"png bytes", MediaFileKind.MEDIA)
    assert refusal(picture, clerk, "127.0.0.1", read_picture) is None
    assert refusal(picture, {}, "127.0.0.1", read_picture) is not None
    assert refusal("/media/0000.csv", clerk, "127.0.0.1", read_file) is None
    # logout or time-out gives the token up: the same cookie is refused from then on
    revoked().add(clerk[COOKIE])
    assert refusal(path, clerk, "127.0.0.1", read_file) == "log in to download this file"
