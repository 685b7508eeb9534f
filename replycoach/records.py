"""Reading exports for batch scoring: JSONL, CSV or Parquet, streamed, in two shapes.

- replies: one row per agent reply: id, text, optional customer, agent, team, channel, time;
- conversations: one record per conversation: id, turns [{role, text, author, time}], optional
  agent, team, channel.

Column and role names are mappable (`Columns`), so real exports load unedited. Tweets linked by
reply ids (one row per tweet, customer and brand alike) are a replies export with `reply_to`
and `inbound` set: the customer message is looked up by id, in one pass over the file first.
Every input record becomes exactly one `Item`, an unreadable one included (with its error).
Reading (`read_records`: a file's raw records) and normalising (`normalise_records`: raw
records to Items) are separate steps: the same normalisation serves files (`read_items` does both),
in-memory rows (a list of dicts, a pandas DataFrame, a Dask partition) and `column_warnings`,
which says before a run what a summary will lack.
"""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from .errors import InputError
from .text import bom_encoding, replace_unencodable

__all__ = ["Columns", "Item", "Turn", "column_warnings", "count_records", "first_record", "items_from",
           "normalise_records", "read_items", "read_records"]

Shape = Literal["replies", "conversations"]
_TRUE = {"true", "1", "yes", "y", "t"}


@dataclass(frozen=True)
class Columns:
    """Where each field lives in the export, and what its roles are called."""

    id: str = "id"
    text: str = "text"
    customer: str = "customer"
    agent: str = "agent"
    team: str = "team"
    channel: str = "channel"
    time: str = "time"
    turns: str = "turns"
    role: str = "role"
    author: str = "author"
    role_map: dict[str, str] = field(default_factory=dict)  # export role -> "customer" | "agent"
    reply_to: str | None = None  # the id of the message a row answers (linked tweets)
    inbound: str | None = None  # a column that is true for customer rows (linked tweets)

    def role_of(self, raw: object) -> str:
        name = str(raw or "").strip()
        mapped = self.role_map.get(name, self.role_map.get(name.lower(), name.lower()))
        return mapped if mapped in ("customer", "agent") else "other"


@dataclass(frozen=True)
class Turn:
    role: str  # "customer", "agent" or "other"
    text: str
    author: str | None = None
    time: str | None = None


@dataclass(frozen=True)
class Item:
    """One input record, normalised. `error` says why it cannot be scored; `skip` why it need not be."""

    index: int
    id: str
    shape: Shape
    text: str = ""
    customer: str | None = None
    agent: str | None = None
    team: str | None = None
    channel: str | None = None
    time: str | None = None
    turns: tuple[Turn, ...] = ()
    error: str | None = None
    skip: str | None = None


def _format(path: Path, fmt: str | None) -> str:
    if fmt:
        return fmt
    suffix = path.suffix.lower()
    if suffix in (".jsonl", ".ndjson", ".json"):
        return "jsonl"
    if suffix in (".csv", ".tsv"):
        return "csv"
    if suffix in (".parquet", ".pq"):
        return "parquet"
    raise InputError(f"cannot tell the format of {path.name}", code="RC107",
                     remedy="use a .jsonl, .csv or .parquet file, or pass --input-format")


def _encoding(path: Path) -> str:
    """UTF-8, unless the file starts with a byte-order mark naming another (spreadsheet
    programs write UTF-16 with one; a UTF-8 one is stripped)."""
    with path.open("rb") as f:
        return bom_encoding(f.read(4)) or "utf-8"


# A byte the file's encoding cannot read (a cp1252 "é" in a UTF-8 export) becomes a lone surrogate,
# which the check replaces with U+FFFD and counts in `metrics.replaced_characters`: the record is
# still scored, and its report says its text was damaged ("replace" here would hide that).
_BAD_BYTES = "surrogateescape"


def _csv_rows(f: Iterable[str], *, delimiter: str, name: str) -> Iterator[dict[str, Any]]:
    """A CSV's rows as dicts. Read strictly: a lenient reader takes a quote that is never closed
    for one value running to the end of the file, and every row after it is lost without a
    word. A row whose quoting is broken yields {"__error__": ...} in its place, and reading goes
    on with the next line."""
    rows = csv.DictReader(f, delimiter=delimiter, strict=True)
    try:
        _ = rows.fieldnames  # reads the header, so the first row's line is counted from after it
    except csv.Error as err:
        raise InputError(f"the header line cannot be read as CSV ({err})", code="RC107", place=name,
                         remedy="fix the quoting of the first line") from None
    while True:
        start = rows.line_num + 1
        try:
            row = next(rows)
        except StopIteration:
            return
        except csv.Error as err:
            if "unexpected end of data" in str(err):
                yield {"__error__": f"line {start}: a quoted value opened in this row is never closed, so "
                                    "the rest of the file read as one value; close the quote"}
            else:
                yield {"__error__": f"line {start}: broken quoting ({err}); quote the whole value, "
                                    "and double each quote inside it"}
            continue
        yield row


def _parquet(path: Path) -> Any:
    """The file opened as Parquet (pyarrow), or the coded error that says why it cannot be."""
    try:
        import pyarrow.parquet as pq
    except ImportError:
        raise InputError("reading Parquet needs pyarrow", code="RC107",
                         remedy="pip install 'replycoach[batch]'") from None
    try:
        return pq.ParquetFile(path)
    except (OSError, ValueError) as err:  # pyarrow's ArrowInvalid is a ValueError
        raise InputError(f"not a Parquet file that can be read ({err})", code="RC107", place=str(path),
                         remedy="export it again, or pass --input-format if it is JSONL or CSV") from None


def read_records(path: str | Path, *, fmt: str | None = None) -> Iterator[dict[str, Any]]:
    """Raw records, one per row or line, streamed. A line that is not JSON yields
    {"__error__": "..."} in its place, so nothing is dropped."""
    path = Path(path)
    kind = _format(path, fmt)
    if not path.is_file():
        raise InputError("input file not found", code="RC106", place=str(path))
    if kind == "jsonl":
        with path.open(encoding=_encoding(path), errors=_BAD_BYTES) as f:
            for number, line in enumerate(f, 1):
                if not line.strip():
                    continue
                try:
                    value = json.loads(line)
                except json.JSONDecodeError as err:
                    yield {"__error__": f"line {number}: not valid JSON ({err.msg})"}
                    continue
                yield value if isinstance(value, dict) else {"__error__": f"line {number}: not a JSON object"}
    elif kind == "csv":
        csv.field_size_limit(min(sys.maxsize, 2**31 - 1))
        with path.open(encoding=_encoding(path), errors=_BAD_BYTES, newline="") as f:
            yield from _csv_rows(f, delimiter="\t" if path.suffix.lower() == ".tsv" else ",", name=str(path))
    elif kind == "parquet":
        for batch in _parquet(path).iter_batches(batch_size=1024):
            yield from batch.to_pylist()
    else:
        raise InputError(f"unknown input format {kind!r}", code="RC107", remedy="use jsonl, csv or parquet")


def count_records(path: str | Path, *, fmt: str | None = None) -> int | None:
    """How many records the file holds (cheap for Parquet and JSONL), or None if unknown."""
    path = Path(path)
    kind = _format(path, fmt)
    if kind == "parquet":
        return int(_parquet(path).metadata.num_rows)
    if kind == "jsonl":
        encoding = _encoding(path)
        if encoding.startswith("utf-8"):
            with path.open("rb") as f:
                return sum(1 for line in f if line.strip())
        with path.open(encoding=encoding, errors=_BAD_BYTES) as f:
            return sum(1 for line in f if line.strip())
    return None


def _text(value: object) -> str:
    return "" if value is None else str(value)


_KINDS = ((bool, "true or false"), ((int, float), "a number"), (list, "a list"), (dict, "an object"))


def _not_text(name: str, value: object) -> str | None:
    """Why a text field's value is no text, or None: `str()` of a JSON list or object would be
    scored as if an agent had written "['Thanks,', ...]"."""
    if value is None or isinstance(value, str):
        return None
    kind = next((k for types, k in _KINDS if isinstance(value, types)), f"a {type(value).__name__}")
    return f"{name!r} holds {kind}, not text; map the column that holds the words"


def _optional(record: dict[str, Any], key: str, *, text: bool = False) -> str | None:
    """A field's value, or None. In a field other than a text (id, agent, team, channel, time,
    author) a lone surrogate (a JSON "\\ud800") becomes U+FFFD here, so that every result line can
    be written; texts are left for the check, whose report counts what it replaced."""
    value = record.get(key)
    if value is None or value == "":
        return None
    return str(value) if text else replace_unencodable(str(value))[0]


def _turns(raw: object, cols: Columns) -> tuple[Turn, ...]:
    if isinstance(raw, str):
        raw = json.loads(raw)
    if not isinstance(raw, list):
        raise ValueError("turns is not a list")
    turns = []
    for t in raw:
        if not isinstance(t, dict):
            raise ValueError("a turn is not an object")
        role = t.get(cols.role, t.get("sender", t.get("speaker_role")))
        turns.append(Turn(role=cols.role_of(role), text=_text(t.get(cols.text)),
                          author=_optional(t, cols.author) or _optional(t, "speaker"),
                          time=_optional(t, cols.time) or _optional(t, "datetime")))
    return tuple(turns)


def _detect_shape(first: dict[str, Any], cols: Columns) -> Shape:
    return "conversations" if cols.turns in first else "replies"


def _is_inbound(record: dict[str, Any], cols: Columns) -> bool:
    return str(record.get(cols.inbound or "", "")).strip().lower() in _TRUE


def _customer_texts(records: Iterable[dict[str, Any]], cols: Columns) -> dict[str, str]:
    """Linked tweets: id -> text of every customer row (the one index this mode keeps)."""
    return {str(r.get(cols.id)): _text(r.get(cols.text)) for r in records
            if "__error__" not in r and _is_inbound(r, cols)}


def read_items(path: str | Path, *, cols: Columns | None = None, shape: Shape | None = None,
               fmt: str | None = None) -> Iterator[Item]:
    """Normalised items, one per input record of the file, in input order."""
    cols = cols or Columns()
    path = Path(path)
    linked = _customer_texts(read_records(path, fmt=fmt), cols) if cols.reply_to and cols.inbound else None
    return _normalise(read_records(path, fmt=fmt), cols=cols, shape=shape, linked=linked)


def _frame_records(frame: Any) -> list[dict[str, Any]]:
    """A DataFrame's rows as dicts, its missing values (NaN, NaT, None) as None."""
    return [{k: None if _missing(v) else v for k, v in row.items()} for row in frame.to_dict("records")]


def _missing(value: object) -> bool:
    try:
        return bool(value != value) or value is None  # NaN and NaT are not equal to themselves
    except (TypeError, ValueError):  # an array-like cell: a value, not missing
        return False


def items_from(source: Any, *, cols: Columns | None = None, shape: Shape | None = None,
               fmt: str | None = None) -> Iterator[Item]:
    """Items from whatever a caller has: a path to an export, a pandas DataFrame (its columns
    mapped by `cols`, like a file's), an iterable of dicts (rows) or of `Item`s."""
    cols = cols or Columns()
    if isinstance(source, (str, Path)):
        return read_items(source, cols=cols, shape=shape, fmt=fmt)
    if hasattr(source, "to_dict") and hasattr(source, "columns"):
        records: list[Any] = _frame_records(source)
    elif isinstance(source, Iterable) and not isinstance(source, (bytes, dict)):
        records = list(source)
    else:
        raise InputError(f"cannot score a {type(source).__name__}", code="RC107",
                         remedy="pass a path, a pandas DataFrame, a list of dicts or a list of Items")
    if all(isinstance(r, Item) for r in records):
        return iter(records)
    rows = [r if isinstance(r, dict) else {"__error__": f"not a row but a {type(r).__name__}"} for r in records]
    return normalise_records(rows, cols=cols, shape=shape)


def normalise_records(rows: Sequence[dict[str, Any]], *, cols: Columns | None = None,
                      shape: Shape | None = None) -> Iterator[Item]:
    """Items from raw records already in memory (as `read_records` yields them: plain JSON data,
    {"__error__": ...} for one that could not be read), one per record, in order: the
    normalisation a file's records get, without the file."""
    cols = cols or Columns()
    linked = _customer_texts(rows, cols) if cols.reply_to and cols.inbound else None
    return _normalise(rows, cols=cols, shape=shape, linked=linked)


def _normalise(records: Iterable[dict[str, Any]], *, cols: Columns, shape: Shape | None,
               linked: dict[str, str] | None) -> Iterator[Item]:
    detected = shape
    for index, record in enumerate(records):
        if "__error__" in record:
            yield Item(index=index, id=f"#{index}", shape=detected or "replies", error=record["__error__"])
            continue
        detected = detected or _detect_shape(record, cols)
        item_id = _optional(record, cols.id) or f"#{index}"
        common = {"index": index, "id": item_id, "shape": detected, "agent": _optional(record, cols.agent),
                  "team": _optional(record, cols.team), "channel": _optional(record, cols.channel),
                  "time": _optional(record, cols.time)}
        if detected == "conversations":
            try:
                turns = _turns(record.get(cols.turns), cols)
            except (ValueError, json.JSONDecodeError) as err:
                yield Item(**common, error=f"turns: {err}")  # type: ignore[arg-type]
                continue
            yield Item(**common, turns=turns)  # type: ignore[arg-type]
            continue
        if linked is not None and _is_inbound(record, cols):
            yield Item(**common, text=_text(record.get(cols.text)), skip="customer message")  # type: ignore[arg-type]
            continue
        customer = _optional(record, cols.customer, text=True)
        if linked is not None and cols.reply_to:
            customer = linked.get(str(record.get(cols.reply_to)))
        text = record.get(cols.text)
        if text is None:
            yield Item(**common, error=f"no {cols.text!r} value")  # type: ignore[arg-type]
            continue
        wrong = _not_text(cols.text, text) or (None if linked is not None
                                               else _not_text(cols.customer, record.get(cols.customer)))
        if wrong:
            yield Item(**common, error=wrong)  # type: ignore[arg-type]
            continue
        yield Item(**common, text=_text(text), customer=customer)  # type: ignore[arg-type]


# --- what a run will lack, said before it starts --------------------------------------------

# Columns of a tweet export (Kaggle's Customer Support on Twitter) that tell customers from agents.
_TWEET_INBOUND = ("inbound",)
_TWEET_REPLY_TO = ("in_response_to_tweet_id",)


def first_record(path: str | Path, *, fmt: str | None = None) -> dict[str, Any] | None:
    """The export's first readable record (one row read, not the file), or None."""
    for record in read_records(path, fmt=fmt):
        if "__error__" not in record:
            return record
    return None


def column_warnings(record: dict[str, Any] | None, *, cols: Columns | None = None,
                    shape: Shape | None = None) -> dict[str, str]:
    """What the run will get wrong or the summary and report will lack, judged from the first
    record: the columns they need that the export does not have (or that are not mapped), each
    with the option that fixes it. Keyed "tweets", "roles", "text", "id", "agent", "time" (the last three
    as in `BatchSummary.gaps`, which says the same after a run)."""
    cols = cols or Columns()
    if record is None:
        return {}
    shape = shape or _detect_shape(record, cols)
    warnings: dict[str, str] = {}
    if shape == "conversations":
        try:
            turns = _turns(record.get(cols.turns), cols)
        except (ValueError, json.JSONDecodeError):
            return {}  # the record's own error says what is wrong with it
        roles = sorted({str(t.get(cols.role, t.get("sender", t.get("speaker_role"))))
                        for t in _raw_turns(record.get(cols.turns))})
        if not any(t.role == "agent" for t in turns):
            guess = next((r for r in roles if cols.role_of(r) != "customer"), "NAME")
            warnings["roles"] = (f"no turn of the first conversation has the role 'agent' (roles seen: "
                                 f"{', '.join(roles)}): agent turns are what is scored; map one with "
                                 f"--role-map {guess}=agent")
        has_agent = cols.agent in record or any(t.author for t in turns)
        has_time = cols.time in record or any(t.time for t in turns)
    else:
        has_agent, has_time = cols.agent in record, cols.time in record
        inbound = next((c for c in _TWEET_INBOUND if c in record), None)
        reply_to = next((c for c in _TWEET_REPLY_TO if c in record), None)
        if (inbound or reply_to) and not (cols.inbound and cols.reply_to):
            found = ", ".join(c for c in (inbound, reply_to) if c)
            warnings["tweets"] = (f"this looks like a tweet export (columns {found}) but --inbound-col and "
                                  "--reply-to-col are not both set: customers' tweets are scored as agent replies "
                                  "and no reply gets its customer's message; pass --inbound-col "
                                  f"{inbound or 'inbound'} --reply-to-col {reply_to or 'in_response_to_tweet_id'}")
    if shape == "replies" and cols.text not in record:
        columns = ", ".join(str(k) for k in record if k is not None) or "none"  # None: a CSV row's extra cells
        warnings["text"] = (f"no {cols.text!r} column (the columns are: {columns}): every record will fail "
                            "with no text to score (pass --text-col NAME; a CSV must be comma-separated)")
    if cols.id not in record:
        warnings["id"] = f"no {cols.id!r} column: results are numbered #0, #1, ... (pass --id-col NAME)"
    if not has_agent:
        warnings["agent"] = (f"no {cols.agent!r} column: the summary's per-agent rows, the report's agent table "
                             "and its repeated lines will be empty (pass --agent-col NAME)")
    if not has_time:
        warnings["time"] = f"no {cols.time!r} column: no weekly trend (pass --time-col NAME)"
    return warnings


def _raw_turns(raw: object) -> list[dict[str, Any]]:
    if isinstance(raw, str):
        raw = json.loads(raw)
    return [t for t in raw if isinstance(t, dict)] if isinstance(raw, list) else []
