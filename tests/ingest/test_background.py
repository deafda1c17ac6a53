"""Work in a helper process (ingest.background), and resolution that uses one."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ingest.background import Background, HelperFailed, results_folder
from ingest.records import Filing, Transfer
from ingest.resolve.resolver import ResolveSettings, resolve_with_report
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
    files = [Path(p) for p in job._files]
    with pytest.raises(HelperFailed, match="without a result"):
        job.result()
    assert files and not any(p.exists() for p in files)


def test_cancel_stops_the_helper_and_removes_its_files() -> None:
    job = Background(_wait)
    files = [Path(p) for p in job._files]
    pid = job._pid
    job.cancel()
    assert pid > 0 and not _alive_not_zombie(pid)
    assert not any(p.exists() for p in files)


def test_the_helper_ends_with_its_parent(tmp_path: Path) -> None:
    """A parent killed with -9 takes its helper with it, and the next job removes the files left behind."""
    script = (
        "import sys, time\n"
        "from ingest.background import Background\n"
        "from tests.ingest.test_background import _wait\n"
        "job = Background(_wait)\n"
        "print(job._pid, flush=True)\n"
        "time.sleep(60)\n"
    )
    parent = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, cwd=Path.cwd())
    assert parent.stdout is not None
    helper = int(parent.stdout.readline())
    left = list(Path(results_folder()).glob(f"caselink-helper-{parent.pid}-*"))
    parent.kill()
    parent.wait()
    deadline = time.monotonic() + 10
    while _alive_not_zombie(helper) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _alive_not_zombie(helper)
    assert left and any(p.exists() for p in left)
    Background(_square_and_pid, 2).result()
    assert not any(p.exists() for p in left)


def _alive_not_zombie(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


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
