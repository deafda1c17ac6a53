"""Hostile text: what a petition record may carry into pages, exports and the terminal, and how to tell that
it was shown as text rather than acted on.

`HOSTILE` are the strings; `hostile_resolution()` is the query library's small fixture with them written
into every text field a page shows (names, content, address, units, organisations, categories, issue
titles, routing notes); `unescaped_tells(markdown)` lists the constructs of the corpus that a Markdown
renderer would act on (escaped characters are skipped).
"""

from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import replace
from pathlib import Path

from ingest.records import Issue, Resolution
from tests.queries.fixtures import query_fixture

HOST = "evil.example"
"""The outside host of the corpus: a browser that asks it for anything has been made to."""

PHONE = "13812345678"
ID_NUMBER = "110101199003071234"

HOSTILE: tuple[str, ...] = (
    f"![x](http://{HOST}/pixel.png)",
    f"[点我](http://{HOST}/phish)",
    f"见 http://{HOST}/a 与 www.{HOST} 与 mail@{HOST}",
    f"<img src=http://{HOST}/i.png onerror=alert(1)>",
    "<script>alert(1)</script><b>粗</b>",
    f"<a href='javascript:alert(1)'>x</a><iframe src=http://{HOST}/f></iframe>",
    "$\\href{http://" + HOST + "}{x}$ 与 $$x^2$$",
    ":red[红色] :blue-background[底] **粗体** _斜_ ~~删~~ `code`",
    ":material/warning: :smile: :rocket:",
    f"[ref]: http://{HOST}/ref 和 <http://{HOST}/auto>",
    "# 标题\n> 引用\n- 列表\n| a | b |\n|---|---|",
    "\u202egnp.exe 王\u200b伟\u2066隔\u2069 \u200e",
    "\x1b[31m红\x1b[0m\x07\x08退\r覆盖\x00",
    "=HYPERLINK(\"http://" + HOST + "\",\"x\")",
    "+cmd|' /C calc'!A0",
    "甲" * 300,
    "W" * 600,
    f"联系电话{PHONE}，身份证号{ID_NUMBER}",
)

_ESCAPED = re.compile(r"\\[!-/:-@\[-`{-~]")
_TELLS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (name, re.compile(pattern))
    for name, pattern in (
        ("image", r"!\["),
        ("link", r"\]\("),
        ("reference link", r"\[ref\]:"),
        ("html", r"<[A-Za-z/!?]"),
        ("autolink", r"https?:|www\.|javascript:|\w@\w"),
        ("math", r"\$"),
        ("directive", r":[a-z-]+\["),
        ("shortcode", r":[\w/+-]+:"),
        ("emphasis", r"\*\*粗体|_斜_|~~删|`code`"),
        ("block", r"(^|\n)(#|>|- |\|)"),
        ("control", r"[\x00-\x08\x0b-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2066-\u2069]"),
    )
)


def unescaped_tells(markdown: str) -> list[str]:
    """Which constructs of the corpus a Markdown renderer would act on in `markdown` (empty: none)."""
    bare = _ESCAPED.sub("\x7f\x7f", markdown).replace("\x7f\x7f", "·")
    return [name for name, pattern in _TELLS if pattern.search(bare)]


def has_raw_controls(text: str) -> bool:
    """True when `text` holds a control or invisible formatting character (a terminal or bidi trick)."""
    return any(unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp") and c != "\n" for c in text)


def _pick(k: int) -> str:
    return HOSTILE[k % len(HOSTILE)]


def hostile_resolution() -> Resolution:
    """The query fixture (tests/queries/fixtures.py) with the corpus in every text field, each field of each
    record taking another string, so that every string reaches names, units, content and notes."""
    res = query_fixture()
    names: dict[str, str] = {}
    for k, f in enumerate(res.filings):
        names.setdefault(f.petitioner_name, _pick(3 * k))
    unit_names = {u.name: _pick(5 + 2 * k) for k, u in enumerate(res.units.values())}
    filings = []
    for k, f in enumerate(res.filings):
        filings.append(replace(
            f,
            petitioner_name=names[f.petitioner_name],
            name_norm=names[f.petitioner_name],
            content=" ".join(HOSTILE),
            address=_pick(k + 7) + f" 电话 {PHONE}",
            receiving_org=_pick(k + 1),
            category=_pick(k + 2),
            responsible_unit=unit_names.get(f.responsible_unit, f.responsible_unit),
            co_petitioners=tuple(names.get(c, c) for c in f.co_petitioners),
            id_number=ID_NUMBER if k % 2 == 0 else None,
            phone=PHONE if k % 3 == 0 else None,
        ))
    transfers = [
        replace(t, from_unit=unit_names.get(t.from_unit, t.from_unit),
                to_unit=unit_names.get(t.to_unit, t.to_unit),
                note=_pick(t.seq + 9))
        for t in res.transfers
    ]
    mentions = [
        m._replace(raw_name=unit_names.get(m.raw_name, m.raw_name))
        for m in res.unit_mentions
    ]
    issues = {iid: Issue(iid, _pick(k + 4), i.county, _pick(k + 6))
              for k, (iid, i) in enumerate(res.issues.items())}
    units = {uid: replace(u, name=unit_names[u.name]) for uid, u in res.units.items()}
    return replace(res, filings=filings, transfers=transfers, unit_mentions=mentions, issues=issues,
                   units=units)


def shown(markdown: str) -> str:
    """The text a reader sees of Markdown made with `dashboards.markup.md`: backslash escapes resolved."""
    return _ESCAPED.sub(lambda m: m.group(0)[1], markdown)


def hostile_csvs(folder: Path, filings: int = 300, seed: int = 3) -> tuple[Path, Path]:
    """Generated filings (`caselink demo-data`) with the corpus written into the first rows' name, content,
    address, receiving body, category and responsible unit, and into routing notes and unit names: input
    for a real `caselink ingest`, so the corpus reaches every page through the whole pipeline."""
    from click.testing import CliRunner

    from caselink.cli import cli

    out = CliRunner().invoke(cli, ["demo-data", "--filings", str(filings), "--seed", str(seed),
                                   "--out", str(folder)])
    assert out.exit_code == 0, out.output
    paths = folder / "filings.csv", folder / "transfers.csv"
    rows = _read(paths[0])
    for k, row in enumerate(rows[: 3 * len(HOSTILE)]):
        row["petitioner_name"] = _pick(k)
        row["content"] = row["content"] + " " + _pick(k + 1) + f" 联系电话{PHONE}，身份证号{ID_NUMBER}"
        row["address"] = _pick(k + 2) + row["address"]
        row["category"] = _pick(k + 4)
        row["responsible_unit"] = _pick(k + 5)
        if k % 2:
            row["receiving_org"] = _pick(k + 3)
    _write(paths[0], rows)
    moves = _read(paths[1])
    for k, row in enumerate(moves[: 3 * len(HOSTILE)]):
        row["note"] = _pick(k + 6)
        row["to_unit"] = _pick(k + 7) if k % 3 == 0 else row["to_unit"]
    _write(paths[1], moves)
    return paths


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def _write(path: Path, rows: list[dict[str, str]]) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def hostile_workspace(root: Path) -> tuple[Path, dict[str, str]]:
    """`caselink ingest` of `hostile_csvs` into root/ws; the workspace and the keys of entities the corpus
    reached (the first filing: its petitioner is named HOSTILE[0], its content holds the corpus)."""
    from click.testing import CliRunner

    from caselink.cli import cli
    from graph.memory_store import MemoryStore
    from queries.run import run_query

    filings, transfers = hostile_csvs(root / "data")
    out = CliRunner().invoke(cli, ["ingest", str(filings), "--transfers", str(transfers), "--workspace",
                                   str(root / "ws"), "--backend", "embedded"])
    assert out.exit_code == 0, out.output
    first = _read(filings)[0]
    store = MemoryStore(root / "ws" / "graph")
    filing = run_query("filing", store, {"filing_id": first["filing_id"]}).records()[0]
    store.close()
    assert filing["petitioner_name"] == HOSTILE[0] and HOST in filing["content"]
    return root / "ws", {"filing": filing["filing_id"], "petitioner": filing["petitioner_id"],
                         "issue": filing["issue_id"], "unit": filing["responsible_unit_id"]}
