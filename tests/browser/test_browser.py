"""The dashboards in a real browser: `caselink serve` on a demo workspace, driven by Playwright and Debian's
chromium (/usr/bin/chromium, headless; no browser download).

Every page listed in the sidebar is visited (so pages added later are covered), then the flow
search → petitioner → network picture → intake check; a second server with a users file checks that
nothing is shown before login and that a clerk sees masked ID numbers and no reveal switch. Screenshots
go to $CASELINK_ARTIFACTS/browser (default tests/artifacts/browser, git-ignored). A page fails the test when
it shows an exception (data-testid="stException"), an error box or toast, or throws in the browser.
"""

from __future__ import annotations

import csv
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from click.testing import CliRunner
from playwright.sync_api import Browser, Page, expect, sync_playwright

from caselink.cli import cli
from caselink.users import add_user

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
CASELINK = str(Path(sys.executable).with_name("caselink"))
ARTIFACTS = Path(os.environ.get("CASELINK_ARTIFACTS") or Path(__file__).parents[1] / "artifacts") / "browser"
PASSWORD = "clerk password 1"
TIMEOUT_MS = 30_000


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """An ingested 1,000-filing workspace and one filing of a petitioner with an ID number and a phone."""
    root = tmp_path_factory.mktemp("browser")
    runner = CliRunner()
    out = runner.invoke(cli, ["demo-data", "--filings", "1000", "--seed", "5", "--out", str(root / "data")])
    assert out.exit_code == 0, out.output
    out = runner.invoke(cli, ["ingest", str(root / "data" / "filings.csv"), "--transfers",
                              str(root / "data" / "transfers.csv"), "--workspace", str(root / "ws"),
                              "--backend", "embedded"])
    assert out.exit_code == 0, out.output
    with (root / "data" / "filings.csv").open(encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    ids = [r["id_number"] for r in rows]
    row = next(r for r in rows if r["id_number"] and r["phone"] and ids.count(r["id_number"]) >= 2)
    return root / "ws", row


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _lan_address() -> str:
    """This machine's address on its network (a UDP connect sends no packet)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            s.connect(("192.0.2.1", 9))
        except OSError as exc:
            pytest.fail(f"no network address to test a remote browser from ({exc})")
        return str(s.getsockname()[0])


@contextmanager
def _serve(ws: Path, host: str = "127.0.0.1", **env: str) -> Iterator[str]:
    """`caselink serve` on a free port, until it answers; stopped (its process group only) afterwards."""
    port = _free_port()
    environ = {k: v for k, v in os.environ.items() if not k.startswith("CASELINK_")}
    environ.update(CASELINK_BACKEND="embedded", **env)
    log = (ws.parent / f"serve-{port}.log").open("wb")
    proc = subprocess.Popen([CASELINK, "serve", "--workspace", str(ws), "--port", str(port), "--host", host],
                            env=environ,
                            stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert proc.poll() is None, (ws.parent / f"serve-{port}.log").read_text(errors="replace")
            try:
                with urllib.request.urlopen(base + "/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            assert time.monotonic() < deadline, "caselink serve did not answer within 60 s"
            time.sleep(0.3)
        yield base
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        log.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's browser with `apt-get install chromium "
                    "fonts-wqy-microhei` (the font draws the Chinese in the screenshots).", pytrace=False)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True)
        yield b
        b.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    pg = context.new_page()
    pg.set_default_timeout(TIMEOUT_MS)
    errors: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    yield pg
    context.close()
    assert not errors, f"errors thrown in the browser: {errors}"


def _settle(page: Page) -> None:
    """Wait until the script has run and the page is drawn."""
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=TIMEOUT_MS)
    page.wait_for_selector("h1", timeout=TIMEOUT_MS)
    page.wait_for_timeout(300)  # let a rerun that the last run asked for start
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=TIMEOUT_MS)


def _assert_clean(page: Page, what: str) -> None:
    """No exception, error box, error toast or dialog (Streamlit's "Page not found") on the page."""
    for selector in ('[data-testid="stException"]', '[data-testid="stAlertContentError"]', '[role="dialog"]'):
        found = page.locator(selector)
        if found.count():
            _shot(page, f"FAILED-{what}")
            pytest.fail(f"{what}: {found.first.inner_text()[:2000]}")
    toasts = page.locator('[data-testid="stToast"]')
    for i in range(toasts.count()):
        text = toasts.nth(i).inner_text()
        if re.search(r"error|exception|错误|异常", text, re.IGNORECASE):
            pytest.fail(f"{what}: error toast {text!r}")


def _shot(page: Page, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f"{re.sub(r'[^A-Za-z0-9_.-]+', '_', name)}.png"), full_page=True)


def _sidebar_pages(page: Page) -> list[tuple[str, str]]:
    """(href, title) of every page in the sidebar navigation, expanding "View N more" first."""
    more = page.locator('[data-testid="stSidebarNavViewButton"]')
    if more.count() and re.search(r"more|更多", more.inner_text(), re.IGNORECASE):
        more.click()
    links = page.locator('[data-testid="stSidebarNav"] a')
    return [(str(h), str(t)) for h, t in links.evaluate_all(
        "els => els.map(e => [e.getAttribute('href'), e.innerText.trim()])")]


def _open_from_sidebar(page: Page, href: str) -> None:
    """Click the sidebar link to `href` (client-side navigation, as a user does), expanding the list first."""
    link = page.locator(f'[data-testid="stSidebarNav"] a[href="{href}"]')
    if not link.is_visible():
        page.locator('[data-testid="stSidebarNavViewButton"]').click()
    link.click()
    page.wait_for_url(href if href.startswith("http") else f"**/{href.lstrip('/')}")


def test_every_page_then_search_petitioner_network_intake(
    demo: tuple[Path, dict[str, str]], page: Page
) -> None:
    ws, row = demo
    with _serve(ws, host="0.0.0.0") as base:
        page.goto(base)
        _settle(page)
        pages = _sidebar_pages(page)
        titles = [t for _, t in pages]
        assert {"概览", "来访查重", "人工核对"} <= set(titles), titles
        nav = page.locator('[data-testid="stSidebarNav"]')
        assert [nav.get_by_text(name, exact=True).count() for name in ("查询", "规律", "管理")] == [1, 1, 1]
        for href, title in pages:
            _open_from_sidebar(page, href)
            _settle(page)
            _assert_clean(page, f"page {title} ({href})")
            _shot(page, f"page-{urlsplit(href).path.strip('/') or 'home'}")
        overview = page.locator('[data-testid="stMetric"]')
        page.goto(base)
        _settle(page)
        expect(overview.first).to_be_visible()

        # search → petitioner
        page.goto(f"{base}/search")
        _settle(page)
        page.get_by_role("textbox", name="检索内容", exact=True).fill(row["petitioner_name"])
        page.get_by_role("button", name="检索", exact=True).click()
        link = page.locator('[data-testid="stPageLink"] a', has_text="信访人 ").filter(
            has_text=row["petitioner_name"]).first
        link.wait_for()
        _assert_clean(page, "search results")
        _shot(page, "flow-1-search")
        link.click()
        expect(page.locator("h1").first).to_have_text(f"信访人 · {row['petitioner_name']}")
        _settle(page)
        _assert_clean(page, "petitioner page")
        _shot(page, "flow-2-petitioner")

        # → the network picture (pyvis in an iframe, drawn on a canvas)
        page.get_by_role("tab", name="关系图").click()
        frame = page.frame_locator('iframe').first
        frame.locator("canvas").first.wait_for()
        _settle(page)
        _assert_clean(page, "network picture")
        _shot(page, "flow-3-network")

        # → intake: the same person comes back as a known petitioner
        page.locator('[data-testid="stSidebarNav"] a', has_text="来访查重").click()
        page.get_by_role("textbox", name="信访人姓名 *", exact=True).fill(row["petitioner_name"])
        page.get_by_role("textbox", name="身份证号", exact=True).fill(row["id_number"])
        page.get_by_role("textbox", name="问题属地", exact=True).fill(row["issue_place"])
        page.get_by_role("textbox", name="反映内容", exact=True).fill(row["content"])
        page.get_by_role("button", name="查重", exact=True).click()
        page.get_by_text("比对依据").first.wait_for()
        _settle(page)
        _assert_clean(page, "intake check")
        expect(page.get_by_text("身份证号一致").first).to_be_visible()
        _shot(page, "flow-4-intake")

        # local mode (no users file) serves this computer only, even when listening on the network
        page.goto(base.replace("127.0.0.1", _lan_address()))
        expect(page.locator('[data-testid="stAlertContentError"]')).to_contain_text("只为本机服务")
        assert page.locator('[data-testid="stSidebarNav"]').count() == 0
        assert page.locator('[data-testid="stMetric"]').count() == 0
        _shot(page, "local-mode-remote-refused")
    assert '"action": "refused_remote"' in (ws / "audit.log").read_text(encoding="utf-8")


def test_login_first_and_a_clerk_sees_masked_ids(demo: tuple[Path, dict[str, str]], page: Page,
                                                  tmp_path: Path) -> None:
    ws, row = demo
    users = tmp_path / "users.toml"
    add_user(users, "clerk1", "clerk", PASSWORD)
    with _serve(ws, CASELINK_USERS=str(users)) as base:
        for path in ("", "/intake", "/search"):
            page.goto(base + path)
            _settle(page)
            expect(page.locator("h1").first).to_have_text("caselink 信访关联 · 登录")
            assert page.locator('[data-testid="stSidebarNav"]').count() == 0
            assert page.locator('[data-testid="stMetric"]').count() == 0
        _shot(page, "login-form")
        page.get_by_role("textbox", name="用户名", exact=True).fill("clerk1")
        page.get_by_role("textbox", name="密码", exact=True).fill("wrong password")
        page.get_by_role("button", name="登录", exact=True).click()
        expect(page.get_by_text("用户名或密码不正确")).to_be_visible()
        page.get_by_role("textbox", name="密码", exact=True).fill(PASSWORD)
        page.get_by_role("button", name="登录", exact=True).click()
        page.locator('[data-testid="stSidebarNav"]').wait_for()
        _settle(page)
        _assert_clean(page, "after login")
        expect(page.get_by_text("已登录：clerk1")).to_be_visible()
        assert page.get_by_text("显示完整证件号和电话").count() == 0
        titles = [title for _, title in _sidebar_pages(page)]
        assert "来访查重" in titles and "人工核对" not in titles and "数据质量" not in titles
        # a refresh or a pasted deep link keeps the user in (the signed session cookie)
        page.reload()
        _settle(page)
        expect(page.get_by_text("已登录：clerk1")).to_be_visible()
        page.goto(base + "/search")
        _settle(page)
        expect(page.locator("h1").first).to_have_text("检索")
        expect(page.get_by_text("已登录：clerk1")).to_be_visible()
        assert page.locator('[data-testid="stSidebarNav"]').get_by_text("管理", exact=True).count() == 0

        page.locator('[data-testid="stSidebarNav"] a', has_text="来访查重").click()
        page.get_by_role("textbox", name="信访人姓名 *", exact=True).fill(row["petitioner_name"])
        page.get_by_role("textbox", name="身份证号", exact=True).fill(row["id_number"])
        page.get_by_role("textbox", name="联系电话", exact=True).fill(row["phone"])
        page.get_by_role("button", name="查重", exact=True).click()
        page.get_by_text("比对依据").first.wait_for()
        _settle(page)
        _assert_clean(page, "intake as clerk")
        _shot(page, "clerk-intake")
        with page.expect_download() as info:
            page.get_by_role("button", name="导出 CSV").first.click()
        exported = Path(info.value.path()).read_text(encoding="utf-8-sig")
        idn = row["id_number"]
        assert idn[:3] + "*" * (len(idn) - 7) + idn[-4:] in exported
        assert idn not in exported
        grid = page.locator('[data-testid="stDataFrame"]').first.text_content() or ""
        assert idn not in grid

        page.get_by_role("button", name="退出登录").click()
        expect(page.locator("h1").first).to_have_text("caselink 信访关联 · 登录")
        _settle(page)
        page.reload()  # logged out stays logged out: the cookie is cleared and its token revoked
        _settle(page)
        expect(page.locator("h1").first).to_have_text("caselink 信访关联 · 登录")
    log = (ws / "audit.log").read_text(encoding="utf-8")
    assert re.search(r'"user": "clerk1", "action": "login_failed"', log)
    assert re.search(r'"user": "clerk1", "action": "login", "role": "clerk"', log)
    assert re.search(r'"user": "clerk1", "action": "export"', log)
    assert re.search(r'"user": "clerk1", "action": "session_resumed"', log)


def _log_in(page: Page, base: str, name: str, password: str) -> None:
    page.goto(base)
    _settle(page)
    page.get_by_role("textbox", name="用户名", exact=True).fill(name)
    page.get_by_role("textbox", name="密码", exact=True).fill(password)
    page.get_by_role("button", name="登录", exact=True).click()
    page.locator('[data-testid="stSidebarNav"]').wait_for()
    _settle(page)


def _status(url: str, headers: dict[str, str] | None = None) -> int:
    """The HTTP status of a plain GET (no browser, no cookie unless given)."""
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers or {}), timeout=10) as r:
            return int(r.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)


def test_an_export_url_serves_only_the_session_it_was_exported_in(
    demo: tuple[Path, dict[str, str]], page: Page, browser: Browser, tmp_path: Path
) -> None:
    ws, _ = demo
    users = tmp_path / "users.toml"
    add_user(users, "clerk1", "clerk", PASSWORD)
    add_user(users, "inv1", "investigator", "investigator password 1")
    other = browser.new_context()
    try:
        with _serve(ws, CASELINK_USERS=str(users)) as base:
            other_page = other.new_page()
            other_page.set_default_timeout(TIMEOUT_MS)
            _log_in(other_page, base, "inv1", "investigator password 1")  # another user, own browser
            _log_in(page, base, "clerk1", PASSWORD)
            page.goto(base + "/repeat")
            _settle(page)
            with page.expect_download() as info:
                page.get_by_role("button", name="导出 CSV").first.click()
            url = info.value.url
            exported = Path(info.value.path()).read_bytes()
            assert urlsplit(url).path.startswith("/media/") and len(exported) > 100
            # (Streamlit drops the file from memory after a few script runs: checked while it is there)
            # the logged-in browser may fetch it again (its cookie goes with the request) …
            again = page.context.request.get(url)
            assert again.status == 200 and again.body() == exported
            # … but the same URL from a client without the session is refused: a plain request, a fresh
            # browser context, a forged cookie, and another user logged in in their own browser
            assert _status(url) == 403
            fresh = browser.new_context()
            refused = fresh.request.get(url)
            assert refused.status == 403 and "log in" in refused.text()
            fresh.close()
            cookie = next(c for c in page.context.cookies() if c["name"] == "caselink_session")
            assert _status(url, {"Cookie": f"caselink_session={cookie['value']}x"}) == 403
            refused = other.request.get(url)
            assert refused.status == 403 and "another user" in refused.text()
            assert page.context.request.get(url).status == 200
            page.get_by_role("button", name="退出登录").click()
            expect(page.locator("h1").first).to_have_text("caselink 信访关联 · 登录")
            _settle(page)
            # after logout the URL serves nothing, not even with the old cookie sent by hand (its token is
            # revoked: tests/dashboards/test_download_guard.py checks that on a file that is still there)
            assert _status(url, {"Cookie": f"caselink_session={cookie['value']}"}) in (403, 404)
    finally:
        other.close()
