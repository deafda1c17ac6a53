"""Data never becomes Markdown on a page: every value that meets a Streamlit call rendering Markdown is a
constant, `t(...)` of constants, or went through `dashboards.markup.md` (a static check of every page), and
`md` itself leaves nothing for Markdown to act on."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from dashboards.markup import md
from tests.hostile.corpus import HOSTILE, unescaped_tells

DASHBOARDS = Path(__file__).parents[2] / "dashboards"

BODY_CALLS = {"title", "header", "subheader", "markdown", "caption", "write", "info", "warning", "error",
              "success", "toast", "expander", "metric", "popover", "status", "badge"}
"""Calls whose first argument is rendered as Markdown (for metric and expander: the label)."""
LABEL_CALLS = {"page_link", "button", "download_button", "form_submit_button", "link_button", "text_input",
               "text_area", "number_input", "selectbox", "multiselect", "radio", "checkbox", "toggle",
               "slider", "select_slider", "date_input", "time_input", "file_uploader", "color_picker",
               "pills",
               "segmented_control", "feedback"}
"""Widgets whose label (2nd positional for page_link, else 1st, or label=) is rendered as Markdown."""
MARKDOWN_KEYWORDS = {"label", "help", "body", "placeholder"}
SAFE_CALLS = {"md", "len", "int", "float", "round", "kind_name", "role_label", "why_in_queue",
              "legend_html"}
"""Functions whose result is safe in Markdown: `md`, numbers, and page helpers that return only the page's
own text whatever they are given (kind_name, role_label: t(...) of a table's constants; why_in_queue: t(...)
of constants and a percentage; legend_html: the colour key of the model's labels, HTML-escaped)."""
STR_METHODS = {"format", "strip", "rstrip", "lstrip", "upper", "lower", "replace"}
NUMERIC_SPEC = re.compile(r"^[+\- ]?[,_]?\.?\d*[,_]?[dfgeE%]?$")


def _is_t(node: ast.expr) -> bool:
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "t"


def constant_loop_names(tree: ast.AST) -> set[str]:
    """Names bound by a `for` over a literal table of constants, position by position:
    `for col, zh, en in ((a, "甲", "A"), …)` and `for x, zh in zip(cols, ["甲", …])` bind zh and en."""
    out: set[str] = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.For) or not isinstance(node.target, ast.Tuple):
            continue
        names = node.target.elts
        columns: list[list[ast.expr]] = [[] for _ in names]
        it = node.iter
        if isinstance(it, ast.Tuple | ast.List) and all(
            isinstance(row, ast.Tuple) and len(row.elts) == len(names) for row in it.elts
        ):
            for row in it.elts:
                for k, item in enumerate(row.elts):  # type: ignore[attr-defined]
                    columns[k].append(item)
        elif isinstance(it, ast.Call) and isinstance(it.func, ast.Name) and it.func.id == "zip" and len(
            it.args
        ) == len(names):
            for k, arg in enumerate(it.args):
                columns[k] = list(arg.elts) if isinstance(arg, ast.Tuple | ast.List) else [arg]
        else:
            continue
        for target, items in zip(names, columns, strict=True):
            if isinstance(target, ast.Name) and items and all(isinstance(i, ast.Constant) for i in items):
                out.add(target.id)
    return out


CONSTANT_NAMES: set[str] = set()
"""Loop names bound to constants in the file being checked (set by `unsafe_calls`)."""


def safe(node: ast.expr | None) -> bool:
    """True when `node` cannot carry data into Markdown (see the module docstring)."""
    if node is None:
        return True
    if isinstance(node, ast.Constant):
        return True
    if isinstance(node, ast.Name):
        return node.id.isupper() or node.id in CONSTANT_NAMES  # module constants (MAX_LINKS …)
    if isinstance(node, ast.Attribute):
        return node.attr.isupper()  # a module's constant (explore_graph.MAX_NODES)
    if isinstance(node, ast.JoinedStr):
        return all(safe(v) for v in node.values)
    if isinstance(node, ast.FormattedValue):
        if node.format_spec is not None and isinstance(node.format_spec, ast.JoinedStr):
            spec = "".join(str(v.value) for v in node.format_spec.values if isinstance(v, ast.Constant))
            if spec and NUMERIC_SPEC.match(spec):
                return True  # a number format: a string would raise
        return safe(node.value)
    if isinstance(node, ast.BinOp):
        return safe(node.left) and safe(node.right)
    if isinstance(node, ast.IfExp):
        return safe(node.body) and safe(node.orelse)
    if isinstance(node, ast.BoolOp):
        return all(safe(v) for v in node.values)
    if isinstance(node, ast.List | ast.Tuple):
        return all(safe(e) for e in node.elts)
    if isinstance(node, ast.ListComp | ast.GeneratorExp):
        return safe(node.elt)
    if isinstance(node, ast.Call):
        func = node.func
        if isinstance(func, ast.Name) and func.id == "t":
            return all(safe(a) for a in node.args)
        if isinstance(func, ast.Name) and func.id in SAFE_CALLS:
            return True
        if isinstance(func, ast.Attribute) and func.attr == "join" and isinstance(func.value, ast.Constant):
            return all(safe(a) for a in node.args)
        if isinstance(func, ast.Attribute) and func.attr in STR_METHODS:
            return safe(func.value) and all(safe(a) for a in node.args)
    return False


def markdown_arguments(call: ast.Call) -> Iterator[ast.expr]:
    """The arguments of `call` that Streamlit renders as Markdown."""
    if not isinstance(call.func, ast.Attribute) or not (call.args or call.keywords):
        return
    name = call.func.attr
    if name in BODY_CALLS and call.args:
        yield call.args[0]
    if name == "tabs" and call.args:
        yield call.args[0]
    if name in LABEL_CALLS:
        position = 1 if name == "page_link" else 0
        if len(call.args) > position:
            yield call.args[position]
    if name == "metric":  # the value and the delta are Markdown too
        yield from call.args[1:3]
        yield from (kw.value for kw in call.keywords if kw.arg in ("value", "delta"))
    if name in BODY_CALLS | LABEL_CALLS | {"tabs", "column_config"}:
        for kw in call.keywords:
            if kw.arg in MARKDOWN_KEYWORDS:
                yield kw.value


def unsafe_calls(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    CONSTANT_NAMES.clear()
    CONSTANT_NAMES.update(constant_loop_names(tree))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            for arg in markdown_arguments(node):
                if not safe(arg):
                    found.append(f"{path.relative_to(DASHBOARDS.parent)}:{arg.lineno}: "
                                 f"{ast.unparse(arg)[:90]}")
    return found


PAGES = sorted(p for p in DASHBOARDS.rglob("*.py") if p.name != "markup.py")


@pytest.mark.parametrize("path", PAGES, ids=lambda p: str(p.relative_to(DASHBOARDS)))
def test_no_markdown_call_receives_data_without_md(path: Path) -> None:
    found = unsafe_calls(path)
    assert not found, "wrap data in dashboards.markup.md():\n" + "\n".join(found)


def test_the_check_finds_data_in_markdown_calls() -> None:
    """The check above can fail: each of these lines passes data to Markdown."""
    bad = [
        "st.title(name)", "st.title(f'{kind} · {name}')", "cols[0].page_link(P, label=f'{row.key}')",
        "st.warning(t(f'没有“{raw}”', f'No {raw}'))", "st.tabs([name, t('a', 'b')])", "x.metric(label, 1)",
        "st.markdown('**' + title + '**')", "st.expander(f'{n:>5}')", "st.caption(help=name, body='x')",
        "st.markdown('、'.join(ids(rows['units'])))",
        "cols[1].metric(t('渠道', 'Channel'), f['channel'] or '—')",
    ]
    good = [
        "st.title(t('检索', 'Search'))", "st.title(f'{kind_name(kind)} · {md(name)}')",
        "st.caption(t(f'共 {len(x)} 个', f'{n:,} in all'))", "st.markdown('、'.join(md(u) for u in units))",
        "st.metric(t('a', 'b'), md(value))",
    ]
    for line in bad:
        call = ast.parse(line).body[0].value  # type: ignore[attr-defined]
        assert any(not safe(a) for a in markdown_arguments(call)), line
    for line in good:
        call = ast.parse(line).body[0].value  # type: ignore[attr-defined]
        assert all(safe(a) for a in markdown_arguments(call)), line


@pytest.mark.parametrize("text", HOSTILE)
def test_md_leaves_nothing_for_markdown(text: str) -> None:
    assert unescaped_tells(md(text)) == []
    assert unescaped_tells(text) != [] or text.isalnum() or "\u200b" not in md(text)


def test_md_keeps_the_text_readable() -> None:
    assert md("王伟") == "王伟"
    assert md("XF20240000001") == "XF20240000001"
    assert md("130623:market_regulation") == "130623\\:market\\_regulation"
    assert md(None) == ""
