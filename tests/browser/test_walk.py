"""Every page in both languages, as a new user walks them (issue 19): `caselink serve` on a demo workspace,
Debian's chromium driven by Playwright, each sidebar page opened in Chinese and in English and screenshot to
$CASELINK_ARTIFACTS/browser/walk-LANG-PAGE.png. A page fails when it shows developer prose or a mixed-language
line (the checks of tests/dashboards/test_page_language.py, on the text the browser shows), an internal id in
a name cell of a table, or when the app logs an error or warning to the browser console.

Two console messages are Streamlit's own and are not the app's: the 404s of its base-path probe when a page
is opened by its own address (/overview/_stcore/health …), and Chromium's notes on the sandbox attributes of
the iframe in which Streamlit draws components (the network picture).
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page

from tests.browser.test_browser import ARTIFACTS, TIMEOUT_MS, _assert_clean, _serve, _settle, _shot
from tests.browser.test_browser import browser as browser  # noqa: F401  (the fixture, shared)
from tests.browser.test_browser import demo as demo  # noqa: F401
from tests.dashboards.test_page_language import problems

pytestmark = pytest.mark.browser

STREAMLIT_OWN = re.compile(
    r"Failed to load resource: the server responded with a status of 404"
    r"|Unrecognized feature: '|An iframe which has both allow-scripts and allow-same-origin"
)
NAME_HEADERS = {"信访人", "信访人姓名", "姓名", "Name", "petitioner_name", "Petitioner's name"}
INTERNAL_ID = re.compile(r"^(C-|P\d{5,}$|ISS-|XF\d{6,}$)")


def _main_text(page: Page) -> list[str]:
    """The lines the main area shows, without code spans, tables (read apart) and iframes."""
    text = page.evaluate(
        """() => {
            const main = document.querySelector('[data-testid="stMain"]').cloneNode(true);
            const skipped = 'code, pre, iframe, [data-testid="stDataFrame"], canvas, svg, style, script';
            main.querySelectorAll(skipped).forEach(e => e.remove());
            return main.innerText;
        }"""
    )
    return [line.strip() for line in str(text).splitlines() if line.strip()]


def _name_cells(page: Page) -> list[str]:
    """Cells of every table column headed as a person's name."""
    cells: list[str] = []
    grids = page.locator('[data-testid="stDataFrame"]')
    for g in range(grids.count()):
        grid = grids.nth(g)
        headers = grid.locator('[role="columnheader"]').all_inner_texts()
        width = len(headers)
        if not width or not NAME_HEADERS & {h.strip() for h in headers}:
            continue
        values = grid.locator('[role="gridcell"]').all_inner_texts()
        for i, h in enumerate(headers):
            if h.strip() in NAME_HEADERS:
                cells += [v.strip() for v in values[i::width]]
    return cells


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_walk_every_page(demo: tuple[Path, dict[str, str]], browser: Browser, lang: str) -> None:  # noqa: F811
    ws, row = demo
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    console: list[str] = []

    def note(msg: ConsoleMessage) -> None:
        if msg.type in ("error", "warning") and not STREAMLIT_OWN.search(msg.text):
            console.append(f"{msg.type}: {msg.text[:300]}")

    page.on("console", note)
    page.on("pageerror", lambda exc: console.append(f"pageerror: {exc}"))
    found: list[str] = []
    try:
        with _serve(ws) as base:
            page.goto(base + "/overview")  # an address typed or bookmarked opens the overview
            _settle(page)
            _assert_clean(page, "/overview")
            assert page.locator("h1").first.inner_text() == "概览"
            if lang == "en":
                page.locator('[data-testid="stSidebar"]').get_by_text("English", exact=True).click()
                _settle(page)
            hrefs = page.locator('[data-testid="stSidebarNav"] a').evaluate_all(
                "els => els.map(e => e.getAttribute('href'))")
            assert len(hrefs) >= 13, hrefs
            for href in hrefs:
                name = urlsplit(href).path.strip("/") or "home"
                page.locator(f'[data-testid="stSidebarNav"] a[href="{href}"]').click()
                _settle(page)
                page.wait_for_timeout(500)  # charts and tables drawn
                _assert_clean(page, f"{lang} {name}")
                _shot(page, f"walk-{lang}-{name}")
                found += [f"{name}: {p}" for p in problems(_main_text(page), lang)]
                found += [f"{name}: an internal id as a name: {c!r}" for c in _name_cells(page)
                          if INTERNAL_ID.match(c)]
                found += [f"{name}: console {m}" for m in console]
                console.clear()
            # the entity pages: a filing (its text in full), then its petitioner and its issue
            page.goto(f"{base}/details?kind=filing&id={row['filing_id']}")
            _settle(page)
            if lang == "en":
                page.locator('[data-testid="stSidebar"]').get_by_text("English", exact=True).click()
                _settle(page)
            hrefs = page.locator('[data-testid="stPageLink"] a').evaluate_all(
                "els => els.map(e => e.getAttribute('href'))")
            kinds = ["filing"] + [k for k in ("petitioner", "issue", "unit")
                                  if any(f"kind={k}" in h for h in hrefs)]
            assert kinds[1:3] == ["petitioner", "issue"], hrefs
            for kind in kinds:
                if kind != "filing":
                    href = next(h for h in hrefs if f"kind={kind}" in h)
                    page.goto(href if href.startswith("http") else base + "/" + href.lstrip("/"))
                    _settle(page)
                    if lang == "en":
                        page.locator('[data-testid="stSidebar"]').get_by_text("English", exact=True).click()
                        _settle(page)
                page.wait_for_timeout(500)
                _assert_clean(page, f"{lang} details {kind}")
                _shot(page, f"walk-{lang}-details-{kind}")
                found += [f"details {kind}: {p}" for p in problems(_main_text(page), lang)]
                found += [f"details {kind}: an internal id as a name: {c!r}" for c in _name_cells(page)
                          if INTERNAL_ID.match(c)]
                found += [f"details {kind}: console {m}" for m in console]
                console.clear()
            if lang == "zh":  # the filing's text in full, not in a three-line box
                page.goto(f"{base}/details?kind=filing&id={row['filing_id']}")
                _settle(page)
                assert row["content"].strip()[:40] in page.locator('[data-testid="stMain"]').inner_text()
    finally:
        context.close()
    assert (ARTIFACTS / f"walk-{lang}-overview.png").exists()
    assert not found, "\n".join(found)
