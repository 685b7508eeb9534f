"""Shared fixtures: one Coach per session (building one loads every pack), and tiny packs."""

from __future__ import annotations

import os
import shutil
import tempfile
import textwrap
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

# The whole session (and every process it starts) uses a compiled-pack cache of its own, never
# the user's: set before anything builds a Coach, removed when the session ends.
_CACHE_DIR = tempfile.mkdtemp(prefix="replycoach-test-cache-")
os.environ["REPLYCOACH_CACHE_DIR"] = _CACHE_DIR
os.environ.pop("REPLYCOACH_NO_CACHE", None)

from replycoach import Coach, Config, Finding  # noqa: E402  (after the cache is pointed away)

ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = ROOT.parent / "shared" / "data"


@pytest.fixture(scope="session")
def coach() -> Coach:
    return Coach()


def findings_of(coach: Coach, rule: str, draft: str, customer: str | None = None) -> list[Finding]:
    """The findings one rule makes on a draft (with the customer message it answers)."""
    return [f for f in coach.check(draft, customer=customer).findings if f.rule == rule]


@pytest.fixture
def make_pack(tmp_path: Path) -> Callable[..., Path]:
    """Write YAML rule files into a pack folder: make_pack(name="team", blame="kind: ...")."""

    def make(name: str = "team", **files: str) -> Path:
        pack = tmp_path / name
        pack.mkdir(exist_ok=True)
        for stem, body in files.items():
            (pack / f"{stem}.yaml").write_text(textwrap.dedent(body), encoding="utf-8")
        return pack

    return make


@pytest.fixture
def pack_coach(make_pack: Callable[..., Path]) -> Callable[..., Coach]:
    """A Coach with only the given rule files (no shipped packs)."""

    def build(config: Config | None = None, **files: str) -> Coach:
        base = config or Config()
        return Coach(config=base.merged(shipped_packs=False), rules=[make_pack(**files)])

    return build


def needs_shared_data(folder: str) -> pytest.MarkDecorator:
    return pytest.mark.skipif(not (SHARED_DATA / folder).is_dir(),
                              reason=f"../shared/data/{folder} is not present")


def pytest_unconfigure(config: pytest.Config) -> None:
    shutil.rmtree(_CACHE_DIR, ignore_errors=True)


# --- processes, for the tests that no child outlives its command (Linux: they read /proc) -------

def alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"  # a zombie has ended
    except OSError:
        return False


def children(pid: int) -> list[int]:
    """The processes whose parent is `pid`, zombies included."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


def wait_for(condition: Callable[[], Any], timeout: float) -> Any:
    """The condition's first true value within `timeout` seconds, else its last value."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    return condition()
