"""Batch scoring: one line per record in input order, errors never stop a run, identical
results whatever --jobs is, --resume without duplicates or gaps, summaries and the report."""

import csv
import gc
import json
from pathlib import Path

import pytest

import replycoach.batch
from replycoach import Coach
from replycoach.batch import (
    CHUNK_SECONDS,
    FIRST_CHUNK,
    MAX_CHUNK,
    _Sizer,
    findings_dataframe,
    resume_point,
    score_batch,
    score_items,
    to_dataframe,
)
from replycoach.batch_report import batch_report_html
from replycoach.cli import main
from replycoach.errors import ReplycoachError
from replycoach.records import Columns, column_warnings, read_items
from replycoach.reuse import ReuseTracker, normalise
from replycoach.summary import BatchSummary, summary_files, week_of

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


def test_timings_count_every_record_once_by_the_process_that_scored_it(tmp_path):
    rows = [dict(r, id=f"{r['id']}-{i}") for i in range(10) for r in REPLIES]
    src = write_jsonl(tmp_path / "in.jsonl", rows)
    for jobs in (1, 2):
        timings = tmp_path / f"t{jobs}.json"
        assert run_cli("batch", str(src), "--out", str(tmp_path / "out.jsonl"), "--jobs", str(jobs),
                       "--timings", str(timings)) == 0
        times = json.loads(timings.read_text())
        assert times["jobs"] == jobs and times["before_s"] > 0 and times["scoring_s"] > 0, times
        assert times["total_s"] >= times["before_s"] + times["scoring_s"] - 0.002, times  # each rounded to 1 ms
        workers = times["workers"]
        assert len(workers) == (0 if jobs == 1 else 2)
        if jobs == 2:
            assert sum(w["records"] for w in workers) == len(rows)
            assert all(w["cpu_s"] > 0 and w["chunks"] >= 1 for w in workers), times


def test_the_warm_up_before_forking_counts_as_start_up(tmp_path, monkeypatch):
    # Serial work the workers wait for: counted as parallel, it would flatter the predicted speed-up.
    import time

    from replycoach.batch import RunTimes, score_lines

    warmed: list[float] = []

    def busy_warm_up(self):
        end = time.process_time() + 0.2
        while time.process_time() < end:
            pass
        warmed.append(time.process_time())

    monkeypatch.setattr(Coach, "warm_up", busy_warm_up)
    coach, times = Coach(), RunTimes()
    lines = list(score_lines(read_items(write_jsonl(tmp_path / "in.jsonl", REPLIES)), coach=coach, jobs=2,
                             times=times))
    assert len(lines) == len(REPLIES) and len(warmed) == 1
    assert times.before_s >= warmed[0]  # taken after the warm-up, not before it


def test_chunks_are_sized_by_the_cpu_a_record_took():
    sizer = _Sizer()
    assert sizer.size() == FIRST_CHUNK
    sizer.measured(0.04, 4)  # 10 ms a record, like a conversation
    assert sizer.size() == round(CHUNK_SECONDS / 0.01)
    sizer.measured(0.0, 10_000)  # records that cost nothing measurable
    assert sizer.size() == MAX_CHUNK
    slow = _Sizer()
    slow.measured(5.0, 1)
    assert slow.size() == 1


def _freeze_count(coach, item):
    return {"id": item.id, "frozen": gc.get_freeze_count()}


def test_workers_do_not_collect_what_they_share_with_the_parent(tmp_path, monkeypatch):
    # A worker's garbage collector walking the parent's objects would copy every page it touches.
    monkeypatch.setattr(replycoach.batch, "score_item", _freeze_count)
    items = read_items(write_jsonl(tmp_path / "in.jsonl", REPLIES))
    results = [r for _, r in score_items(items, coach=Coach(), jobs=2)]
    assert len(results) == len(REPLIES) and all(r["frozen"] > 1000 for r in results)
    assert gc.get_freeze_count() == 0  # the parent itself collects as before


def _lists_loaded(coach, item):
    import wordfreq

    return {"id": item.id, "lists": wordfreq.get_frequency_dict.cache_info().currsize}


def test_workers_share_the_word_lists_the_parent_loaded_before_forking(tmp_path, monkeypatch):
    # Loaded in each worker on first use, they would cost every worker the same half second.
    import wordfreq

    wordfreq.get_frequency_dict.cache_clear()
    monkeypatch.setattr(replycoach.batch, "score_item", _lists_loaded)
    items = read_items(write_jsonl(tmp_path / "in.jsonl", REPLIES))
    results = [r for _, r in score_items(items, coach=Coach(), jobs=2)]
    assert len(results) == len(REPLIES) and all(r["lists"] >= 7 for r in results)  # English and six others


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
    assert rows[("all", "all")]["replies"] == "5"
    cells = [cell for row in rows.values() for cell in row.values()]
    assert not any(cell.startswith(("{", "[")) for cell in cells)  # flat: no JSON inside a cell
    files = summary_files(summary)
    assert sorted(p.name for p in tmp_path.glob("s*.csv")) == sorted(p.name for p in files.values())
    repeated = list(csv.DictReader(files["repeated"].open()))
    assert repeated[0]["agent"] == "bob" and repeated[0]["times"] == "3"
    weekly = [(r["week"], r["replies"]) for r in csv.DictReader(files["weekly"].open()) if r["name"] == "ann"]
    assert weekly == [("2024-W19", "1"), ("2024-W20", "1")]
    examples = [r for r in csv.DictReader(files["examples"].open()) if r["name"] == "ann" and r["kind"] == "worst"]
    assert [r["id"] for r in examples] == ["r2", "r1"] and int(examples[0]["score"]) <= int(examples[1]["score"])
    rules = [r for r in csv.DictReader(files["rules"].open()) if r["level"] == "agent" and r["name"] == "ann"]
    assert rules and all(int(r["findings"]) >= 1 for r in rules)
    html = report.read_text()
    assert html.count("<script") == 1 and "<script>" in html  # the inline sort script, nothing loaded
    assert "http" not in html.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert 'id="agents"' in html and "rc-mark" in html and "My parcel is late AGAIN!!!" in html


def test_approved_macros_are_not_reuse():
    tracker = ReuseTracker.with_macros(["Please DM us your order number so we can check."])
    for _ in range(4):
        tracker.add("bob", "Please DM us your order number so we can check.")
    assert tracker.summary()["bob"]["reuse_rate"] == 0.0
    assert normalise("Hi @jo, order #A123 ships 5/6!") == normalise("hi @sam order #B987 ships 7/8")


def test_python_api_and_dataframe(tmp_path):
    pytest.importorskip("pandas")
    src = write_jsonl(tmp_path / "in.jsonl", REPLIES)
    run = score_batch(Coach(), src)
    results = list(run)
    assert [r["id"] for r in results] == [r["id"] for r in REPLIES]
    assert isinstance(run.summary, BatchSummary) and run.summary.failed == 2
    frame = to_dataframe(results)
    assert list(frame["id"]) == [r["id"] for r in REPLIES] and "empathy" in frame.columns


def test_score_batch_takes_a_dataframe_or_dicts_like_a_file(tmp_path):
    pd = pytest.importorskip("pandas")
    rows = [{"body": r["text"], "who": r["agent"], "ref": r["id"]} for r in REPLIES]
    cols = Columns(text="body", agent="who", id="ref")
    from_file = list(score_batch(Coach(), write_jsonl(tmp_path / "in.jsonl", rows), columns=cols))
    from_dicts = list(score_batch(Coach(), rows, columns=cols))
    frame = pd.DataFrame(rows)
    frame.loc[3, "who"] = None  # a missing cell is missing, not the text "nan"
    run = score_batch(Coach(), frame, columns=cols)
    from_frame = list(run)
    assert from_dicts == from_file
    assert [r["id"] for r in from_frame] == [r["id"] for r in REPLIES] and "agent" not in from_frame[3]
    assert from_frame[5] == from_file[5] and run.summary.agents["bob"].replies == 2
    items = list(read_items(tmp_path / "in.jsonl", cols=cols))
    assert list(score_batch(Coach(), items)) == from_file


def test_score_batch_refuses_what_it_cannot_read():
    with pytest.raises(ReplycoachError) as caught:
        score_batch(Coach(), 42)  # type: ignore[arg-type]
    assert caught.value.code == "RC107"


def test_wide_frame_has_real_values_and_dtypes():
    pd = pytest.importorskip("pandas")
    results = list(score_batch(Coach(), REPLIES))
    frame = to_dataframe(results)
    r2 = frame[frame["id"] == "r2"].iloc[0]
    assert r2["agent"] == "ann" and r2["words"] > 0 and r2["grade"] > 0 and r2["findings"] > 0
    assert isinstance(frame["time"].dtype, pd.DatetimeTZDtype) and r2["time"].day == 14
    assert str(frame["score"].dtype) == "Int64" and str(frame["empathy"].dtype) == "Int64"
    assert str(frame["agent"].dtype) == "category" and str(frame["passed"].dtype) == "boolean"
    assert frame[frame["id"] == "r3"].iloc[0]["error"] == "RC101"


def test_wide_frame_of_conversations_has_a_row_per_agent_turn():
    pytest.importorskip("pandas")
    record = {"id": "c1", "agent": "ann", "turns": [
        {"role": "customer", "text": "Where is my parcel?"},
        {"role": "agent", "text": "Dear valued customer, it ships today."},
        {"role": "customer", "text": "Thanks"},
        {"role": "agent", "text": "You're welcome, have a good day!"}]}
    results = list(score_batch(Coach(), [record]))
    assert results[0]["customer_before"] == {"1": "Where is my parcel?", "3": "Thanks"}
    frame = to_dataframe(results)
    assert list(frame["turn"]) == [1, 3] and list(frame["agent"]) == ["ann", "ann"]
    assert frame["words"].notna().all() and frame["grade"].notna().all() and frame["empathy"].notna().all()
    assert frame["conversation_score"].iloc[0] == results[0]["conversation"]["score"]


def test_long_frame_has_one_row_per_finding():
    pytest.importorskip("pandas")
    results = list(score_batch(Coach(), REPLIES))
    long = findings_dataframe(results)
    expected = sum(len(r["report"]["findings"]) for r in results if "report" in r)
    assert len(long) == expected > 0
    assert list(long.columns) == ["id", "turn", "agent", "rule", "category", "severity", "start", "end",
                                  "text", "message"]
    row = long[long["id"] == "r2"].iloc[0]
    draft = REPLIES[1]["text"]
    assert draft[row["start"]:row["end"]] == row["text"] and row["agent"] == "ann"
    assert list(long["severity"].cat.categories) == ["error", "warning", "suggestion"]


def test_frames_without_pandas_say_how_to_get_it(monkeypatch):
    import builtins

    real_import = builtins.__import__

    def no_pandas(name, *args, **kwargs):
        if name == "pandas":
            raise ImportError("no pandas here")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_pandas)
    with pytest.raises(ReplycoachError) as caught:
        to_dataframe([])
    assert caught.value.code == "RC304" and "replycoach[batch]" in caught.value.remedy


def test_the_command_line_warns_of_missing_columns(tmp_path, capsys):
    rows = [{"id": r["id"], "text": r["text"] or "Hello there, happy to help."} for r in REPLIES]
    src = write_jsonl(tmp_path / "in.jsonl", rows)
    assert run_cli("batch", str(src), "--out", str(tmp_path / "out.jsonl")) == 0
    err = capsys.readouterr().err
    assert "warning: no 'agent' column" in err and "--agent-col" in err
    assert "warning: no 'time' column" in err and err.count("no 'agent'") == 1  # not again at the end


def test_the_command_line_warns_when_tweets_are_read_without_their_roles(tmp_path, capsys):
    path = tmp_path / "tweets.csv"
    with path.open("w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["tweet_id", "author_id", "inbound", "created_at", "text", "in_response_to_tweet_id"])
        writer.writerow(["1", "115", "True", "Tue Oct 31 22:10:47 +0000 2017", "@AcmeHelp my order is late!!!", ""])
        writer.writerow(["2", "AcmeHelp", "False", "Tue Oct 31 22:12:47 +0000 2017", "Sorry! I've sent a DM.", "1"])
    base = ["batch", str(path), "--out", str(tmp_path / "out.jsonl"), "--id-col", "tweet_id",
            "--agent-col", "author_id", "--time-col", "created_at"]
    assert run_cli(*base) == 0
    err = capsys.readouterr().err
    assert "looks like a tweet export" in err and "--inbound-col inbound --reply-to-col in_response_to_tweet_id" in err
    assert run_cli(*base, "--inbound-col", "inbound", "--reply-to-col", "in_response_to_tweet_id") == 0
    assert "warning" not in capsys.readouterr().err


def test_the_summary_says_what_it_lacks():
    summary = BatchSummary()
    for result in score_batch(Coach(), [{"id": "x", "text": "Thanks for waiting, it ships today."}]):
        summary.add(result)
    assert set(summary.gaps()) == {"agent", "time"}
    conversations = BatchSummary()
    for result in score_batch(Coach(), [{"id": "c", "turns": [{"sender": "customer", "text": "Hi"},
                                                            {"sender": "helpdesk", "text": "Hello!"}]}]):
        conversations.add(result)
    assert set(conversations.gaps()) == {"roles"}
    agents = batch_report_html(conversations).split('id="agents"')[1].split("</section>")[0]
    assert "--role-map NAME=agent" in agents  # an empty section says why it is empty
    warnings = column_warnings({"id": "c", "turns": [{"sender": "customer", "text": "Hi"},
                                                     {"sender": "helpdesk", "text": "Hello!"}]})
    assert set(warnings) == {"roles", "agent", "time"} and "--role-map helpdesk=agent" in warnings["roles"]


def test_week_of():
    assert week_of("Tue Oct 31 22:10:47 +0000 2017") == "2017-W44"
    assert week_of("2024-05-06T10:00:00Z") == "2024-W19" and week_of("soon") is None


def test_score_items_in_process_matches_cli_order(tmp_path):
    src = write_jsonl(tmp_path / "in.jsonl", REPLIES)
    ids = [result["id"] for _, result in score_items(read_items(src), coach=Coach())]
    assert ids == [r["id"] for r in REPLIES]


class _ScriptedWorker:
    """A worker stand-in that scores a chunk instantly: which one answers first is up to the test."""

    def __init__(self, pid: int) -> None:
        self.pid, self.chunk = pid, None

    def wait_ready(self) -> None:
        pass

    def send(self, chunk):
        self.chunk = chunk

    def receive(self):
        results = [{"id": item} for item in self.chunk]
        return results, [b""] * len(results), 0.05 * len(results), 0.0  # 2 records a chunk


def test_a_full_window_freed_by_a_slow_worker_is_refilled_not_waited_on(monkeypatch):
    # The fast worker fills the window while the slow one holds the first chunk; when the slow
    # one answers, every chunk is done and none is busy: waiting then would wait forever.
    slow, fast = _ScriptedWorker(1), _ScriptedWorker(2)

    def wait_any(busy, timeout=None):
        assert busy, "waited on no busy worker: the run would hang"
        return [fast] if fast in busy else [slow]

    monkeypatch.setattr(replycoach.batch, "wait_any", wait_any)
    items = [f"r{i}" for i in range(200)]
    out = list(replycoach.batch._in_order(iter(items), [slow, fast], window=4, times=replycoach.batch.RunTimes()))
    assert [item for item, _, _ in out] == items


def test_a_conversation_without_a_scorable_agent_turn_is_skipped_not_scored_zero(tmp_path):
    convs = [
        {"id": "c1", "agent": "ann", "turns": [{"role": "customer", "text": "Anyone there?"}]},
        {"id": "c2", "agent": "ann", "turns": [{"role": "customer", "text": "Hello?"}, {"role": "agent", "text": ""}]},
        {"id": "c3", "agent": "ann", "turns": [{"role": "customer", "text": "Hello?"},
                                               {"role": "agent", "text": "Happy to help: what is your order number?"}]},
    ]
    src = write_jsonl(tmp_path / "conv.jsonl", convs)
    out = tmp_path / "out.jsonl"
    run_cli("batch", str(src), "--out", str(out))
    lines = {r["id"]: r for r in read_out(out)}
    assert lines["c1"]["skipped"] == "no agent turn"
    assert lines["c2"]["skipped"] == "no agent turn could be scored"
    assert lines["c2"]["conversation"]["turns"][1]["error"]["code"] == "RC101"  # nothing lost
    assert "skipped" not in lines["c3"] and lines["c3"]["conversation"]["score"] > 0
    summary = BatchSummary()
    for line in lines.values():
        summary.add(line)
    assert (summary.scored, summary.skipped) == (1, 2)
