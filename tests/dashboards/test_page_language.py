"""Every page in one language at a time (issue 19): each file under dashboards/app_pages/ is run by AppTest on
a generated workspace (pages added later are covered), and everything it would draw — headings, text,
captions, alerts, metric labels and figures, widget labels and options, table headers, chart titles — is
read from the element protos. In the Chinese UI no line may carry English prose (three English words in a
row, outside `code`), an internal name (filing_a, issue_place) or a bilingual "中文 / English" pair; in
the English UI no bilingual pair either. The details page is run on a petitioner, a filing, an issue and a
unit; the intake page after a check.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import streamlit as st
from google.protobuf.json_format import MessageToDict
from streamlit.testing.v1 import AppTest

from caselink.workspace import Workspace
from graph.memory_store import MemoryStore
from ingest.columns import FILING_COLUMNS, TRANSFER_COLUMNS
from ingest.workspace import load_records
from queries.run import run_query
from tests.dashboards.patterns_workspace import PAGES, build

APP = str(PAGES.parent / "streamlit_app.py")
SWITCH = "语言 / Language"
"""The language switch itself is the one place where both languages belong."""

TEXT_KEYS = ("body", "label", "help", "placeholder", "caption")
ENGLISH_PROSE = re.compile(r"[A-Za-z]{2,}(?:[ ,'’:-]+[A-Za-z]{2,}){2,}")
INTERNAL_NAME = re.compile(r"\b[a-z]+_[a-z0-9_]+\b")
BILINGUAL = re.compile(r"[\u4e00-\u9fff][^\n/]*\s/\s[A-Za-z]{2,}")
INPUT_HEADERS = {c.name for c in (*FILING_COLUMNS, *TRANSFER_COLUMNS)}
"""The input format's English headers (issue_place …) are what a clerk's export says: shown as they are."""
CODE = re.compile(r"`[^`]*`|(?<![\w.])/[\w./-]+")
"""Code spans and file paths (the workspace folder) are not prose."""
KEY_VALUE = re.compile(r"\b[a-z]+=[a-z]")


@pytest.fixture(scope="module")
def ws(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(tmp_path_factory.mktemp("language"))


def _strings(value: Any, key: str = "") -> Iterator[str]:
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _strings(v, k)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v, key)
    elif isinstance(value, str) and key in (*TEXT_KEYS, "options"):
        yield value


def _chart_titles(spec: Any) -> Iterator[str]:
    if isinstance(spec, dict):
        for k, v in spec.items():
            if k == "title" and isinstance(v, str):
                yield v
            else:
                yield from _chart_titles(v)
    elif isinstance(spec, list):
        for v in spec:
            yield from _chart_titles(v)


def shown_text(at: AppTest) -> list[str]:
    """Every piece of text the page would draw (data cells of tables excepted: their headers are in)."""
    out: list[str] = []

    def visit(node: Any) -> None:
        proto = getattr(node, "proto", None)
        if proto is not None:
            d = MessageToDict(proto)
            kind = type(proto).__name__
            if kind == "VegaLiteChart":
                out.extend(_chart_titles(json.loads(d.get("spec", "{}"))))
            elif kind == "Dataframe":
                config = json.loads(d.get("columns", "{}") or "{}")
                value = node.value if hasattr(node, "value") else pd.DataFrame()
                out.extend(str(config.get(str(c), {}).get("label", c)) for c in value.columns)
            elif kind not in ("IFrame", "Html") and d.get("label") != SWITCH:
                out.extend(_strings(d))
        for child in getattr(node, "children", {}).values():
            visit(child)

    visit(at._tree)
    return [s for s in out if s.strip()]


def problems(texts: list[str], lang: str) -> list[str]:
    found = []
    for text in texts:
        plain = CODE.sub("", text)
        if BILINGUAL.search(plain):
            found.append(f"two languages: {text!r}")
        elif lang == "zh" and any(p.search(plain) for p in (ENGLISH_PROSE, INTERNAL_NAME, KEY_VALUE)):
            found.append(f"English or an internal name in the Chinese UI: {text!r}")
        elif lang == "en" and any(m.group() not in INPUT_HEADERS for m in INTERNAL_NAME.finditer(plain)):
            found.append(f"an internal name in the English UI: {text!r}")
    return found


def run_page(monkeypatch: pytest.MonkeyPatch, ws: Path, page: str, lang: str, **query: str) -> AppTest:
    monkeypatch.setenv("CASELINK_WORKSPACE", str(ws))
    monkeypatch.setenv("CASELINK_BACKEND", "embedded")
    monkeypatch.delenv("CASELINK_USERS", raising=False)
    st.cache_resource.clear()
    st.cache_data.clear()
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["lang"] = lang
    at.run()
    for k, v in query.items():
        at.query_params[k] = v
    at.switch_page(f"app_pages/{page}").run()
    assert not at.exception, at.exception
    return at


def _visits(ws: Path) -> list[tuple[str, dict[str, str]]]:
    records = load_records(Workspace.open(ws))
    filing = next(f for f in records.filings.values() if f.co_petitioners and f.content)
    ids = {}
    with (Workspace.open(ws).resolution_dir / "petitioner_ids.csv").open(encoding="utf-8") as fh:
        for line in fh.read().splitlines()[1:]:
            fid, pid = line.split(",")[:2]
            ids[fid] = pid
    visits: list[tuple[str, dict[str, str]]] = [(p.name, {}) for p in sorted(PAGES.glob("*.py"))
                                                  if p.name != "__init__.py"]
    store = MemoryStore(Workspace.open(ws).graph_dir)
    row = run_query("filing", store, {"filing_id": filing.filing_id}).records()[0]
    store.close()
    visits += [("details.py", {"kind": "filing", "id": filing.filing_id}),
               ("details.py", {"kind": "petitioner", "id": ids[filing.filing_id]}),
               ("details.py", {"kind": "issue", "id": row["issue_id"]}),
               ("details.py", {"kind": "unit", "id": row["responsible_unit_id"]})]
    return visits


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_page_speaks_one_language(monkeypatch: pytest.MonkeyPatch, ws: Path, lang: str) -> None:
    found: list[str] = []
    for page, query in _visits(ws):
        at = run_page(monkeypatch, ws, page, lang, **query)
        texts = shown_text(at)
        assert texts, page
        found += [f"{page} {query}: {p}" for p in problems(texts, lang)]
    assert not found, "\n".join(found)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_intake_answer_speaks_one_language(monkeypatch: pytest.MonkeyPatch, ws: Path, lang: str) -> None:
    records = load_records(Workspace.open(ws))
    filing = next(f for f in records.filings.values() if f.id_number and f.content)
    at = run_page(monkeypatch, ws, "intake.py", lang)
    at.text_input[0].input(filing.petitioner_name)
    at.text_input[1].input(filing.id_number or "")
    at.text_area[0].input(filing.content)
    at.button[0].click().run()
    assert not at.exception, at.exception
    texts = shown_text(at)
    assert any(("比对依据" if lang == "zh" else "Evidence") in t for t in texts)
    assert not problems(texts, lang), "\n".join(problems(texts, lang))


def test_the_checks_catch_what_they_are_for() -> None:
    """The detectors themselves: what the issue found is caught, ordinary Chinese text and code pass."""
    caught = [
        "What a filing's date `due` is, by its status",
        "新的信访事项。 / New matter: accept it.",
        "filing_a",
        "verdict=different",
    ]
    assert all(problems([text], "zh") for text in caught)
    assert problems(["新的信访事项。 / New matter: accept it."], "en")
    fine = ["概览", "运行 `caselink ingest FILINGS --workspace DIR` 后再看", "XF20240000617",
            "130***********7176", "p=0.912", "A", "B", "工作区：/tmp/pytest-of-root/ws"]
    assert not [t for t in fine if problems([t], "zh")]
    assert not problems(["What a filing's date is, by its status"], "en")


def test_no_page_module_holds_a_bare_string() -> None:
    """Streamlit draws a bare string statement of a page (its "magic"): an attribute docstring such as
    "What a filing's date `due` is …" lands on the clerk's screen. Only the module docstring is allowed."""
    import ast

    found = []
    for path in sorted(PAGES.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        body_start = 1 if ast.get_docstring(tree) is not None else 0
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                node.body = node.body[1:] if ast.get_docstring(node) is not None else node.body
        for node in ast.walk(ast.Module(body=tree.body[body_start:], type_ignores=[])):
            if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) and isinstance(
                node.value.value, str
            ):
                found.append(f"{path.name}:{node.lineno}: {node.value.value[:60]!r}")
    assert not found, "\n".join(found)
