"""Batch scoring: one line per record in input order, errors never stop a run, identical
results whatever --jobs is, --resume without duplicates or gaps, summaries and the report."""

import csv
import json
from pathlib import Path

import pytest

from replycoach import Coach
from replycoach.batch import BatchSummary, resume_point, score_items, to_dataframe, week_of
from replycoach.cli import main
from replycoach.discovery import ReuseTracker, normalise
from replycoach.records import Columns, read_items

REPLIES = [
    {"id": "r1", "text": "Thanks for waiting! Your order ships today.", "agent": "ann", "team": "a",
     "time": "2024-05-06T10:00:00"},
    {"id": "r2", "text": "Dear valued customer, we apologise for any inconvenience.", "agent": "ann",
     "team": "a", "customer": "My parcel is late AGAIN!!!", "time": "2024-05-14T10:00:00"},
    {"id": "r3", "text": "", "agent": "bob", "team": "b"},
    {"id": "r4", "text": "Please DM us your order number so we can check.", "agent": "bob", "team": "b"},
    {"id": "r5", "text": "Hola, gracias por contactarnos. Por favor revisa tus mensajes directos.",
     "agent": "bob", "team": "b"},
    {"id": "r6", "text": "Please DM us your order number so we can check.", "agent": "bob", "team": "b"},
    {"id": "r7", "text": "Please DM us your order number so we can check!", "agent": "bob", "team": "b"},
]


def write_jsonl(path: Path, rows, *, broken_line: bool = False) -> Path:
    lines = [json.dumps(r) for r in rows]
    if broken_line:
        lines.insert(2, "{not json")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def run_cli(*argv: str) -> int:
    return main(list(argv))


def read_out(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_one_line_per_record_in_order_and_errors_kept(tmp_path, capsys):
    src = write_jsonl(tmp_path / "in.jsonl", REPLIES, broken_line=True)
    out = tmp_path / "out.jsonl"
    assert run_cli("batch", str(src), "--out", str(out)) == 0
    results = read_out(out)
    assert [r["id"] for r in results] == ["r1", "r2", "#2", "r3", "r4", "r5", "r6", "r7"]
    assert results[2]["error"]["code"] == "RC110" and "not valid JSON" in results[2]["error"]["message"]
    assert results[3]["error"]["code"] == "RC101"
    assert results[5]["error"]["code"] == "RC105"
    assert "report" in results[0] and results[0]["agent"] == "ann"
    err = capsys.readouterr().err.strip().splitlines()[-1]
    assert err == "replycoach batch: read 8, scored 5, failed 3 (RC110 1, RC101 1, RC105 1), skipped 0"


def test_results_identical_whatever_jobs(tmp_path):
    rows = [dict(r, id=f"{r['id']}-{i}") for i in range(30) for r in REPLIES]
    src = write_jsonl(tmp_path / "in.jsonl", rows)
    one, two = tmp_path / "one.jsonl", tmp_path / "two.jsonl"
    assert run_cli("batch", str(src), "--out", str(one), "--jobs", "1") == 0
    assert run_cli("batch", str(src), "--out", str(two), "--jobs", "2") == 0
    assert one.read_text() == two.read_text()
    assert len(read_out(one)) == len(rows)


def test_resume_finishes_without_duplicates_or_gaps(tmp_path):
    rows = [dict(r, id=f"{r['id']}-{i}") for i in range(5) for r in REPLIES]
    src = write_jsonl(tmp_path / "in.jsonl", rows)
    full, partial = tmp_path / "full.jsonl", tmp_path / "partial.jsonl"
    assert run_cli("batch", str(src), "--out", str(full)) == 0
    lines = full.read_text().splitlines(keepends=True)
    partial.write_text("".join(lines[:11]) + lines[11][:25])  # killed mid-write
    assert resume_point(partial) == [json.loads(line)["id"] for line in lines[:11]]
    assert run_cli("batch", str(src), "--out", str(partial), "--resume") == 0
    assert partial.read_text() == full.read_text()


def test_resume_refuses_a_different_input(tmp_path, capsys):
    src = write_jsonl(tmp_path / "in.jsonl", REPLIES)
    out = tmp_path / "out.jsonl"
    out.write_text(json.dumps({"id": "other"}) + "\n")
    assert run_cli("batch", str(src), "--out", str(out), "--resume") == 2
    assert "RC111" in capsys.readouterr().err


def test_csv_parquet_and_column_mapping(tmp_path):
    pytest.importorskip("pyarrow")
    import pyarrow as pa
    import pyarrow.parquet as pq

    rows = [{"msg_id": r["id"], "body": r["text"], "who": r["agent"]} for r in REPLIES]
    with (tmp_path / "in.csv").open("w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=["msg_id", "body", "who"])
        writer.writeheader()
        writer.writerows(rows)
    pq.write_table(pa.Table.from_pylist(rows), tmp_path / "in.parquet")
    cols = Columns(id="msg_id", text="body", agent="who")
    from_csv = [(i.id, i.text, i.agent) for i in read_items(tmp_path / "in.csv", cols=cols)]
    from_parquet = [(i.id, i.text, i.agent) for i in read_items(tmp_path / "in.parquet", cols=cols)]
    assert from_csv == from_parquet == [(r["id"], r["text"], r["agent"]) for r in REPLIES]


def test_conversations_with_role_map(tmp_path):
    conv = {"id": "c1", "agent": "ann", "turns": [
        {"sender": "customer", "text": "My router keeps dropping!!! Third time I ask."},
        {"sender": "helpdesk", "text": "Please restart the router now."},
        {"sender": "customer", "text": "I did already."},
        {"sender": "helpdesk", "text": "Please restart the router now."}]}
    src = write_jsonl(tmp_path / "conv.jsonl", [conv])
    out = tmp_path / "out.jsonl"
    assert run_cli("batch", str(src), "--out", str(out), "--role-col", "sender", "--role-map", "helpdesk=agent") == 0
    (result,) = read_out(out)
    conversation = result["conversation"]
    agent_turns = [t for t in conversation["turns"] if t["role"] == "agent"]
    assert len(agent_turns) == 2
    first = agent_turns[0]["report"]
    assert first["metrics"]["customer_upset"] is True
    assert "empathy.acknowledge" in {f["rule"] for f in first["findings"]}
    assert "conversation.repeated-turns" in {f["rule"] for f in conversation["findings"]}


def test_linked_tweets(tmp_path):
    path = tmp_path / "tweets.csv"
    with path.open("w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["tweet_id", "author_id", "inbound", "text", "in_response_to_tweet_id"])
        writer.writerow(["2", "AcmeHelp", "False", "Sorry to hear that! I've sent a DM.", "1"])
        writer.writerow(["1", "115", "True", "@AcmeHelp my order is late AGAIN!!!", ""])
    cols = Columns(id="tweet_id", agent="author_id", reply_to="in_response_to_tweet_id", inbound="inbound")
    items = list(read_items(path, cols=cols))
    assert items[0].customer == "@AcmeHelp my order is late AGAIN!!!" and items[1].skip == "customer message"


def test_summary_report_and_reuse(tmp_path):
    src = write_jsonl(tmp_path / "in.jsonl", REPLIES)
    out, summary, report = tmp_path / "out.jsonl", tmp_path / "s.csv", tmp_path / "r.html"
    assert run_cli("batch", str(src), "--out", str(out), "--summary", str(summary), "--report", str(report)) == 0
    rows = {(r["level"], r["name"]): r for r in csv.DictReader(summary.open())}
    assert rows[("agent", "bob")]["replies"] == "3" and float(rows[("agent", "bob")]["reuse_rate"]) == 1.0
    assert json.loads(rows[("agent", "bob")]["top_repeated"])[0]["count"] == 3
    assert json.loads(rows[("agent", "ann")]["weekly_mean_score"]).keys() == {"2024-W19", "2024-W20"}
    html = report.read_text()
    assert "<script" not in html and "http" not in html.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert 'id="agents"' in html and "rc-mark" in html


def test_approved_macros_are_not_reuse():
    tracker = ReuseTracker.with_macros(["Please DM us your order number so we can check."])
    for _ in range(4):
        tracker.add("bob", "Please DM us your order number so we can check.")
    assert tracker.summary()["bob"]["reuse_rate"] == 0.0
    assert normalise("Hi @jo, order #A123 ships 5/6!") == normalise("hi @sam order #B987 ships 7/8")


def test_python_api_and_dataframe(tmp_path):
    pytest.importorskip("pandas")
    src = write_jsonl(tmp_path / "in.jsonl", REPLIES)
    run = Coach().score_batch(src)
    results = list(run)
    assert [r["id"] for r in results] == [r["id"] for r in REPLIES]
    assert isinstance(run.summary, BatchSummary) and run.summary.failed == 2
    frame = to_dataframe(results)
    assert list(frame["id"]) == [r["id"] for r in REPLIES] and "empathy" in frame.columns


def test_week_of():
    assert week_of("Tue Oct 31 22:10:47 +0000 2017") == "2017-W44"
    assert week_of("2024-05-06T10:00:00Z") == "2024-W19" and week_of("soon") is None


def test_score_items_in_process_matches_cli_order(tmp_path):
    src = write_jsonl(tmp_path / "in.jsonl", REPLIES)
    ids = [result["id"] for _, result in score_items(read_items(src), coach=Coach())]
    assert ids == [r["id"] for r in REPLIES]
