"""Batch runs under faults: a worker killed, the parent killed, a disk with no room, an output
that cannot be written. Each ends within seconds with a coded error, leaves no process behind,
and keeps complete lines only, so that --resume finishes the run exactly as an unbroken one."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import replycoach.batch
from replycoach.cli import main

from .conftest import alive, children, wait_for

ROOT = Path(__file__).resolve().parent.parent
TEXTS = ["Thanks for waiting! Your order ships today.",
         "Dear valued customer, we apologise for any inconvenience.",
         "Please DM us your order number so we can check.",
         "I'll refund the late fee now and email you a receipt within the hour."]

posix_only = pytest.mark.skipif(os.name != "posix", reason="needs POSIX processes and signals")


def write_input(path: Path, n: int) -> Path:
    with path.open("w", encoding="utf-8") as f:
        for i in range(n):
            f.write(json.dumps({"id": f"r{i}", "text": f"{TEXTS[i % 4]} Ticket {i}.", "agent": f"a{i % 3}"}) + "\n")
    return path


def complete_lines(path: Path) -> list[dict]:
    data = path.read_bytes()
    assert not data or data.endswith(b"\n"), "the output ends in a cut-off line"
    return [json.loads(line) for line in data.splitlines()]


def batch_process(*args: str, **kwargs) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "replycoach.cli", "batch", *args], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kwargs)


def started(proc: subprocess.Popen, out: Path, jobs: int) -> list[int]:
    """The worker pids, once the run has written its first lines."""
    assert wait_for(lambda: out.exists() and out.stat().st_size > 0 or proc.poll() is not None, 60)
    assert proc.poll() is None, proc.communicate()
    workers = children(proc.pid)
    assert len(workers) == jobs
    return workers


def test_a_lost_worker_stops_the_run_and_resume_finishes_it(tmp_path, monkeypatch, capsys):
    src = write_input(tmp_path / "in.jsonl", 400)
    reference, out = tmp_path / "reference.jsonl", tmp_path / "out.jsonl"
    assert main(["batch", str(src), "--out", str(reference)]) == 0
    real = replycoach.batch.score_item

    def dies_on_r150(coach, item):  # the worker scoring r150 is killed, as the kernel's OOM killer would
        if item.id == "r150":
            os.kill(os.getpid(), signal.SIGKILL)
        return real(coach, item)

    monkeypatch.setattr(replycoach.batch, "score_item", dies_on_r150)
    began = time.monotonic()
    assert main(["batch", str(src), "--out", str(out), "--jobs", "2"]) == 75
    assert time.monotonic() - began < 60  # no hang; generous, since CI machines are shared
    err = capsys.readouterr().err
    assert "RC112 worker process" in err and "was killed by SIGKILL" in err and "--resume" in err
    kept = complete_lines(out)
    # Whole chunks, in order, before r150's (fewer if a chunk before it was still being scored in
    # the other worker when this one died: the results are written in input order).
    assert kept == complete_lines(reference)[:len(kept)] and len(kept) <= 150
    monkeypatch.setattr(replycoach.batch, "score_item", real)
    assert main(["batch", str(src), "--out", str(out), "--resume", "--jobs", "2"]) == 0
    assert out.read_bytes() == reference.read_bytes()


@posix_only
def test_kill_9_of_a_worker_ends_the_run_within_seconds(tmp_path):
    src, out = write_input(tmp_path / "in.jsonl", 4000), tmp_path / "out.jsonl"
    proc = batch_process(str(src), "--out", str(out), "--jobs", "2")
    try:
        os.kill(started(proc, out, 2)[0], signal.SIGKILL)
        _, err = proc.communicate(timeout=60)
    finally:
        proc.kill()
    assert proc.returncode == 75 and "RC112" in err, err
    assert all(r["id"] == f"r{i}" for i, r in enumerate(complete_lines(out)))


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_workers_die_with_their_parent(tmp_path):
    src, out = write_input(tmp_path / "in.jsonl", 4000), tmp_path / "out.jsonl"
    proc = batch_process(str(src), "--out", str(out), "--jobs", "2")
    try:
        workers = started(proc, out, 2)
        proc.kill()
        proc.wait(10)
        assert wait_for(lambda: not any(alive(w) for w in workers), 5), "workers outlived their parent"
    finally:
        proc.kill()
        for w in workers:
            if alive(w):
                os.kill(w, signal.SIGKILL)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_without_pdeathsig_a_worker_still_notices_its_parent_is_gone():
    """The portable backstop: a grandchild that asked for no death signal ends within a second."""
    script = ("import os, sys, time\n"
              "from replycoach.workers import die_with_parent\n"
              "parent = os.getpid()\n"
              "pid = os.fork()\n"
              "if pid == 0:\n"
              "    die_with_parent(parent, pdeathsig=False)\n"
              "    time.sleep(60)\n"
              "    os._exit(0)\n"
              "print(pid, flush=True)\n")
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=60)
    grandchild = int(done.stdout)
    try:
        assert wait_for(lambda: not alive(grandchild), 5)
    finally:
        if alive(grandchild):
            os.kill(grandchild, signal.SIGKILL)


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
def test_a_full_disk_is_a_coded_error_with_a_remedy(tmp_path, capsys):
    src = write_input(tmp_path / "in.jsonl", 3)
    assert main(["batch", str(src), "--out", "/dev/full"]) == 74
    err = capsys.readouterr().err.strip().splitlines()[-1]
    assert err.startswith("replycoach: RC113 /dev/full: cannot write: No space left on device; free space")
    assert "internal error" not in err


@posix_only
def test_a_write_cut_short_keeps_complete_lines_and_resume_finishes(tmp_path):
    src = write_input(tmp_path / "in.jsonl", 200)
    reference, out = tmp_path / "reference.jsonl", tmp_path / "out.jsonl"
    assert main(["batch", str(src), "--out", str(reference)]) == 0
    limit = reference.stat().st_size // 3 + 17  # a file-size limit that falls inside a line

    def small_files() -> None:
        import resource

        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    proc = batch_process(str(src), "--out", str(out), preexec_fn=small_files)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 74 and "RC113" in err and "--resume" in err, err
    kept = complete_lines(out)
    assert 0 < len(kept) < 200 and kept == complete_lines(reference)[:len(kept)]
    assert main(["batch", str(src), "--out", str(out), "--resume"]) == 0
    assert out.read_bytes() == reference.read_bytes()


def test_an_output_in_a_missing_folder_is_a_coded_error(tmp_path, capsys):
    src = write_input(tmp_path / "in.jsonl", 3)
    assert main(["batch", str(src), "--out", str(tmp_path / "nowhere" / "out.jsonl")]) == 74
    assert "RC114" in capsys.readouterr().err
    assert main(["batch", str(src), "--out", str(tmp_path / "out.jsonl"),
                 "--summary", str(tmp_path / "nowhere" / "s.csv")]) == 74
    assert "RC114" in capsys.readouterr().err
