"""The review-queue page on a generated workspace: the pair side by side (masked by default) with its
evidence; decisions saved with who, and applied by the next `caselink ingest` (the real resolver)."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from caselink.audit import current_user, read_log
from caselink.cli import cli
from caselink.workspace import Workspace
from ingest.resolve import DecisionStore, ResolveSettings, ReviewItem, Verdict, pair_key
from ingest.workspace import load_records
from tests.dashboards.patterns_workspace import build, open_page


@pytest.fixture(scope="module")
def ws(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(tmp_path_factory.mktemp("review"))


def test_the_shown_figure_is_the_one_that_queued_the_pair(monkeypatch: pytest.MonkeyPatch, ws: Path) -> None:
    """A pair queued for its middling probability shows it; a pair queued for lack of identity evidence
    (probability 99.99%) says so instead of showing a sure-looking 100.0%."""
    resolution = Workspace.open(ws).resolution_dir
    queue = DecisionStore(resolution).review_queue()
    middling = ReviewItem("Q1", "Q2", -0.9, 0.3428, "梁平", "梁平", ("姓名一致 / same name (+10.2)",))
    household = ReviewItem("Q3", "Q4", 15.1, 0.99997, "郝小成", "郝小强",
                           ("住址一致 / same address (+10.5)",))
    try:
        for item, label, figure in ((middling, "同一人的概率（模型估计）", "34.3%"),
                                    (household, "进入核对的原因", "缺少本人身份依据")):
            DecisionStore(resolution).write_review_queue([item])
            at = open_page(monkeypatch, ws, "review.py")
            figures = {m.label: m.value.replace("\\", "") for m in at.metric}  # as shown (md() escapes)
            assert figures[label] == figure
            assert "100.0%" not in figures.values()
    finally:
        DecisionStore(resolution).write_review_queue(queue)


def petitioner_of(ws: Path) -> dict[str, str]:
    with (Workspace.open(ws).resolution_dir / "petitioner_ids.csv").open(encoding="utf-8") as fh:
        return {r["filing_id"]: r["petitioner_id"] for r in csv.DictReader(fh)}


def shown_pair(at: Any) -> tuple[str, str]:
    table = at.dataframe[0].value
    return str(table["A"].iloc[0]), str(table["B"].iloc[0])


def field(at: Any, name: str) -> tuple[str, str]:
    table = at.dataframe[0].value
    row = table[table.iloc[:, 0] == name].iloc[0]
    return str(row["A"]), str(row["B"])


def test_pair_side_by_side_masked(monkeypatch: pytest.MonkeyPatch, ws: Path) -> None:
    queue = DecisionStore(Workspace.open(ws).resolution_dir).review_queue()
    assert queue, "the generated data should leave uncertain pairs"
    item = queue[0]
    at = open_page(monkeypatch, ws, "review.py")
    assert at.title[0].value == "人工核对"
    assert "caselink ingest" in at.markdown[0].value
    assert {m.label: m.value for m in at.metric}["待核对"] == str(len(queue))
    assert shown_pair(at) == (item.filing_a, item.filing_b)

    filings = load_records(Workspace.open(ws)).filings
    a, b = filings[item.filing_a], filings[item.filing_b]
    assert field(at, "姓名") == (a.petitioner_name, b.petitioner_name)
    sexes = {"F": "女", "M": "男", None: ""}
    assert field(at, "性别") == (sexes[a.sex], sexes[b.sex])
    why = " ".join(c.value for c in at.caption)
    assert ("同一户人家" in why) if item.probability >= ResolveSettings().accept else ("低于自动归并" in why)
    figures = {m.label: m.value.replace("\\", "") for m in at.metric}
    if item.probability >= ResolveSettings().accept:  # household facts alone: no "100%" that reads as sure
        assert figures["进入核对的原因"] == "缺少本人身份依据" and "同一人的概率（模型估计）" not in figures
    else:
        assert figures["同一人的概率（模型估计）"] == f"{item.probability:.1%}"
    ids = field(at, "身份证号")
    for shown, real in zip(ids, (a.id_number, b.id_number), strict=True):
        if real:
            assert shown != real and "*" in shown and shown[-4:] == real[-4:]
    phones = field(at, "联系电话")
    assert all(
        not real or ("*" in shown and shown != real)
        for shown, real in zip(phones, (a.phone, b.phone), strict=True)
    )

    evidence = at.dataframe[1].value
    assert list(evidence["依据"]) == [r.split(" / ")[0] for r in item.reasons]
    assert list(evidence["权重"]) == [float(r.rsplit("(", 1)[1].rstrip(")")) for r in item.reasons]

    log = read_log(Workspace.open(ws).audit_log)
    assert any(e["action"] == "review-view" and e.get("filing_a") == item.filing_a for e in log)


def test_investigator_may_reveal_and_english(monkeypatch: pytest.MonkeyPatch, ws: Path) -> None:
    item = DecisionStore(Workspace.open(ws).resolution_dir).review_queue()[0]
    filings = load_records(Workspace.open(ws)).filings
    at = open_page(
        monkeypatch, ws, "review.py", lang="en", state={"auth_role": "investigator", "reveal_personal": True}
    )
    assert at.title[0].value == "Review queue"
    a, b = filings[item.filing_a], filings[item.filing_b]
    assert field(at, "ID number") == (a.id_number or "", b.id_number or "")
    assert [bt.label for bt in at.button][:3] == ["Same person", "Different people", "Skip"]


def _decide(at: Any, target: ReviewItem, button: str) -> Any:
    """Skip until `target` is shown, then press `button`."""
    for _ in range(100):
        if shown_pair(at) == (target.filing_a, target.filing_b):
            at.button(key=button).click().run()
            assert not at.exception, at.exception
            return at
        at.button(key="review_skip").click().run()
        assert not at.exception, at.exception
    raise AssertionError(f"{target} never shown")


def test_decisions_are_saved_and_applied_by_next_ingest(monkeypatch: pytest.MonkeyPatch, ws: Path) -> None:
    resolution = Workspace.open(ws).resolution_dir
    queue = DecisionStore(resolution).review_queue()
    before = petitioner_of(ws)
    join = next(it for it in queue if before[it.filing_a] != before[it.filing_b])
    # a pair the resolver joined, put to review as the queue would hold it: "different" must split it
    by_person: dict[str, list[str]] = {}
    for fid, pid in sorted(before.items()):
        by_person.setdefault(pid, []).append(fid)
    a, b = next(fids[:2] for fids in by_person.values() if len(fids) >= 2)
    split = ReviewItem(a, b, 5.0, 0.9, "", "", ("同一县区 / same county (+4.7)",))
    DecisionStore(resolution).write_review_queue([split, *queue])

    at = open_page(monkeypatch, ws, "review.py")
    at = _decide(at, split, "review_different")
    assert "下一次 `caselink ingest` 时生效" in at.success[0].value
    at.session_state["review_skipped"] = set()
    at.run()
    at.text_input(key="review_note").input("same phone, same address").run()
    at = _decide(at, join, "review_same")

    decided = DecisionStore(resolution).current()
    assert decided[pair_key(split.filing_a, split.filing_b)].verdict is Verdict.DIFFERENT
    made = decided[pair_key(join.filing_a, join.filing_b)]
    assert (
        made.verdict is Verdict.SAME
        and made.who == current_user()
        and made.note == "same phone, same address"
    )
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["已决定（待下次导入生效）"] == "2"
    assert metrics["待核对"] == str(len(queue) + 1 - 2)  # the queue written above, less the two decided
    history = at.dataframe[-1].value
    assert list(history.columns) == ["信访件 A", "信访件 B", "决定", "操作人", "时间", "备注"]
    assert set(history["决定"]) == {"同一人", "不是同一人"}
    shown = {shown_pair(at)} if at.dataframe and "A" in at.dataframe[0].value else set()
    assert not shown & {(split.filing_a, split.filing_b), (join.filing_a, join.filing_b)}

    data = ws.parent / "data"
    res = CliRunner().invoke(
        cli,
        [
            "ingest",
            str(data / "filings.csv"),
            "--transfers",
            str(data / "transfers.csv"),
            "--workspace",
            str(ws),
            "--backend",
            "embedded",
        ],
    )
    assert res.exit_code == 0, res.output
    after = petitioner_of(ws)
    assert after[split.filing_a] != after[split.filing_b]
    assert after[join.filing_a] == after[join.filing_b]
    requeued = {pair_key(it.filing_a, it.filing_b) for it in DecisionStore(resolution).review_queue()}
    assert pair_key(split.filing_a, split.filing_b) not in requeued
    assert pair_key(join.filing_a, join.filing_b) not in requeued
