"""First page ready: how long until the overview's metrics are on screen in a real browser (target ≤ 2 s).

    caselink demo-data --filings 200000 --seed 7 --out /tmp/d200k
    caselink ingest /tmp/d200k/filings.csv --transfers /tmp/d200k/transfers.csv --workspace /tmp/ws200k
    python bench/ui.py --workspace /tmp/ws200k [--cold 5] [--reloads 3] [--search 张伟]
    python bench/ui.py --workspace WS --backend neo4j --cold 1 --search '' --pattern multi-channel --after 60

Each of --cold rounds starts `caselink serve` on the workspace (local mode: any users file is ignored),
waits until it answers, opens the overview in a newly started headless /usr/bin/chromium (Playwright; nothing
cached), and times the first visit; then --reloads page reloads (each a new Streamlit session on the
warm server, browser cache warm). The first round then searches for --search on the search page: the first
query after the server started reads the whole graph into memory, a cost the overview does not pay.

Per visit it prints three times, from the start of the navigation:
  painted   the browser's own clock: navigation start → the first frame drawn after the first metric entered
            the page (a MutationObserver and requestAnimationFrame in the page; this is what a user sees)
  visible   Playwright's wall clock until it saw the metric visible (adds its polling and round trips,
            ~0.05-0.9 s on a loaded machine)
  complete  until the page's script finished (charts and tables sent)
and the CPU seconds the server and the browser (with Playwright's driver) used during the visit, with the
1-minute load average: the machine is shared, so compare CPU seconds when wall times are noisy.

--pattern PAGE opens that pattern page once, --after seconds after the server answered, and times its first
visit until the first metric shows (the page's query is complete). On Neo4j the server computes the pattern
pages' default results in the background from the first visit on (dashboards/pattern_results.py): compare
--after 0 (the page computes its own) with --after 60.

`caselink ingest` saves the overview's figures in the workspace (WORKSPACE/index/overview.arrow), so the
cold figure is the first visit after an ingest; --fresh-cache deletes that file first, as for a workspace
ingested by an older caselink (the first visit then computes the figures from the whole graph).

Measured 2026-12-06 on the 200k workspace (`demo-data --filings 200000 --seed 7`, embedded store; `python
bench/ui.py --workspace WS --cold 5 --reloads 3`, 2 cores shared with other work, load average 4.5-7.1):
- cold: painted median 1.53 s, worst 2.67 s (Playwright saw the metrics: median 2.02 s, worst 3.02 s);
  CPU per visit: server 0.32 s, browser 2.15 s (a hello-world Streamlit page: 0.20 s and ~1.4 s);
- warm: painted median 0.86 s, worst 1.43 s (Playwright: 0.98 s); CPU server 0.16 s, browser 0.98 s;
- first search after the start (reads the 230 MB graph): 11.7 s, 4.9 s of server CPU; server answering
  after 5.5 s; stopped 0.2-0.5 s after SIGTERM.
With the graph read in the background from a second after the first page (MemoryStore.prefetch; same
command with --cold 3, load average 0.8-1.9, the same hour): first search 3.18 s (server CPU 2.99 s; most
of it the search's pass over every node) against 6.07 s (5.81 s) without; cold painted median 1.91 s
against 1.77 s; warm reloads made while the graph is read 1.00 s against 0.67 s.
Neo4j, 1M filings (the bulk-imported graph of graph/README.md "Second pass"; --backend neo4j --cold 1
--search '' --pattern PAGE): first page painted 1.42-1.47 s; the multi-channel page opened 60 s after the
server answered: 0.63 s (its default result computed meanwhile in the background), opened at once: 13.7 s;
overdue at 90 s: 1.31 s.
Before (b72849e, same machine, load 7.5-9.7): cold painted 2.56 s (Playwright 3.07 s; and the page it
opened, /overview, drew a "Page not found" dialog), CPU server 0.61 s + browser 3.39 s; warm 1.25 s;
first search 25.5 s (10.3 s CPU); server answering after 7.6 s.
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
from dataclasses import dataclass
from pathlib import Path

from playwright.sync_api import Page, Playwright, sync_playwright

CHROMIUM = "/usr/bin/chromium"
TARGET_S = 2.0
METRICS = '[data-testid="stMetric"]'
IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'
DONE = f"{IDLE} {METRICS}"
PAINT_PROBE = """
window.__firstMetricPainted = null;
new MutationObserver((records, observer) => {
  if (document.querySelector('[data-testid="stMetric"]')) {
    observer.disconnect();
    requestAnimationFrame(() => setTimeout(() => { window.__firstMetricPainted = performance.now(); }, 0));
  }
}).observe(document, {subtree: true, childList: true});
"""
"""Run in every page before its own scripts: notes when the first metric was painted (ms since navigation)."""


@dataclass(frozen=True)
class Visit:
    painted: float
    visible: float
    complete: float
    server_cpu: float
    browser_cpu: float
    load: float


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
        time.sleep(0.05)
    raise SystemExit(f"caselink serve did not answer within {timeout:.0f} s")


def _wait_port_free(port: int, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) != 0:
                return
        time.sleep(0.1)


def tree_cpu(root: int) -> float:
    """CPU seconds (user + system) used so far by process `root` and its descendants (Linux /proc)."""
    tick = os.sysconf("SC_CLK_TCK")
    children: dict[int, list[int]] = {}
    own: dict[int, float] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid = int(entry.name)
        children.setdefault(int(fields[1]), []).append(pid)
        own[pid] = (int(fields[11]) + int(fields[12])) / tick
    total, stack = 0.0, [root]
    while stack:
        pid = stack.pop()
        total += own.get(pid, 0.0)
        stack.extend(children.get(pid, []))
    return total


def _browser_cpu() -> float:
    """CPU seconds of this script's descendants: the browser and Playwright's driver."""
    return tree_cpu(os.getpid()) - own_cpu()


def own_cpu() -> float:
    times = os.times()
    return times.user + times.system


def _visit(page: Page, server: int, action: str, base: str) -> Visit:
    load = os.getloadavg()[0]
    s0, b0 = tree_cpu(server), _browser_cpu()
    start = time.perf_counter()
    if action == "goto":
        page.goto(base + "/")  # the overview is the default page: /overview would open "Page not found"
    else:
        page.reload()
    page.wait_for_selector(METRICS, state="visible", timeout=180_000)
    visible = time.perf_counter() - start
    if page.locator('[role="dialog"]').count():
        raise SystemExit(f"a dialog covers the page: {page.locator('[role=dialog]').first.inner_text()!r}")
    page.wait_for_function("window.__firstMetricPainted !== null", timeout=180_000)
    painted = float(page.evaluate("window.__firstMetricPainted")) / 1000
    s1, b1 = tree_cpu(server), _browser_cpu()
    page.wait_for_selector(DONE, state="visible", timeout=180_000)
    complete = time.perf_counter() - start
    return Visit(painted, visible, complete, s1 - s0, b1 - b0, load)


def _first_search(page: Page, server: int, base: str, text: str) -> tuple[float, float, float]:
    """Seconds from clicking 检索 until the results (or the 'nothing found' note) show, the server's CPU
    seconds meanwhile (reading the graph, then the query), and the load average."""
    page.goto(base + "/search")
    page.wait_for_selector(IDLE + " h1", timeout=180_000)
    page.get_by_role("textbox", name="检索内容", exact=True).fill(text)
    load, cpu = os.getloadavg()[0], tree_cpu(server)
    start = time.perf_counter()
    page.get_by_role("button", name="检索", exact=True).click()
    results = page.locator('[data-testid="stHeading"]', has_text="结果").or_(
        page.locator('[data-testid="stAlertContentWarning"]')
    )
    results.first.wait_for(timeout=600_000)
    return time.perf_counter() - start, tree_cpu(server) - cpu, load


def _pattern_visit(page: Page, server: int, base: str, path: str) -> tuple[float, float, float]:
    """Seconds from opening the pattern page `path` until its first metric shows (its query's result is in),
    the server's CPU seconds meanwhile, and the load average."""
    load, cpu = os.getloadavg()[0], tree_cpu(server)
    start = time.perf_counter()
    page.goto(f"{base}/{path}")
    page.wait_for_selector(METRICS, state="visible", timeout=600_000)
    return time.perf_counter() - start, tree_cpu(server) - cpu, load


def _show(name: str, visit: Visit) -> None:
    print(
        f"{name}: painted {visit.painted:.2f} s, visible {visit.visible:.2f} s, complete "
        f"{visit.complete:.2f} s; CPU server {visit.server_cpu:.2f} s, browser {visit.browser_cpu:.2f} s; "
        f"load {visit.load:.1f}",
        file=sys.stderr,
        flush=True,
    )


def _summary(name: str, visits: list[Visit]) -> None:
    def med(values: list[float]) -> str:
        return f"median {statistics.median(values):.2f} s, worst {max(values):.2f} s"

    painted = [v.painted for v in visits]
    print(
        f"first page ready, {name} ({len(visits)}x): painted {med(painted)}  [target {TARGET_S:.1f} s: "
        f"{'met' if statistics.median(painted) <= TARGET_S else 'missed'} on the median]"
    )
    print(
        f"    Playwright saw the metrics: {med([v.visible for v in visits])}; page complete: "
        f"{med([v.complete for v in visits])}"
    )
    server = statistics.median(v.server_cpu for v in visits)
    print(
        f"    CPU per visit: server median {server:.2f} s, browser "
        f"median {statistics.median(v.browser_cpu for v in visits):.2f} s; load average "
        f"{min(v.load for v in visits):.1f}-{max(v.load for v in visits):.1f}"
    )


def _round(
    playwright: Playwright,
    caselink: str,
    ws: Path,
    backend: str,
    reloads: int,
    search: str | None,
    env: dict[str, str],
    pattern: tuple[str, float] | None = None,
) -> tuple[float, Visit, list[Visit], tuple[float, float, float] | None]:
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    log = tempfile.NamedTemporaryFile(prefix="caselink-bench-ui-", suffix=".log", delete=False)
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        [caselink, "serve", "--workspace", str(ws), "--port", str(port), "--backend", backend],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        _wait_health(base, proc)
        started = time.perf_counter() - t0
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True)  # nothing cached
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        context.add_init_script(PAINT_PROBE)
        page = context.new_page()
        time.sleep(0.5)  # let the new browser settle before the clock starts
        cold = _visit(page, proc.pid, "goto", base)
        _show("cold", cold)
        warm = []
        for _ in range(reloads):
            warm.append(_visit(page, proc.pid, "reload", base))
            _show("  warm", warm[-1])
        searched = _first_search(page, proc.pid, base, search) if search else None
        if searched:
            print(
                f"  first search ({search!r}): {searched[0]:.2f} s, server CPU {searched[1]:.2f} s, load "
                f"{searched[2]:.1f}",
                file=sys.stderr,
            )
        if pattern:
            path, after = pattern
            time.sleep(max(0.0, after - (time.perf_counter() - t0 - started)))
            seconds, cpu, load = _pattern_visit(page, proc.pid, base, path)
            print(
                f"first visit of /{path}, {time.perf_counter() - t0 - started - seconds:.0f} s after the "
                f"server answered: {seconds:.2f} s until its first metric, server CPU {cpu:.2f} s, load "
                f"{load:.1f}",
                flush=True,
            )
        browser.close()
    finally:
        stop = time.perf_counter()
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=120)
        _wait_port_free(port)
        print(f"  server stopped {time.perf_counter() - stop:.2f} s after SIGTERM", file=sys.stderr)
    return started, cold, warm, searched


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--workspace", type=Path, required=True, help="An ingested workspace (e.g. 200k).")
    ap.add_argument("--cold", type=int, default=5, help="Server starts, each timed cold (default 5).")
    ap.add_argument("--reloads", type=int, default=3, help="Warm reloads after each cold visit (default 3).")
    ap.add_argument(
        "--search",
        default="张伟",
        help="Text searched once after the first round's visits (default 张伟; '' to skip).",
    )
    ap.add_argument("--backend", choices=["embedded", "neo4j"], default="embedded")
    ap.add_argument(
        "--fresh-cache",
        action="store_true",
        help="Delete the overview figures saved by the ingest first (they are computed on the "
        "first visit then).",
    )
    ap.add_argument(
        "--pattern",
        default="",
        help="URL path of a pattern page (e.g. multi-channel) opened once in the first round, "
        "--after seconds after the server answered: its first visit is timed.",
    )
    ap.add_argument(
        "--after",
        type=float,
        default=60.0,
        help="When the --pattern page is opened (default 60 s: a user reading the overview).",
    )
    args = ap.parse_args()
    ws = args.workspace.resolve()
    if not (ws / "graph").is_dir():
        raise SystemExit(f"{ws} is not an ingested workspace: run `caselink ingest` first.")
    env = {k: v for k, v in os.environ.items() if k not in ("CASELINK_USERS", "CASELINK_WORKSPACE")}
    env["CASELINK_USERS"] = str(Path(tempfile.gettempdir()) / "caselink-bench-ui-no-users.toml")
    if args.fresh_cache:
        (ws / "index" / "overview.arrow").unlink(missing_ok=True)
    caselink = str(Path(sys.executable).with_name("caselink"))
    starts, colds, warms = [], [], []
    searched = None
    with sync_playwright() as p:
        for n in range(max(args.cold, 1)):
            pattern = (args.pattern, args.after) if args.pattern and n == 0 else None
            started, cold, warm, found = _round(
                p, caselink, ws, args.backend, args.reloads, args.search if n == 0 else None, env, pattern
            )
            starts.append(started)
            colds.append(cold)
            warms.extend(warm)
            searched = searched or found
    print(
        f"workspace: {ws} ({args.backend}{', overview figures deleted' if args.fresh_cache else ''}); "
        f"{os.cpu_count()} cores"
    )
    print(f"server answering after median {statistics.median(starts):.2f} s (worst {max(starts):.2f} s)")
    _summary("cold (first visit after the server started, empty browser cache)", colds)
    if warms:
        _summary("warm (page reload: new session, warm server and browser cache)", warms)
    if searched:
        print(
            f"first search after the server started ({args.search!r}; it reads the graph): "
            f"{searched[0]:.2f} s, server CPU {searched[1]:.2f} s, load {searched[2]:.1f}"
        )


if __name__ == "__main__":
    main()
