"""Workspace state left by a kill at a moment too brief to hit by chance in tests/reliability/test_crash.py."""

from __future__ import annotations

from pathlib import Path

from ingest.identity import COUNTER_FILE, REGISTRY_FILE, IdRegistry


def test_petitioner_ids_stay_unique_after_a_kill_between_registry_and_counter(tmp_path: Path) -> None:
    """The registry is written, then its counter: a SIGKILL in between leaves the old counter (or none)."""
    IdRegistry(tmp_path).assign([["F1"], ["F2"]])
    counter = tmp_path / COUNTER_FILE
    before_second_run = counter.read_text()
    second = IdRegistry(tmp_path).assign([["F1"], ["F2"], ["F3"]])
    assert (tmp_path / REGISTRY_FILE).read_text().count("\n") == 4
    counter.write_text(before_second_run)  # what the kill leaves: registry new, counter old

    third = IdRegistry(tmp_path).assign([["F1"], ["F2"], ["F3"], ["F4"]])
    assert third.ids[:3] == second.ids
    assert len(set(third.ids)) == 4, third.ids  # F4 must not get F3's id

    counter.write_text("")  # a kill while the counter was being written (before it was made atomic)
    fourth = IdRegistry(tmp_path).assign([["F1"], ["F2"], ["F3"], ["F4"], ["F5"]])
    assert len(set(fourth.ids)) == 5, fourth.ids
