"""Input paths that are not regular files (a FIFO, a device) are named as such: never read, never "not
found"."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from caselink.cli import cli


@pytest.mark.parametrize("kind", ["fifo", "device"])  # a folder: click says "is a directory"
def test_a_path_that_is_not_a_regular_file(tmp_path: Path, kind: str) -> None:
    if kind == "fifo":
        path = tmp_path / "filings.csv"
        os.mkfifo(path)  # reading it would block forever
    else:
        path = Path("/dev/zero")  # reading it would never end
    out = CliRunner().invoke(cli, ["validate", str(path), "--out", str(tmp_path / "report")])
    assert out.exit_code == 2, out.output
    assert "Not a regular file" in out.output and "not found" not in out.output
    missing = CliRunner().invoke(cli, ["validate", str(tmp_path / "nothing.csv")])
    assert missing.exit_code == 2 and "File not found" in missing.output
