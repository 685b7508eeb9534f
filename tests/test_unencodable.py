"""Lone surrogates (a JSON "\\ud800", half of a split emoji) in any text, at every entry point:
each becomes U+FFFD, one character for one, the report counts them, and its JSON can be written."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from replycoach import Coach, Report
from replycoach.batch import resume_point
from replycoach.cli import main
from replycoach.text import clean

BAD = "\ud800"


def encodable(report: Report) -> dict:
    data = json.loads(report.to_json().encode("utf-8"))  # raised UnicodeEncodeError before
    return data


def test_clean_replaces_each_surrogate_and_keeps_offsets():
    cleaned = clean(f"Thanks {BAD} for \udfff\ud83d waiting.")
    assert cleaned.text == "Thanks \ufffd for \ufffd\ufffd waiting."
    assert cleaned.replaced == 3 and len(cleaned.analysed) == len(cleaned.text)
    assert clean("Thanks for waiting.").replaced == 0


@pytest.mark.parametrize("draft, customer", [
    (f"Thanks {BAD}", None),
    ("Thanks for waiting, I'll refund you today.", f"Help {BAD}"),
    (f"Your refund is done.\n\nOn Mon, 3 May 2024, Dana wrote:\n> where {BAD} is my refund??\n", None),
    (f"<p>Thanks {BAD} for waiting.</p>", None),
])
def test_api_checks_and_reports_the_replacement(coach: Coach, draft, customer):
    report = coach.check(draft, customer=customer)
    assert report.metrics.replaced_characters == 1
    assert BAD not in report.text
    data = encodable(report)
    assert data["metrics"]["replaced_characters"] == 1
    for f in report.findings:
        assert report.text[f.start:f.end] == f.text


def test_rewrite_and_conversation(coach: Coach):
    result = coach.rewrite(f"Dear valued customer, obviously it ships soon {BAD}.")
    json.loads(result.to_json().encode("utf-8"))
    conversation = coach.check_conversation([("customer", f"Where is it {BAD}"), ("agent", f"It ships today {BAD}.")])
    json.loads(conversation.model_dump_json().encode("utf-8"))


def test_check_many_goes_on(coach: Coach):
    results = list(coach.check_many([f"Thanks {BAD}", "Thanks for waiting.", ("Thanks!", f"Help {BAD}"),
                                     {"draft": "Thanks!", "customer": 5}, "Thanks again."]))
    assert [type(r).__name__ for r in results] == ["Report", "Report", "Report", "InputError", "Report"]
    assert results[3].code == "RC102"  # a customer message that is not text: one coded error
    for r in results:
        if isinstance(r, Report):
            encodable(r)


def _records(tmp_path: Path) -> Path:
    rows = [{"id": "a", "text": "Thanks for waiting."}, {"id": "b", "text": f"Thanks {BAD}"},
            {"id": f"c{BAD}", "text": "Thanks!", "agent": f"ann{BAD}", "customer": f"Help {BAD}"},
            {"id": "d", "turns": None}, {"id": "e", "text": "Thanks again."}]
    src = tmp_path / "in.jsonl"
    src.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")  # "\ud800" escapes
    return src


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_batch_writes_every_line(tmp_path: Path, jobs: str):
    src, out = _records(tmp_path), tmp_path / "out.jsonl"
    assert main(["batch", str(src), "--out", str(out), "--jobs", jobs]) == 0
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [line["id"] for line in lines] == ["a", "b", "c\ufffd", "d", "e"]
    assert lines[1]["report"]["metrics"]["replaced_characters"] == 1
    assert lines[2]["agent"] == "ann\ufffd" and lines[2]["report"]["metrics"]["replaced_characters"] == 1
    assert lines[3]["error"]["code"] == "RC110" and "report" in lines[4]  # one bad record, one error line


def test_batch_resume_gets_past_the_record(tmp_path: Path):
    src, full, partial = _records(tmp_path), tmp_path / "full.jsonl", tmp_path / "partial.jsonl"
    assert main(["batch", str(src), "--out", str(full)]) == 0
    lines = full.read_text(encoding="utf-8").splitlines(keepends=True)
    partial.write_text("".join(lines[:2]) + lines[2][:10], encoding="utf-8")  # killed inside record c
    assert resume_point(partial) == ["a", "b"]
    assert main(["batch", str(src), "--out", str(partial), "--resume"]) == 0
    assert partial.read_text(encoding="utf-8") == full.read_text(encoding="utf-8")


@pytest.mark.parametrize("path", ["/v1/check", "/v1/rewrite", "/v1/render"])
def test_service_answers_instead_of_500(path: str):
    pytest.importorskip("fastapi")
    from fastapi.testclient import TestClient

    from replycoach.service import create_app

    client = TestClient(create_app())
    body = b'{"draft": "Thanks \\ud800 for waiting.", "customer": "Help \\udfff"}'
    response = client.post(path, content=body, headers={"content-type": "application/json"})
    assert response.status_code == 200, response.text
    assert "\ufffd" in response.content.decode("utf-8")
