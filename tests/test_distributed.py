"""Dask integration: score_dask on a local cluster gives, per row, exactly the result line of a
single-process `score_items` run on the same rows (record numbers and `#N` ids included)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from replycoach import Config
from replycoach.batch import score_items
from replycoach.records import Columns, read_items

pd = pytest.importorskip("pandas")
dd = pytest.importorskip("dask.dataframe")
distributed = pytest.importorskip("distributed")

from replycoach.distributed import score_dask, score_partition  # noqa: E402

OPENERS = ["Hi there,", "Dear valued customer,", "Hello Sam,", "Thanks for reaching out!", ""]
BODIES = [
    "Your order ships today and should arrive by Friday.",
    "We apologise for any inconvenience this may have caused.",
    "Please DM us your order number so we can check.",
    "Unfortunately, you failed to enter the correct billing address, so the payment was declined.",
    "I'll refund the late fee now and email you a receipt within the hour.",
    "As per our policy, the SLA for escalated tickets is 48 hours pending RCA.",
    "The issue will be looked into by the relevant team as soon as possible.",
    "PLEASE READ THE INSTRUCTIONS AGAIN!!!",
]
CUSTOMERS = [None, "My parcel is late AGAIN!!! Third time I ask.", "Can you tell me when my refund arrives?",
             "Thanks, that worked."]


def replies() -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for i in range(60):
        row: dict[str, Any] = {"id": f"r{i}", "agent": f"agent{i % 4}", "team": "ab"[i % 2],
                               "text": f"{OPENERS[i % 5]} {BODIES[i % 8]} {BODIES[(i * 3 + 1) % 8]}".strip(),
                               "time": f"2024-05-{1 + i % 28:02d}T10:00:00"}
        if CUSTOMERS[i % 4]:
            row["customer"] = CUSTOMERS[i % 4]
        rows.append(row)
    rows[7]["text"] = ""  # RC101
    rows[13]["text"] = "Hola, gracias por contactarnos. Por favor revisa tus mensajes directos."  # RC105
    rows[31]["channel"] = "chat"
    del rows[44]["text"]  # RC110, with its record number
    del rows[52]["id"]  # "#52"
    return rows


def conversations() -> list[dict[str, Any]]:
    convs = []
    for i in range(6):
        turns = [{"sender": "customer", "text": CUSTOMERS[1 + i % 3]},
                 {"sender": "helpdesk", "text": BODIES[i % 8]},
                 {"sender": "customer", "text": "I did that already."},
                 {"sender": "helpdesk", "text": BODIES[(i + 2) % 8] if i % 2 else BODIES[i % 8]}]
        convs.append({"id": f"c{i}", "agent": f"agent{i % 2}", "turns": turns})
    return convs


def write_jsonl(path: Path, rows: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def single_process(path: Path, cols: Columns, config: Config) -> list[tuple[str, str]]:
    pairs: Iterator[tuple[Any, dict[str, Any]]] = score_items(read_items(path, cols=cols), config=config, jobs=1)
    return [(result["id"], json.dumps(result, ensure_ascii=False)) for _, result in pairs]


def on_dask(ddf: Any, cols: Columns, config: Config, *, global_index: bool = True) -> list[tuple[str, str]]:
    """(id, result JSON) per row; sorted by the original index when it is the row position (from_pandas),
    else in partition order (read_parquet numbers each partition's rows from 0)."""
    assert ddf.npartitions == 3
    scored = score_dask(ddf, config=config, columns=cols).compute()
    if global_index:
        scored = scored.sort_index()
        assert list(scored.index) == list(range(len(scored)))
    return list(zip(scored["id"], scored["result"], strict=True))


@pytest.fixture(scope="module")
def client() -> Iterator[Any]:
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None)
    with cluster, distributed.Client(cluster) as c:
        yield c


def test_replies_identical_to_single_process(client: Any, tmp_path: Path) -> None:
    rows, cols, config = replies(), Columns(), Config(threshold=80)
    expected = single_process(write_jsonl(tmp_path / "replies.jsonl", rows), cols, config)
    got = on_dask(dd.from_pandas(pd.DataFrame(rows), npartitions=3), cols, config)
    assert got == expected
    results = {i: json.loads(r) for i, r in got}
    assert results["r7"]["error"]["code"] == "RC101"
    assert results["r13"]["error"]["code"] == "RC105"
    assert results["r44"]["error"]["message"] == "RC110 record 45: no 'text' value"
    assert "#52" in results and "report" in results["#52"]
    assert results["r0"]["report"]["threshold"] == 80  # the config reached the workers
    assert results["r31"]["report"]["metrics"]["channel"] == "chat"
    assert sum("report" in r for r in results.values()) == 57


def test_conversations_identical_to_single_process(client: Any, tmp_path: Path) -> None:
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    rows, config = conversations(), Config()
    cols = Columns(role="sender", role_map={"helpdesk": "agent"})
    expected = single_process(write_jsonl(tmp_path / "conversations.jsonl", rows), cols, config)
    # turns as Parquet list<struct> (three row groups, so three partitions) ...
    pq.write_table(pa.Table.from_pylist(rows), tmp_path / "conversations.parquet", row_group_size=2)
    from_parquet = dd.read_parquet(tmp_path / "conversations.parquet", split_row_groups=True)
    got = on_dask(from_parquet, cols, config, global_index=False)
    assert got == expected
    # ... and as JSON strings in a pandas frame (dask's convert-string would turn lists into their repr)
    as_json = pd.DataFrame([{**r, "turns": json.dumps(r["turns"])} for r in rows])
    assert on_dask(dd.from_pandas(as_json, npartitions=3), cols, config) == expected
    first = json.loads(got[0][1])["conversation"]
    assert sum(t["role"] == "agent" for t in first["turns"]) == 2
    assert "conversation.repeated-turns" in {f["rule"] for f in first["findings"]}


def test_score_partition_without_dask_keeps_index_and_empty_partitions() -> None:
    df = pd.DataFrame([{"id": "a", "text": "Your order ships today."}, {"id": None, "text": "Thanks!"}],
                      index=[40, 41])
    out = score_partition(df)
    assert list(out.columns) == ["id", "result"] and list(out.index) == [40, 41]
    assert list(out["id"]) == ["a", "#41"]
    assert score_partition(df.iloc[:0]).empty


def test_a_partition_is_normalised_in_memory_without_a_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The rows reach the CLI's normaliser directly: no temporary JSONL file per partition.
    import tempfile

    def no_files(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("score_partition wrote a temporary file")

    monkeypatch.setattr(tempfile, "mkstemp", no_files)
    rows, cols, config = replies()[:10], Columns(), Config(threshold=80)
    expected = single_process(write_jsonl(tmp_path / "replies.jsonl", rows), cols, config)
    scored = score_partition(pd.DataFrame(rows), config=config, columns=cols)
    assert list(zip(scored["id"], scored["result"], strict=True)) == expected
