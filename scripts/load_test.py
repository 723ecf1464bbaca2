"""Load test of ``casearchive serve`` on loopback: N concurrent clients for a bounded time.

It builds the demo index (or uses ``--data DIR``), starts ``casearchive serve`` on 127.0.0.1,
waits for ``/healthz``, warms up, then runs ``--clients`` threads, each with its own keep-alive
connection, sending ``/api/search`` queries for ``--duration`` seconds. It reports requests,
errors, latency percentiles and the server's resident memory before and after, and exits 1 when
a request failed or memory grew more than ``--max-rss-growth`` MB. Only the standard library.

    python scripts/load_test.py [--clients 50] [--duration 30] [--data DIR]
"""

from __future__ import annotations

import argparse
import http.client
import json
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote

QUERIES = ("taakroulatie", '"minder last van mijn rug"', "gesprek company:Neways", "ergonomie year:2013..2014",
           "zelfroosteren", "werkdruk theme:Werkdruk", "kind:video metalektro", "roulatie", "functioneringsgesprek*",
           "ergonmie~", "teamleren OR zelforganisatie", "duurzame inzetbaarheid -Neways")


def casearchive() -> str:
    """The casearchive console script beside this Python, or on PATH."""
    beside = Path(sys.executable).with_name("casearchive")
    return str(beside) if beside.exists() else shutil.which("casearchive") or "casearchive"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def rss_mb(pid: int) -> float:
    """The resident memory of a process in MB (Linux /proc)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def get(conn: http.client.HTTPConnection, path: str) -> int:
    conn.request("GET", path)
    response = conn.getresponse()
    response.read()
    return response.status


def wait_healthy(port: int, server: subprocess.Popen[bytes], limit: float = 60.0) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"casearchive serve exited with {server.returncode} before answering")
        try:
            if get(http.client.HTTPConnection("127.0.0.1", port, timeout=2), "/healthz") == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise SystemExit("casearchive serve did not answer /healthz in time")


def client(port: int, stop: float, n: int, latencies: list[float], errors: list[str], lock: threading.Lock) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    i = n
    while time.monotonic() < stop:
        query = QUERIES[i % len(QUERIES)]
        i += 1
        started = time.perf_counter()
        try:
            status = get(conn, f"/api/search?q={quote(query)}&limit=10")
            problem = None if status == 200 else f"HTTP {status} for {query!r}"
        except (OSError, http.client.HTTPException) as exc:
            problem = f"{type(exc).__name__}: {exc}"
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        elapsed = time.perf_counter() - started
        with lock:
            latencies.append(elapsed)
            if problem:
                errors.append(problem)
    conn.close()


def run_clients(port: int, clients: int, seconds: float, latencies: list[float], errors: list[str],
                lock: threading.Lock, sample: Any = None) -> None:
    """Run ``clients`` threads for ``seconds``; ``sample()`` is called about once a second meanwhile."""
    stop = time.monotonic() + seconds
    threads = [threading.Thread(target=client, args=(port, stop, n, latencies, errors, lock), daemon=True)
               for n in range(clients)]
    for thread in threads:
        thread.start()
    while any(t.is_alive() for t in threads):
        if sample is not None:
            sample()
        time.sleep(1.0)


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))] if ordered else float("nan")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--duration", type=float, default=30.0, help="seconds of load")
    parser.add_argument("--data", type=Path, help="data directory with an index (default: a fresh demo)")
    parser.add_argument("--warmup", type=float, default=10.0, help="seconds of load before memory is measured")
    parser.add_argument("--max-rss-growth", type=float, default=20.0, help="MB allowed after warm-up")
    args = parser.parse_args()
    cli = casearchive()
    if subprocess.run([cli, "serve", "--help"], capture_output=True).returncode != 0:
        print("casearchive serve is not available in this installation; nothing to test", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="casearchive-load-") as tmp:
        data = args.data
        if data is None:
            data = Path(tmp) / "demo"
            subprocess.run([cli, "--data", str(data), "demo"], check=True, capture_output=True)
        port = free_port()
        server = subprocess.Popen([cli, "--data", str(data), "serve", "--host", "127.0.0.1", "--port", str(port)],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        try:
            wait_healthy(port, server)
            lock = threading.Lock()
            # A short run at full concurrency first: the server's worker threads, caches and lazy
            # imports settle before memory is measured, so growth means a leak, not a warm-up.
            warm_errors: list[str] = []
            run_clients(port, args.clients, args.warmup, [], warm_errors, lock)
            rss_before = rss_mb(server.pid)
            latencies: list[float] = []
            errors: list[str] = list(warm_errors)
            samples = [rss_before]
            started = time.monotonic()
            run_clients(port, args.clients, args.duration, latencies, errors, lock,
                        sample=lambda: samples.append(rss_mb(server.pid)))
            wall = time.monotonic() - started
            rss_after = rss_mb(server.pid)
        finally:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
    result = {
        "clients": args.clients, "warmup_s": args.warmup, "duration_s": round(wall, 1), "requests": len(latencies),
        "requests_per_s": round(len(latencies) / wall, 1), "errors": len(errors), "first_errors": errors[:5],
        "latency_ms": {name: round(1000 * value, 1) for name, value in (
            ("p50", percentile(latencies, 50)), ("p95", percentile(latencies, 95)),
            ("p99", percentile(latencies, 99)), ("max", max(latencies, default=float("nan"))),
            ("mean", statistics.fmean(latencies) if latencies else float("nan")))},
        "rss_mb": {"after_warmup": round(rss_before, 1), "after_load": round(rss_after, 1),
                   "peak": round(max(samples + [rss_after]), 1), "growth": round(rss_after - rss_before, 1)},
    }
    print(json.dumps(result, indent=2))
    ok = not errors and result["rss_mb"]["growth"] <= args.max_rss_growth
    print("PASS" if ok else "FAIL", file=sys.stderr)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
