"""Export downloads checked against the login session.

Streamlit serves every file a page hands the browser (the CSV/XLSX exports of dashboards/tables.py) at
`/media/<id>.<ext>`, a URL that carries no session: copied out of one logged-in browser it would work from any
client while the file lives. `caselink serve` therefore runs the dashboards as a Streamlit `st.App`
(dashboards/served_app.py) with `DownloadGuard` in front of every route, which refuses a `/media/` request
(403 and a one-line reason) unless

- with a users file: it carries a valid signed session cookie (dashboards/auth.py: signature, expiry, not
  given up at logout or time-out, the user still in the users file with the same role), and an export file
  was built for that cookie's user (`record_export`, called when the file is built on the click);
- in single-user local mode (no users file): it comes from this computer, as the pages do.

The check reads the cookie header itself, so it holds for any client: a plain HTTP request, another browser,
another logged-in user.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from caselink.users import UsersError, load_users, users_path
from caselink.workspace import default_root

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
ASGIApp = Callable[
    [Scope, Callable[[], Awaitable[Message]], Callable[[Message], Awaitable[None]]], Awaitable[None]
]

MEDIA = "/media/"
_lock = threading.Lock()
_owners: dict[str, dict[str, float]] = {}
"""sha256 of an export's bytes -> {user it was built for: when}; identical exports of two users share one
file (Streamlit names files by their content), so each user is recorded."""


def record_export(payload: bytes, user: str) -> None:
    """Note that `user` was given this export file (it is served to that user's session only)."""
    from dashboards.auth import timeout_seconds

    digest = hashlib.sha256(payload).hexdigest()
    now = time.time()
    with _lock:
        _owners.setdefault(digest, {})[user] = now
        stale = now - max(timeout_seconds(), 60.0)
        for key in [k for k, users in _owners.items() if max(users.values()) < stale]:
            del _owners[key]


def _owned_by(payload: bytes, user: str) -> bool:
    with _lock:
        return user in _owners.get(hashlib.sha256(payload).hexdigest(), {})


def refusal(
    path: str,
    cookies: dict[str, str],
    client: str | None,
    read_file: Callable[[str], tuple[bytes, bool] | None],
) -> str | None:
    """Why a request for the media file at `path` is refused, or None when it may be served. `read_file`
    gives a stored file's bytes and whether it is a download (None when there is no such file)."""
    # imported here, not when the server starts: dashboards.auth brings the pages' Streamlit caches, which
    # must be made inside the runtime (made before it, they would not use the runtime's cache storage)
    from dashboards.auth import COOKIE, KEY_FILE, is_remote, read_token, revoked

    root = default_root()
    try:
        users = load_users(users_path(root))
    except UsersError:
        return "the users file cannot be read"
    if not users_path(root).exists():
        return "single-user local mode serves this computer only" if is_remote(client) else None
    token = cookies.get(COOKIE)
    if not token or token in revoked():
        return "log in to download this file"
    try:
        key = (root / KEY_FILE).read_bytes()
    except OSError:
        return "log in to download this file"
    claims = read_token(token, key, time.time()) if len(key) >= 32 else None
    user = users.get(claims[0]) if claims else None
    if claims is None or user is None or user.role != claims[1]:
        return "log in to download this file"
    stored = read_file(path.rsplit("/", 1)[-1])
    if stored is not None and stored[1] and not _owned_by(stored[0], user.name):
        return "this file was exported in another user's session"
    return None


def _cookies(scope: Scope) -> dict[str, str]:
    """The request's cookies by name (split by hand: one malformed cookie of another site's making must not
    hide the session cookie, as it would from http.cookies)."""
    out: dict[str, str] = {}
    for name, value in scope.get("headers", ()):
        if name == b"cookie":
            for part in value.decode("latin-1").split(";"):
                key, _, val = part.strip().partition("=")
                out.setdefault(key, val.strip('"'))
    return out


def _stored_file(name: str) -> tuple[bytes, bool] | None:
    from streamlit.runtime import Runtime
    from streamlit.runtime.media_file_storage import MediaFileKind

    manager = Runtime.instance().media_file_mgr
    stored = manager.read_file(name) if manager.can_read_files else None
    if stored is None:
        return None
    return stored.content, stored.kind == MediaFileKind.DOWNLOADABLE


def _media_prefix() -> str:
    """`/media/` under the server's base URL path (`server.baseUrlPath`, none by default)."""
    from streamlit import config

    base = str(config.get_option("server.baseUrlPath") or "").strip("/")
    return f"/{base}{MEDIA}" if base else MEDIA


class DownloadGuard:
    """ASGI middleware: a `/media/` request goes on only when `refusal` finds nothing against it."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(
        self,
        scope: Scope,
        receive: Callable[[], Awaitable[Message]],
        send: Callable[[Message], Awaitable[None]],
    ) -> None:
        path = scope.get("path", "") if scope["type"] == "http" else ""
        if path.startswith(_media_prefix()):
            client = scope.get("client")
            reason = refusal(path, _cookies(scope), client[0] if client else None, _stored_file)
            if reason is not None:
                body = f"Refused: {reason}.\n".encode()
                await send(
                    {
                        "type": "http.response.start",
                        "status": 403,
                        "headers": [
                            (b"content-type", b"text/plain; charset=utf-8"),
                            (b"content-length", str(len(body)).encode()),
                            (b"cache-control", b"no-store"),
                        ],
                    }
                )
                await send({"type": "http.response.body", "body": body})
                return
        await self.app(scope, receive, send)
