"""What `replycoach check` was asked to read: files, folders (walked), globs and standard input."""

from __future__ import annotations

import glob
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from .errors import InputError

__all__ = ["DEFAULT_EXTENSIONS", "Input", "expand", "is_glob", "names_one_file"]

DEFAULT_EXTENSIONS = (".txt", ".html", ".htm", ".md")
_GLOB_CHARS = frozenset("*?[")


@dataclass(frozen=True)
class Input:
    """One input to check: `name` as reported, `path` None for standard input; `error` when it
    was asked for but there is nothing to read (a glob that matches nothing, an empty folder)."""

    name: str
    path: Path | None = None
    error: InputError | None = None


def expand(args: Sequence[str], *, extensions: Iterable[str] = DEFAULT_EXTENSIONS) -> list[Input]:
    """The inputs `args` name, in order and each once: a file as named, a folder's files with
    one of `extensions` (recursively, skipping hidden files and folders), a glob's matches
    (`**` included), and '-' for standard input."""
    wanted = tuple(e.lower() if e.startswith(".") else f".{e.lower()}" for e in extensions)
    found: list[Input] = []
    seen: set[Path] = set()

    def add(path: Path) -> None:
        key = path.resolve()
        if key not in seen:
            seen.add(key)
            found.append(Input(name=str(path), path=path))

    for arg in args:
        if arg == "-":
            found.append(Input(name="-"))
            continue
        path = Path(arg)
        if path.is_dir():
            files = list(_walk(path, wanted))
            if not files:
                found.append(Input(name=arg, error=InputError(
                    f"no drafts in this folder (looked for {', '.join(wanted)})", code="RC106", place=arg,
                    remedy="name the files, or choose the suffixes with --extensions")))
            for f in files:
                add(f)
        elif is_glob(arg):
            matches = sorted(glob.glob(arg, recursive=True))
            if not matches:
                found.append(Input(name=arg, error=InputError(
                    "no file matches this pattern", code="RC106", place=arg,
                    remedy="check the pattern; quote it so the shell leaves ** to replycoach")))
            for m in matches:
                if Path(m).is_dir():
                    for f in _walk(Path(m), wanted):
                        add(f)
                elif Path(m).is_file():  # as in a folder: a pipe or device it matched is no draft
                    add(Path(m))
        else:
            add(path)  # a file, or a path that does not exist: reading it gives the coded error
    return found


def is_glob(arg: str) -> bool:
    """A pattern to expand, not a path: it has a wildcard, and no file has that very name."""
    return bool(_GLOB_CHARS & set(arg)) and not Path(arg).exists()


def names_one_file(arg: str) -> bool:
    """'-' or a path that is neither a folder nor a glob: one input, whatever is (or is not) there."""
    return arg == "-" or not (Path(arg).is_dir() or is_glob(arg))


def _walk(folder: Path, wanted: tuple[str, ...]) -> Iterable[Path]:
    """A folder's drafts: regular files only (links to them too). A pipe or device that happens to
    carry a draft's suffix would block the run on open, or never end."""
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            path = Path(root) / name
            if not name.startswith(".") and name.lower().endswith(wanted) and path.is_file():
                yield path
