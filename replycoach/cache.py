"""The compiled-pack cache: what loading the rule packs computes, kept between processes.

Only plain data is kept (phrase tokens with their matching keys, the parsed rule files, and
word tables: CMUdict's syllable counts, Pyphen's patterns, wordfreq's Zipf values of plain
words), never spaCy objects: a cached phrase goes into the phrase matcher as its tokens'
matching keys, with no Doc made, and the file stays valid whatever spaCy keeps inside its
objects. Each entry's name carries a key that hashes everything its value was computed from
(the library, spaCy and word-list versions, the code that computed it, and for phrases every
rule file's bytes), so a change anywhere makes a new entry rather than a stale one. A file is
read only if its checksum and key hold (a truncated or corrupted file is computed again and
replaced), and written to a temporary file then renamed into place, so a reader never sees half
of one. A cache directory that cannot be written costs only the time it would have saved.

Where: $REPLYCOACH_CACHE_DIR, else the user's cache directory (platformdirs:
~/.cache/replycoach on Linux). Off: `Coach(cache=False)`, `--no-cache`, or REPLYCOACH_NO_CACHE=1.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import marshal
import os
import tempfile
from collections.abc import Iterable, Iterator
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

__all__ = ["CacheStore", "fingerprint", "gc_paused", "open_store"]

_MAGIC = b"replycoach-cache-1\n"  # the file format; a new one ignores old files
_DIGEST = hashlib.sha256().digest_size
KEEP = 8  # entries kept per name (packs of several teams on one machine); older ones are removed


class CacheStore:
    """Named values in one folder, each under a key; a value that cannot be read is absent."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def _path(self, name: str, key: str) -> Path:
        return self.folder / f"{name}-{key[:40]}.bin"

    def load(self, name: str, key: str) -> Any | None:
        """The value stored under `name` and `key`, or None if there is none or it is damaged."""
        try:
            raw = self._path(name, key).read_bytes()
        except OSError:
            return None
        head, digest, payload = raw[:len(_MAGIC)], raw[len(_MAGIC):len(_MAGIC) + _DIGEST], raw[len(_MAGIC) + _DIGEST:]
        if head != _MAGIC or hashlib.sha256(payload).digest() != digest:
            return None
        try:
            with gc_paused():  # plain data has no cycles to find, and a table is 100,000s of objects
                stored_key, value = marshal.loads(payload)
        except (ValueError, EOFError, TypeError):
            return None
        return value if stored_key == key else None

    def save(self, name: str, key: str, value: Any) -> bool:
        """Store `value` (plain data: str, int, bool, tuple, list, dict); False if it could not be written."""
        try:
            payload = marshal.dumps((key, value))
        except ValueError:  # not plain data: computed again next time, which is only slower
            return False
        target = self._path(name, key)
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            fd, temp = tempfile.mkstemp(dir=self.folder, prefix=f".{name}-", suffix=".tmp")
        except OSError:
            return False
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(_MAGIC + hashlib.sha256(payload).digest() + payload)
            os.replace(temp, target)
        except OSError:
            with contextlib.suppress(OSError):
                os.unlink(temp)
            return False
        self._prune(name, keep=target)
        return True

    def _prune(self, name: str, *, keep: Path) -> None:
        try:
            old = sorted((p for p in self.folder.glob(f"{name}-*.bin") if p != keep),
                         key=lambda p: p.stat().st_mtime, reverse=True)
            for path in old[KEEP - 1:]:
                path.unlink()
        except OSError:
            pass  # another process pruned first, or the folder is read-only: both fine


def open_store(enabled: bool = True) -> CacheStore | None:
    """The user's cache, or None when it is turned off (`enabled=False` or REPLYCOACH_NO_CACHE)."""
    if not enabled or os.environ.get("REPLYCOACH_NO_CACHE", "").strip() not in ("", "0"):
        return None
    folder = os.environ.get("REPLYCOACH_CACHE_DIR")
    if not folder:
        from platformdirs import user_cache_dir

        folder = user_cache_dir("replycoach", appauthor=False)
    return CacheStore(Path(folder))


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """No cyclic garbage collection inside (as it was after). Loading builds hundreds of
    thousands of long-lived objects that hold no cycles (tables, phrase keys, rule models), and
    the collector would walk all of them again every few hundred new ones: a third of reading
    a cached table, an eighth of a whole `replycoach check`. Cyclic garbage made meanwhile is
    collected after, as usual."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def fingerprint(*parts: object, files: Iterable[Path] = ()) -> str:
    """A key over `parts` (versions, names) and the bytes of `files` (a file that cannot be read
    counts as its path alone: loading it will report the error)."""
    digest = hashlib.sha256()
    for part in parts:
        digest.update(repr(part).encode("utf-8", "surrogatepass") + b"\0")
    for path in files:
        digest.update(str(path).encode("utf-8", "surrogatepass") + b"\0")
        with contextlib.suppress(OSError):
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def package_version(name: str) -> str:
    try:
        return version(name)
    except PackageNotFoundError:
        return "?"
