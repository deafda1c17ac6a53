"""The hostile corpus through every page (AppTest): ingested with `caselink ingest` into names, content,
addresses, units, categories and notes, and given in the address bar (?q=, ?id=). No element of any page
may carry a Markdown construct made from the data (image, link, autolink, HTML, math, directive, shortcode,
emphasis, block, raw control character), and no page shows an ID number or phone unmasked."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from tests.hostile.corpus import HOST, HOSTILE, ID_NUMBER, PHONE, hostile_workspace, unescaped_tells

APP = str(Path(__file__).parents[2] / "dashboards" / "streamlit_app.py")
PAGES = sorted(p.name for p in (Path(APP).parent / "app_pages").glob("*.py") if p.name != "__init__.py")
MARKDOWN_FIELDS = {"body", "label", "help", "placeholder"}
LEGEND = re.compile(r'<span style="color:#[0-9a-f]{6}">●</span>|&nbsp;')
PLAIN_TYPES = {"text", "code", "json", "arrow_data_frame", "dataframe", "iframe"}
"""Elements whose text Streamlit shows as it is (no Markdown)."""


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, dict[str, str]]]:
    """A workspace ingested from generated data with the corpus written in, and keys of hostile entities."""
    mp = pytest.MonkeyPatch()
    for var in ("CASELINK_NEO4J_URI", "CASELINK_BACKEND", "CASELINK_WORKSPACE", "CASELINK_USERS"):
        mp.delenv(var, raising=False)
    ws, keys = hostile_workspace(tmp_path_factory.mktemp("hostile-pages"))
    yield ws, keys
    mp.undo()


@pytest.fixture
def ws(hostile: tuple[Path, dict[str, str]], monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("CASELINK_WORKSPACE", str(hostile[0]))
    monkeypatch.setenv("CASELINK_BACKEND", "embedded")
    monkeypatch.delenv("CASELINK_USERS", raising=False)
    st.cache_resource.clear()
    st.cache_data.clear()
    return hostile[0]


def _strings(message: Any, names: set[str]) -> Iterator[str]:
    """Every string field named in `names` of a protobuf message, nested messages included."""
    for field, value in message.ListFields():
        repeated = field.is_repeated if hasattr(field, "is_repeated") else field.label == field.LABEL_REPEATED
        if field.type == field.TYPE_MESSAGE:
            for item in value if repeated else [value]:
                yield from _strings(item, names)
        elif field.type == field.TYPE_STRING and field.name in names:
            yield from (value if repeated else [value])


def problems(at: AppTest) -> list[str]:
    """What on the page was made from data: Markdown constructs of the corpus, personal numbers, errors."""
    found = [f"exception: {e.value}" for e in at.exception]
    for node in at._tree:
        proto = getattr(node, "proto", None)
        kind = getattr(node, "type", "")
        if proto is None or kind in PLAIN_TYPES:
            continue
        fields = MARKDOWN_FIELDS | ({"options"} if kind == "radio" else set())
        for text in _strings(proto, fields):
            text = LEGEND.sub("", text)  # the page's own colour key (network.legend_html)
            tells = unescaped_tells(text)
            if tells:
                found.append(f"{kind}: {tells} in {text[:120]!r}")
    for node in at._tree:  # personal numbers: in any element, Markdown or not (tables and pictures too)
        proto = getattr(node, "proto", None)
        if getattr(node, "type", "") in ("text_input", "text_area") and not getattr(proto, "disabled", False):
            continue  # what the user typed in, shown back to them
        if proto is not None and (PHONE.encode() in proto.SerializeToString()
                                  or ID_NUMBER.encode() in proto.SerializeToString()):
            found.append(f"{getattr(node, 'type', '')}: an unmasked ID number or phone")
    return found


def _open(page: str, **query: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    for k, v in query.items():
        at.query_params[k] = v
    at.switch_page(f"app_pages/{page}").run()
    return at


def test_the_checks_can_fail() -> None:
    quiet = [text for text in HOSTILE if not unescaped_tells(text)]  # a formula, long words, numbers
    assert quiet == [HOSTILE[-4], HOSTILE[-3], HOSTILE[-2], HOSTILE[-1]], quiet
    assert unescaped_tells("信访人 · ![x](http://evil.example/p.png)") == ["image", "link", "autolink"]


@pytest.mark.parametrize("page", PAGES)
def test_every_page_with_the_corpus_in_the_data(ws: Path, page: str) -> None:
    at = _open(page)
    assert problems(at) == []


@pytest.mark.parametrize("kind", ["petitioner", "filing", "issue", "unit"])
def test_details_of_hostile_entities(ws: Path, hostile: tuple[Path, dict[str, str]], kind: str) -> None:
    at = _open("details.py", kind=kind, id=hostile[1][kind])
    assert not at.exception
    assert problems(at) == []
    if kind == "filing":
        content = next(x.value for x in at.get("text") if HOST in x.value)  # the content, in full, as text
        assert PHONE not in content and "138****5678" in content  # masked, still readable


@pytest.mark.parametrize("text", HOSTILE)
def test_reflected_in_the_address_bar(ws: Path, text: str) -> None:
    """/search?q=… and /details?kind=filing&id=… print what they were given: as text, never as Markdown."""
    for page, query in (("search.py", {"q": text}), ("details.py", {"kind": "filing", "id": text}),
                        ("path.py", {"from": text, "to": text + "x"})):
        at = _open(page, **query)
        assert problems(at) == [], (page, text)


def test_search_finds_the_hostile_name(ws: Path, hostile: tuple[Path, dict[str, str]]) -> None:
    at = _open("search.py", q="HYPERLINK")
    assert problems(at) == []
    assert at.get("page_link"), "the search should list links to the hostile entities"


def test_intake_check_with_a_hostile_name(ws: Path) -> None:
    at = _open("intake.py")
    labels = {w.label: w for w in at.text_input}
    name_box = next(w for label, w in labels.items() if label.startswith("信访人姓名"))
    name_box.input(HOSTILE[1])
    at.text_area[0].input(HOSTILE[0] + HOSTILE[6])
    next(b for b in at.button if b.label == "查重").click()
    at.run()
    assert problems(at) == []
