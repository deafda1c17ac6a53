"""`caselink serve` as a process: it answers on the port it was given, and a plain SIGTERM to the pid it was
started with (what `kill` or a service manager sends) stops the server and frees the port."""

from __future__ import annotations

import os
import select
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from click.testing import CliRunner

from caselink.cli import cli
from caselink.commands.serve import is_loopback
from caselink.workspace import Workspace

CASELINK = str(Path(sys.executable).with_name("caselink"))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as r:
            return bool(r.status == 200)
    except OSError:
        return False


def test_sigterm_to_the_started_pid_stops_the_server(tmp_path: Path) -> None:
    port = _free_port()
    health = f"http://127.0.0.1:{port}/_stcore/health"
    env = {k: v for k, v in os.environ.items() if not k.startswith("CASELINK_")}
    env["CASELINK_BACKEND"] = "embedded"
    Workspace.open(tmp_path / "ws")  # serve refuses a folder that is no workspace
    proc = subprocess.Popen([CASELINK, "serve", "--workspace", str(tmp_path / "ws"), "--port", str(port)],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while not _answers(health):
            assert proc.poll() is None, "caselink serve exited before answering"
            assert time.monotonic() < deadline, "caselink serve did not answer within 60 s"
            time.sleep(0.2)
        proc.send_signal(signal.SIGTERM)  # this pid only, not its process group
        assert proc.wait(timeout=20) is not None
        deadline = time.monotonic() + 10
        while _answers(health):  # a server left running in a child process would still answer
            assert time.monotonic() < deadline, "the port still answers after SIGTERM to caselink serve"
            time.sleep(0.2)
    finally:
        try:
            os.killpg(proc.pid, signal.SIGKILL)  # anything left of this test's process group
        except ProcessLookupError:
            pass
        proc.wait()


def test_serve_refuses_a_folder_that_is_no_workspace(tmp_path: Path) -> None:
    out = CliRunner().invoke(cli, ["serve", "--workspace", str(tmp_path / "typo")])
    assert out.exit_code == 2 and "No workspace" in out.output and not (tmp_path / "typo").exists()


def test_serving_beyond_localhost_prints_a_warning(tmp_path: Path) -> None:
    assert all(is_loopback(h) for h in ("127.0.0.1", "127.1.2.3", "::1", "[::1]", "localhost"))
    assert not any(is_loopback(h) for h in ("0.0.0.0", "::", "192.168.1.5", "myhost.example"))
    Workspace.open(tmp_path / "ws")
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("CASELINK_")}
    for host, warned in (("127.0.0.1", False), ("0.0.0.0", True)):
        proc = subprocess.Popen(
            [CASELINK, "serve", "--workspace", str(tmp_path / "ws"), "--port", str(port), "--host", host],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True, text=True,
        )
        try:
            assert proc.stderr is not None
            lines = [proc.stderr.readline()]  # "caselink dashboards on …", then the warning if any
            if select.select([proc.stderr], [], [], 10)[0]:
                lines.append(proc.stderr.readline())
        finally:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=60)
        assert ("WARNING: listening on 0.0.0.0" in "".join(lines)) is warned, lines
