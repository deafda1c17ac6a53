"""The hostile corpus in a real browser: `caselink serve` on a workspace ingested with the corpus written into
names, content, addresses, units and notes (tests/hostile/corpus.py), driven by Playwright and Debian's
chromium. Every page in the sidebar, the details of hostile entities, and /search?q=… and
/details?kind=filing&id=… for every string of the corpus are opened. The test fails on any request that
leaves the app (each is recorded and aborted), any element made from the data (an image, link, frame or
script from the corpus, bold, italic, struck, code, heading, quote, list item, coloured text, formula,
icon or emoji), any raw bidi control character in the text, and any dialog."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Route

from tests.browser.test_browser import _serve, _settle, _shot, _sidebar_pages, browser  # noqa: F401
from tests.hostile.corpus import HOST, HOSTILE, ID_NUMBER, PHONE, hostile_workspace

pytestmark = pytest.mark.browser

DATA_MADE = """
([host, phone, idNumber]) => {
  const bad = [];
  const text = e => (e.textContent || '').trim();
  const exact = {STRONG: ['粗体', '粗'], B: ['粗体', '粗'], EM: ['斜'], I: ['斜'], DEL: ['删'], S: ['删'],
                 CODE: ['code'], H1: ['标题'], H2: ['标题'], H3: ['标题'], H4: ['标题'], LI: ['列表'],
                 BLOCKQUOTE: ['引用']};
  for (const e of document.querySelectorAll('*')) {
    const tag = e.tagName;
    const url = (e.getAttribute('src') || '') + ' ' + (e.getAttribute('href') || '') + ' '
              + (e.getAttribute('srcset') || '') + ' ' + (e.getAttribute('action') || '');
    if (url.includes(host) || /javascript:/i.test(url)) bad.push(tag + ' pointing at ' + url.trim());
    if ((exact[tag] || []).includes(text(e))) bad.push(tag + ' made of ' + text(e));
    if (e.classList.contains('katex') || tag === 'MATH') bad.push('formula: ' + text(e).slice(0, 40));
    if (tag === 'SPAN' && e.getAttribute('style') && ['红色', '底'].includes(text(e))) {
      bad.push('coloured ' + text(e));
    }
    if (e.getAttribute('data-testid') === 'stIconMaterial' && ['warning', 'rocket'].includes(text(e))
        && e.closest('[data-testid="stMarkdownContainer"]')) bad.push('icon ' + text(e));
    if (tag === 'TABLE' && e.closest('[data-testid="stMarkdownContainer"]')) bad.push('table from Markdown');
  }
  const body = document.body.innerText;
  for (const ch of ['\\u{1F604}', '\\u{1F680}']) if (body.includes(ch)) bad.push('emoji from a shortcode');
  if (/[\\u202a-\\u202e\\u2066-\\u2069\\u200e\\u200f]/.test(body)) bad.push('raw bidi character in text');
  if (body.includes(phone) || body.includes(idNumber)) bad.push('an unmasked ID number or phone');
  return bad;
}
"""
"""Called with [HOST, PHONE, ID_NUMBER]: what on the page was made from the corpus."""
CORPUS_ARGS = [HOST, PHONE, ID_NUMBER]


@pytest.fixture(scope="module")
def hostile_ws(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    return hostile_workspace(tmp_path_factory.mktemp("browser-hostile"))


class Watch:
    """Requests that left the app (recorded, then aborted) and dialogs (recorded, then dismissed)."""

    def __init__(self, context: BrowserContext, base: str) -> None:
        self.origin = urlsplit(base).netloc
        self.outside: list[str] = []
        self.dialogs: list[str] = []
        context.route("**/*", self._route)

    def _route(self, route: Route) -> None:
        url = route.request.url
        if url.startswith(("data:", "blob:", "about:")) or urlsplit(url).netloc == self.origin:
            route.continue_()
        else:
            self.outside.append(url)
            route.abort()

    def page(self, page: Page) -> Page:
        page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        return page


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:  # noqa: F811
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
    yield ctx
    ctx.close()


def _check(page: Page, watch: Watch, what: str) -> None:
    _settle(page)
    page.wait_for_timeout(500)  # images and frames a page asks for are requested meanwhile
    made = page.evaluate(DATA_MADE, CORPUS_ARGS)
    if made or watch.outside or watch.dialogs:
        _shot(page, f"FAILED-hostile-{what}")
    assert made == [], f"{what}: elements made from data: {made}"
    assert watch.outside == [], f"{what}: requests that left the app: {watch.outside}"
    assert watch.dialogs == [], f"{what}: dialogs: {watch.dialogs}"


def test_the_corpus_makes_nothing_in_the_browser(
    hostile_ws: tuple[Path, dict[str, str]], context: BrowserContext
) -> None:
    ws, keys = hostile_ws
    with _serve(ws) as base:
        watch = Watch(context, base)
        page = watch.page(context.new_page())
        page.goto(base)
        _settle(page)
        for href, title in _sidebar_pages(page):
            page.goto(href if href.startswith("http") else base + "/" + href.lstrip("/"))
            _check(page, watch, f"page {title}")
        for kind, key in keys.items():
            page.goto(f"{base}/details?kind={kind}&id={quote(key)}")
            _check(page, watch, f"details of a hostile {kind}")
            if kind == "petitioner":
                page.get_by_role("tab").nth(1).click()  # the linked entities: page links named from data
                _check(page, watch, "linked entities")
        for k, text in enumerate(HOSTILE):  # every string reflected by search; by the details page, a third
            page.goto(f"{base}/search?q={quote(text)}")  # (tests/hostile/test_pages.py reflects them all)
            _check(page, watch, f"search {k}")
            if k % 3 == 0:
                page.goto(f"{base}/details?kind=filing&id={quote(text)}")
                _check(page, watch, f"details id {k}")


def test_the_watch_sees_an_outside_request_and_a_made_element(
    hostile_ws: tuple[Path, dict[str, str]], context: BrowserContext
) -> None:
    """The checks can fail: raw corpus Markdown put into a page by hand is caught by all three."""
    ws, _ = hostile_ws
    with _serve(ws) as base:
        watch = Watch(context, base)
        page = watch.page(context.new_page())
        page.goto(base)
        _settle(page)
        page.evaluate(f"""() => {{
            const d = document.createElement('div');
            d.innerHTML = '<img src="http://{HOST}/pixel.png"><strong>粗体</strong>';
            document.body.appendChild(d);
            window.setTimeout(() => alert('x'), 0);
        }}""")
        page.wait_for_timeout(500)
        assert any(HOST in u for u in watch.outside)
        assert watch.dialogs == ["x"]
        made = page.evaluate(DATA_MADE, CORPUS_ARGS)
        assert any("IMG pointing at" in m for m in made) and "STRONG made of 粗体" in made
