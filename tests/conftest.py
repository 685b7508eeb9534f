"""Shared fixtures: one Coach per session (building one loads every pack), and tiny packs."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from replycoach import Coach, Config

ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = ROOT.parent / "shared" / "data"


@pytest.fixture(scope="session")
def coach() -> Coach:
    return Coach()


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
