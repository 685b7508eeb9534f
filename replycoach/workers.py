"""Worker processes that can neither outlive nor hang the process that started them.

A `Worker` is one child process answering calls over a pipe of its own, one call at a time. No
queue or lock is shared between workers, so one killed in the middle of a write cannot block the
others, and the parent sees a death at once: `wait` watches a worker's pipe and its process
sentinel together. A worker dies with its parent: on Linux through PR_SET_PDEATHSIG, and
everywhere through a thread that checks every half second that its parent is still there (the
backstop where prctl is missing, and for workers started from a thread other than the main one,
since the kernel sends that signal when the starting *thread* ends).

`replycoach batch --jobs N` scores chunks in workers; `replycoach serve` runs checks in them.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
import threading
import time
import traceback
from collections.abc import Callable
from multiprocessing.connection import Connection, wait
from multiprocessing.context import BaseContext
from typing import Any

__all__ = ["Worker", "WorkerError", "WorkerLost", "die_with_parent"]

_PR_SET_PDEATHSIG = 1  # from <sys/prctl.h>


class WorkerLost(Exception):
    """A worker process ended before it answered: killed, out of memory, or crashed."""

    def __init__(self, pid: int | None, exitcode: int | None) -> None:
        self.pid, self.exitcode = pid, exitcode
        super().__init__(f"worker process {pid} {describe_exit(exitcode)}")


class WorkerError(Exception):
    """A call raised in the worker; `str()` names the original exception, a note holds its traceback."""


def describe_exit(exitcode: int | None) -> str:
    """How a process ended, in words: 'was killed by SIGKILL', 'exited with status 1'."""
    if exitcode is None:
        return "stopped answering"
    if exitcode >= 0:
        return f"exited with status {exitcode}"
    try:
        name = signal.Signals(-exitcode).name
    except ValueError:
        name = f"signal {-exitcode}"
    return f"was killed by {name}"


def die_with_parent(parent_pid: int, *, pdeathsig: bool = True) -> None:
    """In a child process: end it when `parent_pid` ends."""
    if pdeathsig and sys.platform.startswith("linux"):
        try:
            ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):  # no prctl here: the thread below still watches
            pass
    if os.getppid() != parent_pid:  # the parent died before the signal was asked for
        os._exit(1)

    def watch() -> None:  # runs whenever the worker releases the GIL, which spaCy and I/O do often
        while True:
            time.sleep(0.5)
            if os.getppid() != parent_pid:
                os._exit(1)

    threading.Thread(target=watch, name="replycoach-parent-watch", daemon=True).start()


def _serve(conn: Connection, make_handler: Callable[..., Callable[[Any], Any]], args: tuple[Any, ...],
           parent_pid: int, pdeathsig: bool) -> None:
    die_with_parent(parent_pid, pdeathsig=pdeathsig)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole group: the parent stops us
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # not the parent's handler, inherited through fork
    try:
        handler = make_handler(*args)
    except Exception as err:
        conn.send(("raised", (f"{type(err).__name__}: {err}", traceback.format_exc())))
        return
    conn.send(("ready", None))
    while True:
        try:
            payload = conn.recv()
        except (EOFError, OSError):
            return
        if payload is None:
            return
        try:
            reply: tuple[str, Any] = ("ok", handler(payload))
        except Exception as err:  # sent back as text: not every exception pickles
            reply = ("raised", (f"{type(err).__name__}: {err}", traceback.format_exc()))
        try:
            conn.send(reply)
        except (EOFError, OSError):
            return


class Worker:
    """One child process answering `make_handler(*args)(payload)` for each payload it is sent,
    once `wait_ready` has returned.

    With the "fork" context `make_handler` and `args` are inherited, not pickled, so they may hold
    a built Coach; with "spawn" they must pickle.
    """

    def __init__(self, context: BaseContext, make_handler: Callable[..., Callable[[Any], Any]],
                 args: tuple[Any, ...] = ()) -> None:
        here, there = context.Pipe()
        main = threading.current_thread() is threading.main_thread()
        self.process = context.Process(  # type: ignore[attr-defined]
            target=_serve, args=(there, make_handler, args, os.getpid(), main),
            name="replycoach-worker", daemon=True)
        self.process.start()
        there.close()
        self.conn = here
        self._stopping = threading.Lock()  # the server's shutdown and a starter thread may both stop it

    @property
    def pid(self) -> int | None:
        return self.process.pid

    def _lost(self) -> WorkerLost:
        self.process.join(2)  # the exit code shows once the process is reaped
        return WorkerLost(self.pid, self.process.exitcode)

    def send(self, payload: Any) -> None:
        """Hand the worker a payload; WorkerLost if it has died."""
        try:
            self.conn.send(payload)
        except OSError:
            raise self._lost() from None

    def wait_ready(self, timeout: float | None = None) -> None:
        """Wait until the worker has built what it answers with (at once when forked, seconds when
        spawned): TimeoutError, WorkerLost, or WorkerError if building it raised."""
        try:
            ready = wait([self.conn, self.process.sentinel], timeout)
        except (OSError, ValueError):  # stopped meanwhile: its pipe is closed
            raise self._lost() from None
        if not ready:
            raise TimeoutError(f"worker process {self.pid} did not start within {timeout:g} s")
        self.receive()

    def receive(self) -> Any:
        """The answer to the payload sent last: WorkerLost if the worker died first, WorkerError if it raised."""
        try:
            status, value = self.conn.recv()
        except (EOFError, OSError, ValueError):  # ValueError: stopped meanwhile, its pipe closed
            raise self._lost() from None
        if status == "raised":
            err = WorkerError(value[0])
            err.add_note(f"in worker process {self.pid}:\n{value[1]}")
            raise err
        return value

    def call(self, payload: Any, timeout: float | None = None) -> Any:
        """Send and wait at most `timeout` seconds: TimeoutError (the worker is then stopped), WorkerLost."""
        self.send(payload)
        ready = wait([self.conn, self.process.sentinel], timeout)
        if self.conn in ready:  # an answer, or the end of the pipe if it died
            return self.receive()
        if ready:
            raise self._lost()
        self.stop()
        raise TimeoutError(f"worker process {self.pid} took longer than {timeout:g} s")

    def stop(self) -> None:
        """End the process now (a worker holds nothing worth saving) and close its pipe; once,
        however many threads ask."""
        with self._stopping:
            if self.conn.closed:
                return
            if self.process.is_alive():
                self.process.kill()
            self.process.join(5)
            self.conn.close()


def wait_any(workers: list[Worker], timeout: float | None = None) -> list[Worker]:
    """The workers that answered or died, waiting up to `timeout` seconds for the first."""
    by_handle: dict[Any, Worker] = {}
    for w in workers:
        by_handle[w.conn] = w
        by_handle[w.process.sentinel] = w
    ready = wait(list(by_handle), timeout)
    return list(dict.fromkeys(by_handle[r] for r in ready))
