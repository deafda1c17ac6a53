"""First page ready: how long until the overview's metrics are visible in a real browser (target ≤ 2 s).

    caselink demo-data --filings 200000 --seed 7 --out /tmp/d200k
    caselink ingest /tmp/d200k/filings.csv --transfers /tmp/d200k/transfers.csv --workspace /tmp/ws200k
    python bench/ui.py --workspace /tmp/ws200k

Starts `caselink serve` on the workspace (local mode: any users file is ignored), waits until the server
answers, then opens the overview in headless /usr/bin/chromium (Playwright) and times navigation → metrics
visible (and → the page's script finished): once cold (first visit after the server started: the store and the
overview's aggregates are loaded), then --reloads times warm (a page reload is a new Streamlit session on
a warm server process). Prints the server start, the cold figure, and the median and worst warm figure.
`caselink ingest` saves the overview's figures in the workspace (WORKSPACE/index/overview.pickle), so the
cold figure is the first visit after an ingest; --fresh-cache deletes that file first, as for a workspace
ingested by an older caselink (the page then computes the figures from the whole graph once).
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

CHROMIUM = "/usr/bin/chromium"
TARGET_S = 2.0
METRICS = '[data-testid="stMetric"]'
DONE = '[data-testid="stApp"][data-test-script-state="notRunning"] [data-testid="stMetric"]'


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_health(base: str, proc: subprocess.Popen[bytes], timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit("caselink serve exited before answering")
        try:
            with urllib.request.urlopen(base + "/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.1)
    raise SystemExit(f"caselink serve did not answer within {timeout:.0f} s")


def _time_ready(page: Page, action: str, base: str) -> tuple[float, float]:
    """Seconds from navigation until the overview's metrics are visible, and until its script finished."""
    start = time.perf_counter()
    if action == "goto":
        page.goto(base + "/overview")
    else:
        page.reload()
    page.wait_for_selector(METRICS, state="visible", timeout=180_000)
    visible = time.perf_counter() - start
    page.wait_for_selector(DONE, state="visible", timeout=180_000)
    return visible, time.perf_counter() - start


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--workspace", type=Path, required=True, help="An ingested workspace (e.g. 200k).")
    ap.add_argument("--reloads", type=int, default=5, help="Warm reloads to time (default 5).")
    ap.add_argument("--backend", choices=["embedded", "neo4j"], default="embedded")
    ap.add_argument("--fresh-cache", action="store_true",
                    help="Delete the overview figures saved by the ingest first (they are computed on the "
                         "first visit then).")
    args = ap.parse_args()
    ws = args.workspace.resolve()
    if not (ws / "graph").is_dir():
        raise SystemExit(f"{ws} is not an ingested workspace: run `caselink ingest` first.")

    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    env = {k: v for k, v in os.environ.items() if k not in ("CASELINK_USERS", "CASELINK_WORKSPACE")}
    env["CASELINK_USERS"] = str(Path(tempfile.gettempdir()) / f"caselink-bench-ui-no-users-{port}.toml")
    if args.fresh_cache:
        (ws / "index" / "overview.pickle").unlink(missing_ok=True)
    caselink = str(Path(sys.executable).with_name("caselink"))
    log = tempfile.NamedTemporaryFile(prefix="caselink-bench-ui-", suffix=".log", delete=False)
    t0 = time.perf_counter()
    proc = subprocess.Popen([caselink, "serve", "--workspace", str(ws), "--port", str(port),
                             "--backend", args.backend], env=env, stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True)
    try:
        _wait_health(base, proc)
        started = time.perf_counter() - t0
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, headless=True)
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            cold = _time_ready(page, "goto", base)
            print(f"cold: {cold[0]:.2f} s / {cold[1]:.2f} s", file=sys.stderr)
            warm = []
            for _ in range(args.reloads):
                warm.append(_time_ready(page, "reload", base))
                print(f"warm: {warm[-1][0]:.2f} s / {warm[-1][1]:.2f} s", file=sys.stderr)
            browser.close()
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=20)
    print(f"workspace: {ws} ({args.backend}{', overview figures deleted' if args.fresh_cache else ''})")
    print(f"server answering after {started:.2f} s")
    print(f"first page ready, cold (first visit): metrics visible {cold[0]:.2f} s, page complete "
          f"{cold[1]:.2f} s  [target {TARGET_S:.1f} s: {'met' if cold[0] <= TARGET_S else 'missed'}]")
    if warm:
        shown = [w[0] for w in warm]
        done = [w[1] for w in warm]
        print(f"first page ready, warm reload ({len(warm)}x): metrics visible median "
              f"{statistics.median(shown):.2f} s, worst {max(shown):.2f} s; page complete median "
              f"{statistics.median(done):.2f} s  [target {TARGET_S:.1f} s: "
              f"{'met' if max(shown) <= TARGET_S else 'missed'}]")
    print(f"server log: {log.name}")


if __name__ == "__main__":
    main()
