"""Login, roles, the reveal switch and time-outs, run through the real app with Streamlit's AppTest."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from caselink.audit import read_log
from caselink.users import add_user
from dashboards.auth import is_remote, make_token, page_allowed, read_token

APP = str(Path(__file__).parents[2] / "dashboards" / "streamlit_app.py")
PASSWORD = "a long password"


@pytest.fixture
def ws(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "ws"
    monkeypatch.setenv("CASELINK_WORKSPACE", str(root))
    monkeypatch.setenv("CASELINK_BACKEND", "embedded")
    monkeypatch.delenv("CASELINK_USERS", raising=False)
    monkeypatch.delenv("CASELINK_SESSION_MINUTES", raising=False)
    st.cache_resource.clear()
    st.cache_data.clear()
    return root


def _app() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=30)
    at.run()
    assert not at.exception, at.exception
    return at


def _login(at: AppTest, name: str, password: str = PASSWORD) -> AppTest:
    at.text_input[0].input(name)
    at.text_input[1].input(password)
    at.button[0].click()
    at.run()
    assert not at.exception, at.exception
    return at


def _toggles(at: AppTest) -> list[str]:
    return [w.label for w in at.sidebar.toggle]


def _actions(ws: Path) -> list[tuple[str, str]]:
    return [(e["action"], e["user"]) for e in read_log(ws / "audit.log")]


def test_without_users_file_local_mode_shows_pages_and_how_to_add_users(ws: Path) -> None:
    at = _app()
    assert any("概览" in t.value for t in at.title)
    assert any("caselink users add" in c.value for c in at.sidebar.caption)
    assert not _toggles(at)
    assert not at.text_input


def test_pages_hidden_until_login_and_failures_audited(ws: Path) -> None:
    add_user(ws / "users.toml", "clerk1", "clerk", PASSWORD)
    at = _app()
    assert [t.value for t in at.title] == ["caselink 信访关联 · 登录"]
    assert not at.metric
    _login(at, "clerk1", "wrong password")
    assert any("不正确" in e.value for e in at.error)
    assert not at.metric
    _login(at, "clerk1")
    assert not at.error
    assert any("概览" in t.value for t in at.title)
    assert at.session_state["auth_user"] == "clerk1" and at.session_state["auth_role"] == "clerk"
    assert _actions(ws) == [("login_failed", "clerk1"), ("login", "clerk1")]
    assert PASSWORD not in (ws / "audit.log").read_text(encoding="utf-8")


def test_clerk_has_no_reveal_switch_investigator_has_one_off_by_default(ws: Path) -> None:
    add_user(ws / "users.toml", "clerk1", "clerk", PASSWORD)
    add_user(ws / "users.toml", "inv1", "investigator", PASSWORD)
    clerk = _login(_app(), "clerk1")
    assert not _toggles(clerk)
    inv = _login(_app(), "inv1")
    assert _toggles(inv) == ["显示完整证件号和电话"]
    assert inv.sidebar.toggle[0].value is False
    inv.sidebar.toggle[0].set_value(True).run()
    assert inv.session_state["reveal_personal"] is True
    assert ("reveal_on", "inv1") in _actions(ws)


def test_logout_and_timeout_end_the_session(ws: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    add_user(ws / "users.toml", "coord", "coordinator", PASSWORD)
    at = _login(_app(), "coord")
    logout = [b for b in at.sidebar.button if b.label == "退出登录"]
    logout[0].click().run()
    assert [t.value for t in at.title] == ["caselink 信访关联 · 登录"]
    assert any("已退出" in i.value for i in at.info)
    _login(at, "coord")
    at.session_state["auth_last_seen"] = time.time() - 31 * 60
    at.run()
    assert [t.value for t in at.title] == ["caselink 信访关联 · 登录"]
    assert any("超时" in i.value for i in at.info)
    monkeypatch.setenv("CASELINK_SESSION_MINUTES", "120")
    _login(at, "coord")
    at.session_state["auth_last_seen"] = time.time() - 31 * 60
    at.run()
    assert any("概览" in t.value for t in at.title)
    logouts = [e["reason"] for e in read_log(ws / "audit.log") if e["action"] == "logout"]
    assert logouts == ["logout", "timeout"]


def test_removed_user_is_logged_out_and_repeated_failures_lock(ws: Path) -> None:
    path = ws / "users.toml"
    add_user(path, "amy", "admin", PASSWORD)
    add_user(path, "bob", "clerk", PASSWORD)
    at = _login(_app(), "bob")
    from caselink.users import remove_user

    remove_user(path, "bob")
    at.run()
    assert [t.value for t in at.title] == ["caselink 信访关联 · 登录"]
    for _ in range(5):
        _login(at, "amy", "not the password")
    _login(at, "amy")
    assert any("5 分钟" in e.value for e in at.error)
    assert "auth_user" not in at.session_state
    reasons = [e.get("reason") for e in read_log(ws / "audit.log") if e["action"] == "login_failed"]
    assert reasons == ["wrong name or password"] * 5 + ["locked"]


def test_english_login_page(ws: Path) -> None:
    add_user(ws / "users.toml", "amy", "admin", PASSWORD)
    at = _app()
    at.sidebar.radio[0].set_value("en").run()
    assert [t.value for t in at.title] == ["caselink · Log in"]
    assert [w.label for w in at.text_input] == ["User name", "Password"]


def test_restricted_pages_by_role() -> None:
    assert page_allowed("overview", "clerk")
    assert page_allowed("intake", "clerk")
    assert not page_allowed("review", "clerk")
    assert not page_allowed("data-quality", "clerk")
    assert page_allowed("review", "coordinator") and page_allowed("quality", "investigator")
    assert page_allowed("review", None)
    assert page_allowed("reviewer-notes", "clerk")


def test_remote_addresses() -> None:
    assert not is_remote(None)
    assert not is_remote("127.0.0.1") and not is_remote("::1") and not is_remote("127.0.0.2")
    assert is_remote("192.0.2.7") and is_remote("fe80::1%eth0") and is_remote("not an address")


def test_session_token_is_signed_and_expires() -> None:
    key, other = b"k" * 32, b"o" * 32
    now = time.time()
    token = make_token("张三", "clerk", now + 60, key)
    assert read_token(token, key, now) == ("张三", "clerk")
    assert read_token(token, key, now + 61) is None  # expired
    assert read_token(token, other, now) is None  # signed with another workspace's key
    body, sig = token.split(".")
    forged = make_token("张三", "admin", now + 60, other).split(".")[0] + "." + sig
    assert read_token(forged, key, now) is None  # a role changed under a valid signature
    assert read_token("garbage", key, now) is None and read_token("", key, now) is None
    assert read_token(token + "x", key, now) is None  # another spelling of a (perhaps revoked) token
    assert read_token(token.replace(".", "=."), key, now) is None
