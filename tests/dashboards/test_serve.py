"""`caselink serve` as a process: it answers on the port it was given, and a plain SIGTERM to the pid it was
started with (what `kill` or a service manager sends) stops the server and frees the port."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

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
