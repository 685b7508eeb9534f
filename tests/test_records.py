"""Reading exports: a byte-order mark names the file's encoding (spreadsheets write UTF-16 and
UTF-8 with one), for JSONL and CSV alike."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from replycoach.errors import InputError
from replycoach.records import Columns, column_warnings, count_records, normalise_records, read_items

ROWS = [{"id": "r1", "text": "Thanks, José — it ships today."}, {"id": "r2", "text": "Sorry for the wait."}]


@pytest.mark.parametrize("codec", ["utf-8", "utf-8-sig", "utf-16", "utf-32"])
def test_jsonl_in_any_marked_encoding(tmp_path: Path, codec: str):
    src = tmp_path / "in.jsonl"
    src.write_bytes("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in ROWS).encode(codec))
    items = list(read_items(src))
    assert [(i.id, i.text, i.error) for i in items] == [(r["id"], r["text"], None) for r in ROWS]
    assert count_records(src) == 2


@pytest.mark.parametrize("codec", ["utf-8-sig", "utf-16"])
def test_csv_header_is_not_hidden_by_the_mark(tmp_path: Path, codec: str):
    src = tmp_path / "in.csv"
    src.write_bytes(("id,text\n" + "".join(f'{r["id"]},"{r["text"]}"\n' for r in ROWS)).encode(codec))
    assert [(i.id, i.text) for i in read_items(src)] == [(r["id"], r["text"]) for r in ROWS]


# --- broken exports: every record comes back, the broken ones with what to fix ---------------

def test_bytes_that_are_not_utf8_reach_the_check_to_be_counted(tmp_path: Path, coach):
    """A stray cp1252 byte in a UTF-8 export is kept as a lone surrogate, which the check turns
    into U+FFFD and counts in `metrics.replaced_characters`, not replaced here without a trace."""
    src = tmp_path / "in.jsonl"
    src.write_bytes(b'{"id": "r1", "text": "Caf\xe9 orders ship today, thanks for writing."}\n'
                    b'{"id": "r2", "text": "Thanks, it ships today."}\n')
    first, second = read_items(src)
    assert first.text == "Caf\udce9 orders ship today, thanks for writing." and second.error is None
    assert coach.check(first.text).metrics.replaced_characters == 1
    csv_src = tmp_path / "in.csv"
    csv_src.write_bytes(b"id,text\nr1,Caf\xe9 orders ship today\n")
    assert [i.text for i in read_items(csv_src)] == ["Caf\udce9 orders ship today"]


def test_a_quote_never_closed_is_an_error_not_the_rest_of_the_file(tmp_path: Path):
    """A lenient CSV reader reads an unclosed quote as one value running to the end of the
    file, and the rows after it vanish; read strictly, the record says where the quote opened."""
    src = tmp_path / "in.csv"
    src.write_text('id,text\nr1,"Thanks, it ships today."\nr2,"unclosed, thanks\nr3,Sorry for the wait.\n',
                   encoding="utf-8")
    items = list(read_items(src))
    assert [i.id for i in items[:1]] == ["r1"] and items[0].error is None
    assert len(items) == 2 and "line 3" in (items[1].error or "") and "never closed" in (items[1].error or "")


def test_a_row_with_broken_quoting_fails_alone(tmp_path: Path):
    src = tmp_path / "in.csv"
    src.write_text('id,text\nr1,"Thanks" today\nr2,Sorry for the wait.\n', encoding="utf-8")
    items = list(read_items(src))
    assert len(items) == 2 and "line 2" in (items[0].error or "")
    assert (items[1].id, items[1].text, items[1].error) == ("r2", "Sorry for the wait.", None)


def test_a_file_that_is_not_parquet_is_a_coded_error(tmp_path: Path):
    pytest.importorskip("pyarrow")
    src = tmp_path / "in.parquet"
    src.write_bytes(b"not parquet at all")
    for read in (lambda: list(read_items(src)), lambda: count_records(src)):
        with pytest.raises(InputError) as err:
            read()
        assert err.value.code == "RC107" and str(src) in str(err.value)


def test_a_missing_text_column_is_warned_of_with_the_columns_there():
    warned = column_warnings({"id": "1", "body": "Thanks", "agent": "ann", "time": "2026-01-01"})
    assert set(warned) == {"text"} and "body" in warned["text"] and "--text-col" in warned["text"]
    assert "text" not in column_warnings({"id": "1", "body": "x"}, cols=Columns(text="body"))


@pytest.mark.parametrize("value, kind", [
    (["Thanks,", "it ships today."], "a list"), ({"html": "<p>Hi</p>"}, "an object"), (5, "a number"),
    (True, "true or false"),
])
def test_a_text_that_is_not_a_string_is_an_error_not_its_repr(value: object, kind: str):
    """`str()` of a JSON list or object was scored as if an agent had written "['Thanks,', ...]"."""
    item, = normalise_records([{"id": "r1", "text": value}])
    assert item.error is not None and kind in item.error and "'text'" in item.error
    customer, = normalise_records([{"id": "r2", "text": "Thanks, it ships today.", "customer": value}])
    assert customer.error is not None and "'customer'" in customer.error
