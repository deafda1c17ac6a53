"""Work in a forked helper process (ingest.background), and resolution that uses one."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest

from ingest.background import Background, HelperFailed
from ingest.records import Filing, Transfer
from ingest.resolver import ResolveSettings, resolve_with_report
from tests.ingest.resolution_helpers import demo


def _square_and_pid(x: int) -> tuple[int, int]:
    return x * x, os.getpid()


def _fail(message: str) -> None:
    raise ValueError(message)


def _wait() -> None:
    signal.pause()


def _die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def test_result_comes_from_another_process() -> None:
    value, pid = Background(_square_and_pid, 7).result()
    assert value == 49 and pid != os.getpid()


def test_inline_runs_here_with_the_same_result() -> None:
    assert Background(_square_and_pid, 7, inline=True).result() == (49, os.getpid())


def test_the_helpers_error_is_raised_here_with_its_traceback() -> None:
    with pytest.raises(ValueError, match="no such village") as caught:
        Background(_fail, "no such village").result()
    assert any("helper process" in note and "_fail" in note for note in caught.value.__notes__)


def test_a_killed_helper_is_a_clear_error_and_leaves_no_file() -> None:
    job = Background(_die)
    path = Path(job._path)
    with pytest.raises(HelperFailed, match="without a result"):
        job.result()
    assert not path.exists()


def test_cancel_stops_the_helper_and_removes_its_file() -> None:
    job = Background(_wait)
    path = Path(job._path)
    job.cancel()
    assert not path.exists() and job._process is not None and not job._process.is_alive()


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[Filing], list[Transfer], dict[str, str]]:
    return demo(3000, 5, tmp_path_factory.mktemp("demo"))


def test_resolution_is_the_same_with_and_without_the_helper(
    data: tuple[list[Filing], list[Transfer], dict[str, str]],
) -> None:
    filings, transfers, _ = data
    helped, helped_report = resolve_with_report(filings, transfers, None, ResolveSettings(helper_from=0))
    alone, _ = resolve_with_report(filings, transfers, None, ResolveSettings(helper_from=10**9))
    assert helped.petitioner_of == alone.petitioner_of
    assert helped.issue_of == alone.issue_of and helped.issues == alone.issues
    assert helped.issue_evidence == alone.issue_evidence
    assert helped.petitioner_evidence == alone.petitioner_evidence
    assert helped.unit_mentions == alone.unit_mentions
    assert helped.units == alone.units and "helper_wait" in helped_report.seconds
