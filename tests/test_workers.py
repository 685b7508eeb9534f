"""Worker processes: stopping one is safe from any thread, however often it is asked."""

from __future__ import annotations

import multiprocessing
import threading

import pytest

from replycoach.workers import Worker, WorkerLost


def _echo() -> object:
    return lambda payload: payload


def _worker() -> Worker:
    return Worker(multiprocessing.get_context("fork"), _echo)


def test_a_worker_answers_and_stops():
    worker = _worker()
    worker.wait_ready(timeout=10)
    assert worker.call({"a": 1}, timeout=10) == {"a": 1}
    worker.stop()
    assert not worker.process.is_alive() and worker.conn.closed


def test_waiting_on_a_stopped_worker_says_it_was_lost():
    worker = _worker()
    worker.stop()
    with pytest.raises(WorkerLost):
        worker.wait_ready(timeout=1)
    with pytest.raises(WorkerLost):
        worker.receive()


def test_a_shutdown_racing_a_starter_thread_raises_nothing():
    """The service's shutdown stops workers whose starter threads are still waiting on them;
    each starter then stops its worker too (CI once saw EBADF from the second close)."""
    raised: list[BaseException] = []

    def start(worker: Worker) -> None:
        try:
            worker.wait_ready(timeout=10)
        except WorkerLost:
            pass
        except BaseException as err:  # noqa: BLE001 - the test is that nothing else escapes
            raised.append(err)
        try:
            worker.stop()
        except BaseException as err:  # noqa: BLE001
            raised.append(err)

    for _ in range(20):
        worker = _worker()
        starter = threading.Thread(target=start, args=(worker,))
        starter.start()
        worker.stop()
        starter.join(10)
    assert raised == []
