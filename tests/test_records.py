"""Reading exports: a byte-order mark names the file's encoding (spreadsheets write UTF-16 and
UTF-8 with one), for JSONL and CSV alike."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from replycoach.records import count_records, read_items

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
