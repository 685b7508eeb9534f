"""Load on the HTTP service, on loopback: throughput, latency, CPU per request and memory.

Starts `replycoach serve --workers W` on 127.0.0.1 (a free port), then C concurrent clients POST
real agent replies (with their customer messages) to /v1/check over keep-alive connections until
N requests are done. The client is this process, pinned to a core of its own (--client-cpu, by
default the last one allowed) after the server has started, so that the server's processes can
use every core; --server-cpus pins the server instead (e.g. the others). The client speaks
HTTP/1.1 over asyncio streams itself: httpx costs about as much CPU per request as the server
does, which would make the client the thing measured.

  requests/s        requests done / wall time of the load phase
  p50 / p99         latency of each request as the client saw it (nearest rank)
  server CPU/req    CPU seconds of the whole server process tree (uvicorn processes and their
                    check processes, from /proc) during the load phase / requests: what a request
                    costs whatever the machine's load
  ... by role       the same split by depth in the tree: the supervisor (--workers > 1), the
                    server processes (HTTP, FastAPI, handing the check over) and the check processes
  library CPU/check `Coach.check` + its JSON in this process, same replies, after a warm-up pass
  overhead          server CPU/req - library CPU/check: what serving a check costs above the check
  predicted/s       server cores / server CPU per request: the rate the server could reach with
                    that many free cores and a client elsewhere (cores = the server's CPUs minus the
                    client's, at least 1); "one core per worker": --workers / server CPU per request
  client CPU/req    this process's CPU during the load phase / requests
  CPU capacity      2 x (one busy loop's time) / (time of 2 at once): what the machine gives now
                    (2.0 on two idle cores); wall figures cannot beat it
  memory            the server tree's resident memory after 10% of the requests and at the end
  library           the same replies through `Coach.check` in this process, one core (wall)

    python benchmarks/service.py [--requests 20000] [--concurrency 8] [--workers 2] [--json]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from batch import cpu_capacity
from common import REPO, depths, make_coach, tree_rss_kib
from corpus import DataMissing, agent_replies, exit_missing

TARGET_RATE, TARGET_P99_MS = 1000, 20  # issue 13, with --workers 2 and 8 clients
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def tree(pid: int) -> list[int]:
    """`pid` and all its descendants (uvicorn processes, their check processes), from /proc."""
    return list(depths(pid))


def cpu_by_depth(pid: int) -> dict[int, float]:
    """User + system CPU seconds of the tree under `pid` by depth (0: `pid`), reaped children
    counted in their parent's depth + 1 (a replaced process's CPU stays in the figures)."""
    totals: dict[int, float] = {}
    for p, depth in depths(pid).items():
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        own, reaped = int(fields[11]) + int(fields[12]), int(fields[13]) + int(fields[14])
        totals[depth] = totals.get(depth, 0.0) + own / CLOCK_TICKS
        totals[depth + 1] = totals.get(depth + 1, 0.0) + reaped / CLOCK_TICKS
    return totals


def tree_cpu_s(pid: int) -> float:
    """User + system CPU seconds of the tree under `pid`, those already reaped included."""
    return sum(cpu_by_depth(pid).values())


def roles(workers: int) -> list[str]:
    """What the processes at each depth of `replycoach serve`'s tree are."""
    if workers > 1:
        return ["supervisor", "server processes", "check processes"]
    return ["server process", "check processes"]


def rss_mib(pid: int) -> float:
    """Resident memory of the server's process tree, from /proc."""
    return round(tree_rss_kib(pid) / 1024, 1)


def request_bytes(port: int, body: dict[str, Any]) -> bytes:
    data = json.dumps(body).encode("utf-8")
    return (f"POST /v1/check HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(data)}\r\n\r\n").encode("ascii") + data


async def post(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, request: bytes) -> tuple[int, bytes]:
    """One request on a keep-alive connection: (status, body)."""
    writer.write(request)
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    length = next(int(line.split(b":", 1)[1]) for line in head.split(b"\r\n")
                  if line.lower().startswith(b"content-length:"))
    return status, await reader.readexactly(length)


async def drive(port: int, requests: list[bytes], total: int, concurrency: int,
                on_progress: Any) -> tuple[list[float], int]:
    latencies: list[float] = []
    errors = 0
    counter = iter(range(total))

    async def client() -> None:
        nonlocal errors
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            for i in counter:
                start = time.perf_counter()
                status, body = await post(reader, writer, requests[i % len(requests)])
                latencies.append(time.perf_counter() - start)
                if status != 200 and json.loads(body).get("code") != "RC105":
                    errors += 1
                on_progress(len(latencies))
        finally:
            writer.close()

    await asyncio.gather(*(client() for _ in range(concurrency)))
    return latencies, errors


def healthy(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
            s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            return s.recv(64).startswith(b"HTTP/1.1 200")
    except OSError:
        return False


def library_rate(bodies: list[dict[str, Any]]) -> tuple[float, float]:
    """`Coach.check` on the same bodies in this process, after a warm-up pass: (checks per second,
    CPU milliseconds per check). The second is what a check process could cost at best."""
    coach = make_coach(None)
    for _pass in ("warm-up", "timed"):
        start, cpu = time.perf_counter(), time.process_time()
        for b in bodies:
            try:
                coach.check(b["draft"], customer=b.get("customer")).to_json()
            except Exception:  # coded refusals (RC105 not English) are part of the workload
                pass
    return len(bodies) / (time.perf_counter() - start), 1000 * (time.process_time() - cpu) / len(bodies)


def pin(cpus: set[int]) -> set[int]:
    try:
        os.sched_setaffinity(0, cpus)
    except (AttributeError, OSError):
        pass
    return set(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else set()


def measure(args: argparse.Namespace) -> dict[str, Any]:
    replies = agent_replies()
    bodies = [{"draft": r.text, **({"customer": r.customer} if r.customer else {})} for r in replies]
    allowed = os.sched_getaffinity(0) if hasattr(os, "sched_getaffinity") else set()
    rate_library, check_ms = library_rate(bodies) if not args.no_library else (None, None)
    capacity = cpu_capacity()
    port = free_port()
    server_cpus = set(args.server_cpus) if args.server_cpus else None
    server = subprocess.Popen([sys.executable, "-c", "import sys; from replycoach.cli import main; sys.exit(main())",
                               "serve", "--port", str(port), "--workers", str(args.workers), "--max-body", "2000000"],
                              cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              env={**os.environ, "PYTHONPATH": str(REPO)},
                              preexec_fn=(lambda: os.sched_setaffinity(0, server_cpus)) if server_cpus else None)
    client_cpu = args.client_cpu if args.client_cpu is not None else max(allowed or {0})
    try:
        deadline = time.monotonic() + 120
        while not healthy(port):
            if server.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"the server did not start (exit status {server.poll()})")
            time.sleep(0.1)
        client_cpus = pin({client_cpu})
        requests = [request_bytes(port, b) for b in bodies]
        asyncio.run(drive(port, requests, min(500, args.requests), args.concurrency, lambda _: None))  # warm-up
        early: list[float] = []

        def progress(done: int) -> None:
            if done == max(1, args.requests // 10) and not early:
                early.append(rss_mib(server.pid))

        cpu_before, self_before = cpu_by_depth(server.pid), resource.getrusage(resource.RUSAGE_SELF)
        begin = time.perf_counter()
        latencies, errors = asyncio.run(drive(port, requests, args.requests, args.concurrency, progress))
        elapsed = time.perf_counter() - begin
        cpu_after = cpu_by_depth(server.pid)
        by_depth = {d: cpu_after.get(d, 0.0) - cpu_before.get(d, 0.0) for d in cpu_after}
        server_cpu = sum(by_depth.values())
        self_after = resource.getrusage(resource.RUSAGE_SELF)
        late = rss_mib(server.pid)
        processes = len(tree(server.pid))
    finally:
        server.terminate()
        server.wait(timeout=30)
    latencies.sort()
    done = len(latencies)
    rate = done / elapsed
    client_cpu_s = self_after.ru_utime + self_after.ru_stime - self_before.ru_utime - self_before.ru_stime
    server_cores = len((server_cpus or allowed) - ({client_cpu} if not server_cpus else set())) or 1
    per_request = server_cpu / done
    return {"requests": done, "concurrency": args.concurrency, "workers": args.workers,
            "processes": processes, "cpus": sorted(allowed), "client_cpus": sorted(client_cpus),
            "server_cpus": sorted(server_cpus) if server_cpus else "any", "cpu_capacity": capacity,
            "requests_per_s": round(rate, 1), "p50_ms": round(1000 * statistics.median(latencies), 2),
            "p99_ms": round(1000 * latencies[int(0.99 * (done - 1))], 2), "errors": errors,
            "server_cpu_ms_per_request": round(1000 * per_request, 3),
            "server_cpu_ms_per_request_by_role": {name: round(1000 * by_depth.get(d, 0.0) / done, 3)
                                                  for d, name in enumerate(roles(args.workers))},
            "library_cpu_ms_per_check": round(check_ms, 3) if check_ms else None,
            "server_overhead_ms_above_check": round(1000 * per_request - check_ms, 3) if check_ms else None,
            "server_cores_free_of_client": server_cores,
            "predicted_requests_per_s": round(server_cores / per_request, 1),
            "predicted_requests_per_s_one_core_per_worker": round(args.workers / per_request, 1),
            "client_cpu_ms_per_request": round(1000 * client_cpu_s / done, 3),
            "library_checks_per_s": round(rate_library, 1) if rate_library else None,
            "server_rss_mib_at_10pct": early[0] if early else None, "server_rss_mib_at_end": late,
            "targets": {"requests_per_s": TARGET_RATE, "p99_ms": TARGET_P99_MS}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=20_000)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2, help="replycoach serve --workers (default 2)")
    parser.add_argument("--client-cpu", type=int, default=None, help="the CPU the client runs on (default: the last)")
    parser.add_argument("--server-cpus", type=int, nargs="+", default=None, metavar="CPU",
                        help="pin the server to these CPUs (default: not pinned)")
    parser.add_argument("--no-library", action="store_true", help="skip the in-process Coach.check baseline")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    try:
        result = measure(args)
    except DataMissing as err:
        exit_missing(err)
    if args.json:
        print(json.dumps(result, indent=2))
        return
    for k, v in result.items():
        print(f"{k:28} {v}")
    ok = result["requests_per_s"] >= TARGET_RATE and result["p99_ms"] <= TARGET_P99_MS
    print(f"{'target':28} >= {TARGET_RATE} requests/s at p99 <= {TARGET_P99_MS} ms (wall, under this machine's "
          f"load now: CPU capacity {result['cpu_capacity']}): {'ok' if ok else 'NOT MET'}")


if __name__ == "__main__":
    main()
