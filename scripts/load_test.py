"""Load test of ``casearchive serve`` on loopback: N concurrent clients for a bounded time.

It builds the demo index (or uses ``--data DIR``), starts ``casearchive serve`` on 127.0.0.1,
waits for ``/healthz``, warms up, then runs ``--clients`` threads, each with its own keep-alive
connection, sending ``/api/search`` queries for ``--duration`` seconds. It reports requests,
errors, latency percentiles and the server's resident memory before and after, and exits 1 when
a request failed or memory grew more than ``--max-rss-growth`` MB. Only the standard library.

    python scripts/load_test.py [--clients 50] [--duration 30] [--data DIR]

With ``--attackers 0,3,6`` it measures instead what costly queries do to everyone else: for each
number of attackers, a fresh server, that many attacker threads sending the costliest queries
found (30 two-letter prefixes OR'd, with ``limit=1000`` and as an ``/export``; a query within the
caps that still scores every document), and ``--clients`` normal clients beside them. It reports
the normal clients' requests/s and latency, what the attackers got, the server's peak memory, and
how long the server took to exit on SIGTERM with the attacks running. ``--server-cmd`` runs
another installation's server (e.g. an older checkout: ``"python -m index.cli"`` with its
PYTHONPATH).

    python scripts/load_test.py --data DIR --clients 20 --attackers 0,3,6 [--json FILE]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import shlex
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
# Two-letter prefixes of common Dutch words: each stands for a thousand or more words of an S index.
PREFIXES = ("be", "ve", "ge", "on", "in", "de", "ar", "wo", "me", "st", "sa", "te", "ka", "ma", "pr", "re", "ov",
            "wa", "ze", "le", "ko", "ho", "vo", "to", "la", "ni", "ui", "al", "op", "af")
WIDE = " OR ".join(f"{p}*" for p in PREFIXES)
ATTACKS = (f"/api/search?q={quote(WIDE)}&limit=1000", f"/export?q={quote(WIDE)}&format=csv",
           f"/api/search?q={quote(' OR '.join(f'{p}*' for p in PREFIXES[:4]))}&limit=100")


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


def attacker(port: int, stop: threading.Event, n: int, outcomes: list[tuple[int | str, float]],
             lock: threading.Lock) -> None:
    """Send the attacks in turn until ``stop``; each answer (status or error) with its time."""
    i = n
    while not stop.is_set():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
        started = time.perf_counter()
        try:
            status: int | str = get(conn, ATTACKS[i % len(ATTACKS)])
        except (OSError, http.client.HTTPException) as exc:
            status = type(exc).__name__
        finally:
            conn.close()
        i += 1
        with lock:
            outcomes.append((status, time.perf_counter() - started))


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


def peak_rss_mb(pid: int) -> float:
    """The most resident memory a process has had, in MB (Linux /proc: VmHWM)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def timed_get(port: int, path: str) -> float:
    """Milliseconds one request on a new connection takes."""
    started = time.perf_counter()
    get(http.client.HTTPConnection("127.0.0.1", port, timeout=120), path)
    return round(1000 * (time.perf_counter() - started), 1)


def run_level(command: list[str], data: Path, attackers: int, args: argparse.Namespace) -> dict[str, Any]:
    """One fresh server, ``attackers`` attacker threads and the normal clients beside them."""
    port = free_port()
    server = subprocess.Popen(command + ["--data", str(data), "serve", "--host", "127.0.0.1", "--port", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_healthy(port, server)
        lock = threading.Lock()
        run_clients(port, args.clients, 3.0, [], [], lock)  # the normal queries' caches and imports settle
        rss_start = rss_mb(server.pid)
        stop = threading.Event()
        outcomes: list[tuple[int | str, float]] = []
        threads = [threading.Thread(target=attacker, args=(port, stop, n, outcomes, lock), daemon=True)
                   for n in range(attackers)]
        for thread in threads:
            thread.start()
        time.sleep(args.attack_lead if attackers else 0)
        latencies: list[float] = []
        errors: list[str] = []
        started = time.monotonic()
        run_clients(port, args.clients, args.duration, latencies, errors, lock)
        wall = time.monotonic() - started
        healthz_ms = timed_get(port, "/healthz")
        peak = peak_rss_mb(server.pid)
        stop.set()
        asked = time.monotonic()
        server.send_signal(15)  # SIGTERM, with the attacks still running
        try:
            server.wait(timeout=args.stop_wait)
            exit_s: float | None = round(time.monotonic() - asked, 1)
        except subprocess.TimeoutExpired:
            exit_s = None
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()
    answers: dict[str, int] = {}
    for status, _seconds in outcomes:
        answers[str(status)] = answers.get(str(status), 0) + 1
    return {
        "attackers": attackers, "normal_clients": args.clients, "duration_s": round(wall, 1),
        "normal": {"requests": len(latencies), "requests_per_s": round(len(latencies) / wall, 1),
                   "errors": len(errors), "first_errors": errors[:3],
                   "latency_ms": {name: round(1000 * percentile(latencies, p), 1)
                                  for name, p in (("p50", 50), ("p95", 95), ("max", 100))}},
        "attacks": {"answered": answers, "unanswered": sum(t.is_alive() for t in threads),
                    "max_s": round(max((t for _s, t in outcomes), default=0.0), 1)},
        "healthz_ms_at_end": healthz_ms,
        "rss_mb": {"start": round(rss_start, 1), "peak": round(peak, 1)},
        "sigterm_exit_s": exit_s if exit_s is not None else f"> {args.stop_wait:g} (killed)",
    }


def attack_levels(args: argparse.Namespace, cli: str) -> int:
    """Run ``run_level`` for each number of attackers; print the figures as JSON."""
    command = shlex.split(args.server_cmd) if args.server_cmd else [cli]
    levels = [int(n) for n in args.attackers.split(",")]
    with tempfile.TemporaryDirectory(prefix="casearchive-load-") as tmp:
        data = args.data
        if data is None:
            data = Path(tmp) / "demo"
            subprocess.run(command + ["--data", str(data), "demo"], check=True, capture_output=True)
        figures = []
        for attackers in levels:
            figures.append(run_level(command, data, attackers, args))
            print(json.dumps(figures[-1]), file=sys.stderr, flush=True)
    result = {"server": args.server_cmd or cli, "pythonpath": os.environ.get("PYTHONPATH"), "levels": figures}
    print(json.dumps(result, indent=2))
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n")
    return 0


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
    parser.add_argument("--attackers", help="comma-separated numbers of attackers, e.g. 0,3,6 (see above)")
    parser.add_argument("--attack-lead", type=float, default=5.0, help="seconds the attacks run before measuring")
    parser.add_argument("--stop-wait", type=float, default=60.0, help="seconds to wait for the exit on SIGTERM")
    parser.add_argument("--server-cmd", help="command that runs casearchive (default: the console script)")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args()
    cli = casearchive()
    if args.attackers:
        return attack_levels(args, cli)
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
