"""What `check` reads: a folder is walked for regular files only, so a pipe or a device that
carries a draft's suffix can never leave the walk waiting (a FIFO blocks on open until a writer
comes) or reading without end."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from replycoach.inputs import expand


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_a_folder_walk_skips_pipes_and_devices(tmp_path: Path):
    (tmp_path / "draft.txt").write_text("Thanks, I'll fix it today.", encoding="utf-8")
    os.mkfifo(tmp_path / "pipe.txt")
    (tmp_path / "zero.txt").symlink_to("/dev/zero")
    assert [i.name for i in expand([str(tmp_path)])] == [str(tmp_path / "draft.txt")]
    assert [i.name for i in expand([str(tmp_path / "*.txt")])] == [str(tmp_path / "draft.txt")]


def test_a_folder_walk_follows_a_link_to_a_file(tmp_path: Path):
    (tmp_path / "real.txt").write_text("Thanks, I'll fix it today.", encoding="utf-8")
    (tmp_path / "link.txt").symlink_to(tmp_path / "real.txt")
    names = [i.name for i in expand([str(tmp_path)])]
    assert names == [str(tmp_path / "link.txt")]  # one file, named once, as the walk met it first
