"""Load on the HTTP service, on loopback: throughput, latency and memory against the library.

Starts `replycoach serve` on 127.0.0.1 (a free port), then C concurrent clients (httpx, async)
POST real agent replies (with their customer messages) to /v1/check until N requests are done.
Reports requests/s, p50/p99 latency, errors, the server's resident memory after 10% of the
requests and at the end (flat means no growth), and the same replies through `Coach.check` in
this process as the baseline.

    python benchmarks/service.py [--requests 20000] [--concurrency 8] [--workers 1] [--json]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
from common import REPO, make_coach
from corpus import DataMissing, agent_replies, exit_missing


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def rss_mib(pid: int) -> float:
    """Resident memory of a process and its children (uvicorn workers), from /proc."""
    total = 0
    pids = [pid]
    children = Path(f"/proc/{pid}/task/{pid}/children")
    if children.exists():
        pids += [int(p) for p in children.read_text().split()]
    for p in pids:
        for line in Path(f"/proc/{p}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1])
    return round(total / 1024, 1)


async def drive(url: str, bodies: list[dict[str, Any]], requests: int, concurrency: int,
                on_progress: Any) -> tuple[list[float], int]:
    latencies: list[float] = []
    errors = 0
    counter = iter(range(requests))
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=url, limits=limits, timeout=30) as client:
        async def worker() -> None:
            nonlocal errors
            for i in counter:
                start = time.perf_counter()
                response = await client.post("/v1/check", json=bodies[i % len(bodies)])
                latencies.append(time.perf_counter() - start)
                if response.status_code != 200 and response.json().get("code") != "RC105":
                    errors += 1
                on_progress(len(latencies))
        await asyncio.gather(*(worker() for _ in range(concurrency)))
    return latencies, errors


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=20_000)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    try:
        replies = agent_replies()
    except DataMissing as err:
        exit_missing(err)
    bodies = [{"draft": r.text, **({"customer": r.customer} if r.customer else {})} for r in replies]

    coach = make_coach(None)
    for b in bodies:  # warm, then time the library on the same bodies
        try:
            coach.check(b["draft"], customer=b.get("customer"))
        except Exception:
            pass
    start = time.perf_counter()
    for b in bodies:
        try:
            coach.check(b["draft"], customer=b.get("customer"))
        except Exception:
            pass
    library_rate = len(bodies) / (time.perf_counter() - start)

    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "replycoach.cli", "serve", "--port", str(port),
                               "--workers", str(args.workers), "--max-body", "2000000"],
                              cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              env={**os.environ, "PYTHONPATH": str(REPO)})
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        early: list[float] = []

        def progress(done: int) -> None:
            if done == max(1, args.requests // 10) and not early:
                early.append(rss_mib(server.pid))

        begin = time.perf_counter()
        latencies, errors = asyncio.run(drive(url, bodies, args.requests, args.concurrency, progress))
        elapsed = time.perf_counter() - begin
        late = rss_mib(server.pid)
    finally:
        server.terminate()
        server.wait(timeout=30)
    latencies.sort()
    rate = len(latencies) / elapsed
    result = {"requests": len(latencies), "concurrency": args.concurrency, "workers": args.workers,
              "requests_per_s": round(rate, 1), "p50_ms": round(1000 * statistics.median(latencies), 2),
              "p99_ms": round(1000 * latencies[int(0.99 * (len(latencies) - 1))], 2), "errors": errors,
              "library_checks_per_s": round(library_rate, 1),
              "service_over_library": round(rate / library_rate, 2),
              "server_rss_mib_at_10pct": early[0] if early else None, "server_rss_mib_at_end": late}
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        for k, v in result.items():
            print(f"{k:26} {v}")


if __name__ == "__main__":
    main()
