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

A word table (lemmas, syllables, Zipf values, inflections: 40,000 to 290,000 words each) is kept
in parts by its keys' first letters (`pack_table`), and a process unmarshals only the parts
holding the words it looks up (`Table`): one draft's words touch about 1% of each table, where
reading whole tables was a tenth of a whole `replycoach check`.

The key of each weights file whose features passed the check against its recipe is kept too
(linear.load_weights), so the same bytes are not checked again.

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
from collections.abc import Iterable, Iterator, Mapping
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

__all__ = ["CacheStore", "Table", "fingerprint", "gc_paused", "open_store", "pack_table"]

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
        whole = memoryview(raw)  # read in place: a word table is megabytes, and a copy costs as much as its checksum
        at = len(_MAGIC)
        head, digest, payload = whole[:at], whole[at:at + _DIGEST], whole[at + _DIGEST:]
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


PART = 3  # a table's keys are grouped into parts by their first PART characters: 3 gives parts of ~30 words
_TABLE = "parts-1"  # the packed table's format


def pack_table(table: Mapping[str, Any]) -> tuple[str, int, dict[str, tuple[int, int]], bytes]:
    """`table` (str keys, plain-data values) as `CacheStore.save` keeps it for `Table.unpack`: each
    part marshalled on its own, one after the other, and where each one lies."""
    parts: dict[str, dict[str, Any]] = {}
    for key, value in table.items():
        parts.setdefault(key[:PART], {})[key] = value
    index: dict[str, tuple[int, int]] = {}
    blobs: list[bytes] = []
    at = 0
    for prefix, part in parts.items():
        blob = marshal.dumps(part)
        index[prefix] = (at, at + len(blob))
        blobs.append(blob)
        at += len(blob)
    return _TABLE, len(table), index, b"".join(blobs)


class Table:
    """A str-keyed table read from the cache part by part: a part is unmarshalled when a key in it
    is first looked up. Read-only; `get` as a dict's."""

    __slots__ = ("_data", "_index", "_parts", "_size")

    def __init__(self, size: int, index: dict[str, tuple[int, int]], data: bytes) -> None:
        self._size = size
        self._index = index
        self._data = memoryview(data)  # parts are read from it in place, not copied out first
        self._parts: dict[str, dict[str, Any]] = {}

    @classmethod
    def unpack(cls, value: Any) -> Table | None:
        """The table `pack_table` made, or None for a value of any other shape (a file this code
        did not write): the caller computes the table again. (Each part's place is checked when
        the part is first read: checking 13,000 of them here would cost more than reading the few
        a draft needs; the store's checksum and key have already ruled out damage.)"""
        if not (isinstance(value, tuple) and len(value) == 4 and value[0] == _TABLE):
            return None
        _, size, index, data = value
        if not (isinstance(size, int) and isinstance(index, dict) and isinstance(data, bytes) and index):
            return None
        return cls(size, index, data)

    def get(self, key: str, default: Any = None) -> Any:
        prefix = key[:PART]
        part = self._parts.get(prefix)
        if part is None:
            part = self._parts[prefix] = self._read(prefix)
        return part.get(key, default)

    def _read(self, prefix: str) -> dict[str, Any]:
        span = self._index.get(prefix)
        if span is None:
            return {}
        if not (isinstance(span, tuple) and len(span) == 2 and 0 <= span[0] <= span[1] <= len(self._data)):
            raise ValueError(f"a cached table's part {prefix!r} lies outside it")
        part = marshal.loads(self._data[span[0]:span[1]])
        if not isinstance(part, dict):
            raise ValueError(f"a cached table's part {prefix!r} is not a table")
        return part

    def __len__(self) -> int:
        return self._size

    def to_dict(self) -> dict[str, Any]:
        """Every entry (reads every part)."""
        whole: dict[str, Any] = {}
        for prefix in self._index:
            self.get(prefix)
            whole.update(self._parts[prefix])
        return whole


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
        # Text and bytes (a module's source, a weights file: 10,000s of characters) are hashed as
        # they are, by type and length, where repr() would first copy them with every escape
        # written out (a third of reading the weights files); anything else by its repr.
        if isinstance(part, (str, bytes)):
            data = part if isinstance(part, bytes) else part.encode("utf-8", "surrogatepass")
            digest.update(b"%s%d:" % (b"b" if isinstance(part, bytes) else b"s", len(data)) + data)
        else:
            digest.update(b"r" + repr(part).encode("utf-8", "surrogatepass") + b"\0")
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
