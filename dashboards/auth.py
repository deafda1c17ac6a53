"""Login before any page, roles, the reveal switch and session time-outs.

streamlit_app.py calls `gate()` before `st.navigation(visible(PAGES))`:

- With a users file (WORKSPACE/users.toml or $CASELINK_USERS, written by `caselink users add`), nothing
  but the login form is shown until a user logs in. The session ends on logout, after
  $CASELINK_SESSION_MINUTES (default 30) without a click, or when the user is removed from the file.
  Logins, failed logins, logouts and the reveal switch are written to the workspace audit log. Five failed
  attempts lock a name for five minutes.
- Without a users file the dashboards run in single-user local mode (`caselink serve` listens on 127.0.0.1
  only): every page, personal data always masked, and the sidebar says how to add users. A browser on
  another computer (server started with --host) gets a refusal, not the pages, until users are added.

Only investigators and admins get the sidebar switch that shows ID numbers and phones unmasked (off by
default).

A browser refresh or a pasted link starts a new Streamlit session: the login lives on in a signed cookie
(`caselink_session`: user, role and expiry, HMAC-SHA256 with WORKSPACE/session.key, a random key made on
first use, file mode 0600). It expires after the same $CASELINK_SESSION_MINUTES without activity (re-issued
as the user works), is refused when the user was removed or changed role, and is cleared and revoked at
logout or time-out. It is set by the page's script (SameSite=Strict), so it is not HttpOnly.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import ipaddress
import json
import os
import secrets
import threading
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

import streamlit as st

from caselink import audit
from caselink.users import User, UsersError, authenticate, load_users, users_path
from dashboards import data, session
from dashboards.i18n import t
from dashboards.markup import md

TIMEOUT_ENV = "CASELINK_SESSION_MINUTES"
DEFAULT_TIMEOUT_MINUTES = 30.0
MAX_FAILURES = 5
LOCK_SECONDS = 300.0
STAFF = frozenset({"investigator", "coordinator", "admin"})
PAGE_ROLES: dict[str, frozenset[str]] = {"review": STAFF, "quality": STAFF, "data-quality": STAFF}
"""Pages (by url_path prefix) only some roles see; every other page is open to all logged-in users."""

_LAST_SEEN = "auth_last_seen"
_NOTICE = "auth_notice"
COOKIE = "caselink_session"
KEY_FILE = "session.key"
_ISSUED = "auth_cookie_issued"
_TOKEN = "auth_cookie_token"
_CLEAR = "auth_cookie_clear"
REISSUE_SECONDS = 60.0
"""The cookie is re-issued (its expiry moved on) at most once a minute while the user works."""
ROLE_NAMES = {"clerk": ("登记员", "clerk"), "investigator": ("调查员", "investigator"),
              "coordinator": ("协调员", "coordinator"), "admin": ("管理员", "admin")}


def timeout_seconds() -> float:
    """$CASELINK_SESSION_MINUTES (default 30) in seconds."""
    try:
        minutes = float(os.environ.get(TIMEOUT_ENV) or DEFAULT_TIMEOUT_MINUTES)
    except ValueError:
        minutes = DEFAULT_TIMEOUT_MINUTES
    return max(minutes, 0.0) * 60.0


def role_label(role: str) -> str:
    zh, en = ROLE_NAMES.get(role, (role, role))
    return t(zh, en)


def page_allowed(url_path: str, role: str | None) -> bool:
    """True when `role` may open the page at `url_path` (None = local mode: every page)."""
    if role is None:
        return True
    for prefix, roles in PAGE_ROLES.items():
        if url_path == prefix or url_path.startswith(prefix + "-") or url_path.startswith(prefix + "_"):
            return role in roles
    return True


def visible(sections: Mapping[str, Sequence[st.Page]]) -> dict[str, list[st.Page]]:
    """The pages this session's role may open, by sidebar section (st.navigation only offers and routes to
    these); a section with none of them is left out."""
    role = session.role()
    shown = {name: [p for p in pages if page_allowed(p.url_path, role)] for name, pages in sections.items()}
    return {name: pages for name, pages in shown.items() if pages}


def gate() -> None:
    """Show the login form and stop the script unless this session may see pages; draw the account box."""
    path = users_path(data.workspace().root)
    if not path.exists():
        _local_mode()
        return
    try:
        users = load_users(path)
    except UsersError as exc:
        st.error(t("用户文件无法读取：", "The users file cannot be read: ") + md(exc))
        st.stop()
    name = st.session_state.get(session.USER_KEY) or _resume(users)
    if name:
        current = users.get(str(name))
        idle = time.time() - float(st.session_state.get(_LAST_SEEN, 0.0))
        if idle > timeout_seconds():
            _logout("timeout", t("会话已超时，请重新登录。", "Your session timed out: please log in again."))
        elif current is None or current.role != session.role():
            _logout("account changed",
                    t("账户已变更，请重新登录。", "Your account changed: please log in again."))
        else:
            st.session_state[_LAST_SEEN] = time.time()
            _keep_cookie(current)
            _account_box(current)
            return
    _login_form(users)
    st.stop()


def _local_mode() -> None:
    for key in (session.USER_KEY, session.ROLE_KEY, session.REVEAL_KEY):
        st.session_state.pop(key, None)
    remote = st.context.ip_address  # None for a browser on this computer
    if is_remote(remote):
        audit.record(data.workspace().audit_log, "refused_remote", remote=remote)
        st.error(t(
            "单用户本地模式只为本机服务。要让其他电脑访问，请先添加用户："
            "`caselink users add 姓名 --role 角色`。",
            "Single-user local mode serves this computer only. To let other computers in, add users first: "
            "`caselink users add NAME --role ROLE`.",
        ))
        st.stop()
    with st.sidebar:
        st.caption(t(
            "单用户本地模式：未设置登录，证件号和电话始终遮蔽。添加用户后启用登录："
            "`caselink users add 姓名 --role clerk|investigator|coordinator|admin`",
            "Single-user local mode: no login, ID numbers and phones always masked. Add users to turn on "
            "login: `caselink users add NAME --role clerk|investigator|coordinator|admin`",
        ))


def is_remote(address: object) -> bool:
    """True for a client address that is not this computer (an unreadable address counts as remote).
    Anything but a string (no client connection, as under AppTest) is not a remote browser."""
    if not isinstance(address, str):
        return False
    try:
        return not ipaddress.ip_address(address.split("%")[0]).is_loopback
    except ValueError:
        return True


def _account_box(user: User) -> None:
    with st.sidebar:
        st.caption(t("已登录：", "Logged in: ") + f"{md(user.name)} · {role_label(user.role)}")
        if user.role in session.REVEALING_ROLES:
            st.toggle(t("显示完整证件号和电话", "Show full ID numbers and phones"), key=session.REVEAL_KEY,
                      on_change=_audit_reveal,
                      help=t("默认遮蔽；打开后的查询和导出会记入审计日志。",
                             "Masked by default; what you view or export while it is on is audited."))
        else:
            st.session_state.pop(session.REVEAL_KEY, None)
        st.button(t("退出登录", "Log out"), key="auth_logout", on_click=_logout,
                  args=("logout", t("已退出登录。", "You are logged out.")))


def _audit_reveal() -> None:
    audit.record(data.workspace().audit_log, "reveal_on" if st.session_state.get(session.REVEAL_KEY)
                 else "reveal_off", user=session.user(), role=session.role())


def _logout(reason: str, notice: str) -> None:
    name = st.session_state.get(session.USER_KEY)
    if name:
        audit.record(data.workspace().audit_log, "logout", user=str(name), reason=reason)
    for key in (session.USER_KEY, session.ROLE_KEY, session.REVEAL_KEY, _LAST_SEEN, _ISSUED):
        st.session_state.pop(key, None)
    token = st.session_state.pop(_TOKEN, None) or _cookie()
    if token:
        revoked().add(token)
    st.session_state[_CLEAR] = True
    st.session_state[_NOTICE] = notice


# --- the signed session cookie ------------------------------------------------------------------------------


def _secret() -> bytes:
    """The workspace's cookie-signing key, made (32 random bytes, mode 0600) on first use."""
    path = data.workspace().root / KEY_FILE
    try:
        key = path.read_bytes()
        if len(key) >= 32:
            return key
    except OSError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600))  # private before it holds the key
    path.write_bytes(secrets.token_bytes(32))
    return path.read_bytes()


def make_token(name: str, role: str, expires: float, key: bytes) -> str:
    """`payload.signature`, both URL-safe base64: the user, role, expiry (epoch seconds) and a nonce."""
    payload = json.dumps({"u": name, "r": role, "e": int(expires), "n": secrets.token_hex(8)},
                         ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    sig = hmac.new(key, payload, hashlib.sha256).digest()
    return ".".join(base64.urlsafe_b64encode(part).decode("ascii") for part in (payload, sig))


def read_token(token: str, key: bytes, now: float) -> tuple[str, str] | None:
    """(user, role) of a token signed with `key` and not expired at `now`, else None."""
    try:
        body, _, sig = token.partition(".")
        payload, signature = base64.urlsafe_b64decode(body), base64.urlsafe_b64decode(sig)
        # only the one spelling make_token writes: base64 decoding skips what follows the padding, and a
        # second spelling of a token given up at logout would not be found among the revoked ones
        if token != ".".join(base64.urlsafe_b64encode(p).decode("ascii") for p in (payload, signature)):
            return None
        expected = hmac.new(key, payload, hashlib.sha256).digest()
        if not hmac.compare_digest(expected, signature):
            return None
        claims = json.loads(payload)
        if float(claims["e"]) <= now:
            return None
        return str(claims["u"]), str(claims["r"])
    except (ValueError, KeyError, TypeError, UnicodeError):
        return None


_REVOKED: set[str] = set()


def revoked() -> set[str]:
    """Tokens given up at logout or time-out (this server process). A plain module-level set, not a
    Streamlit cache: dashboards/download_guard.py reads it outside any script run."""
    return _REVOKED


def _cookie() -> str | None:
    try:
        value = st.context.cookies.get(COOKIE)
    except Exception:  # no browser connection (AppTest, bare mode)
        return None
    return str(value) if value else None


def _resume(users: dict[str, User]) -> str | None:
    """The user of a valid session cookie (a refresh or a pasted link), logged in again; else None."""
    token = _cookie()
    if not token or token in revoked() or st.session_state.get(_CLEAR):
        return None
    claims = read_token(token, _secret(), time.time())
    user = users.get(claims[0]) if claims else None
    if claims is None or user is None or user.role != claims[1]:
        return None
    st.session_state[session.USER_KEY] = user.name
    st.session_state[session.ROLE_KEY] = user.role
    st.session_state[session.REVEAL_KEY] = False
    st.session_state[_LAST_SEEN] = time.time()
    st.session_state[_TOKEN] = token
    audit.record(data.workspace().audit_log, "session_resumed", user=user.name, role=user.role)
    return user.name


def _keep_cookie(user: User) -> None:
    """Issue the cookie after login, and again once a minute while the user works (its expiry moves on)."""
    now = time.time()
    if now - float(st.session_state.get(_ISSUED, 0.0)) < REISSUE_SECONDS:
        return
    old = st.session_state.get(_TOKEN)
    if old:
        revoked().add(old)
    token = make_token(user.name, user.role, now + timeout_seconds(), _secret())
    st.session_state[_TOKEN] = token
    st.session_state[_ISSUED] = now
    _set_cookie(token, int(timeout_seconds()))


def _set_cookie(value: str, max_age: int) -> None:
    cookie = f"{COOKIE}={value}; Max-Age={max_age}; Path=/; SameSite=Strict"
    st.html(f"<script>document.cookie = {json.dumps(cookie)};</script>", unsafe_allow_javascript=True)


@st.cache_resource
def _failures() -> tuple[threading.Lock, dict[str, list[float]]]:
    """Recent failed-login times per name, shared by every session of this server."""
    return threading.Lock(), {}


def _locked(name: str, now: float) -> bool:
    lock, table = _failures()
    with lock:
        recent = [at for at in table.get(name, []) if now - at < LOCK_SECONDS]
        table[name] = recent
        return len(recent) >= MAX_FAILURES


def _note_failure(name: str, now: float) -> None:
    lock, table = _failures()
    with lock:
        table.setdefault(name, []).append(now)


def _login_form(users: dict[str, User]) -> None:
    if st.session_state.pop(_CLEAR, False):
        _set_cookie("", 0)
    st.title(t("caselink 信访关联 · 登录", "caselink · Log in"))
    notice = st.session_state.pop(_NOTICE, None)
    if notice:
        st.info(md(notice))
    if not users:
        st.warning(t("用户文件中没有用户。请运行 `caselink users add 姓名 --role 角色`。",
                     "The users file has no users: run `caselink users add NAME --role ROLE`."))
    with st.form("login"):
        name = st.text_input(t("用户名", "User name"), max_chars=64)
        password = st.text_input(t("密码", "Password"), type="password", max_chars=256)
        submitted = st.form_submit_button(t("登录", "Log in"), type="primary")
    minutes = timeout_seconds() / 60
    st.caption(t(f"闲置 {minutes:g} 分钟后自动退出。账户由管理员用 `caselink users add` 创建。",
                 f"Sessions end after {minutes:g} minutes without activity. An administrator creates "
                 "accounts with `caselink users add`."))
    if submitted:
        _try_login(users, name.strip(), password)


def _try_login(users: dict[str, User], name: str, password: str) -> None:
    log: Path = data.workspace().audit_log
    now = time.time()
    if _locked(name, now):
        audit.record(log, "login_failed", user=name, reason="locked")
        st.error(t("失败次数过多，请 5 分钟后再试。", "Too many failed attempts: try again in 5 minutes."))
        return
    user = authenticate(users, name, password)
    if user is None:
        _note_failure(name, now)
        audit.record(log, "login_failed", user=name, reason="wrong name or password")
        st.error(t("用户名或密码不正确。", "Wrong user name or password."))
        return
    st.session_state[session.USER_KEY] = user.name
    st.session_state[session.ROLE_KEY] = user.role
    st.session_state[session.REVEAL_KEY] = False
    st.session_state[_LAST_SEEN] = now
    st.session_state.pop(_CLEAR, None)
    st.session_state.pop(_ISSUED, None)
    audit.record(log, "login", user=user.name, role=user.role)
    st.rerun()
