"""The whole-reply rules of the tone and ownership packs (rules/tone/brush-off.yaml,
rules/ownership/receipt-only.yaml), and the shape of the labels file trained beside them."""

import json
from pathlib import Path

import pytest

from replycoach.evaluation import LABELS

from ..conftest import ROOT, SHARED_DATA

STRANDED = "My driver never came, I'm stuck at the station with no way home and the app says try later. Ridiculous!!"
LABELS_FILE = ROOT / "benchmarks" / "training" / "ibm-labels-judge-tone.jsonl"


def _hits(coach, rule, draft, customer=None):
    return [f for f in coach.check(draft, customer=customer).findings if f.rule == rule]


def test_brush_off_points_at_the_brush_off_once(coach):
    draft = "Hi Jo, we've replied to your DM. Please check your inbox."
    hits = _hits(coach, "tone.brush-off", draft, STRANDED)
    assert [f.text for f in hits] == ["replied to your DM"]
    assert draft[hits[0].start:hits[0].end] == hits[0].text


def test_brush_off_is_for_upset_customers(coach):
    draft = "Hi Jo, we've replied to your DM."
    assert _hits(coach, "tone.brush-off", draft, STRANDED)
    assert not _hits(coach, "tone.brush-off", draft, "Hi! I sent you a DM about my order, thanks.")


@pytest.mark.parametrize("draft", [
    "Please see this page https://example.com/help",  # 'help' in a URL says nothing
    "Please see this page https://example.com/faq?topic=rides",  # nor does its '?'
])
def test_brush_off_reads_past_urls(coach, draft):
    assert _hits(coach, "tone.brush-off", draft, STRANDED)


@pytest.mark.parametrize("draft", [
    "Please see this page. Which ride was it?",
    "Sorry about tonight. Please see this page https://example.com/rides",
    "Please see this page and we'll help you rebook https://example.com/rides",
    "Your refund went through, please check your inbox for the confirmation.",
])
def test_brush_off_is_silenced_by_engagement_anywhere(coach, draft):
    assert not _hits(coach, "tone.brush-off", draft, STRANDED)


def test_receipt_only_wants_a_time(coach):
    rule = "ownership.receipt-only"
    assert _hits(coach, rule, "@alex2046 Thanks, we've received your message and will get back to you.")
    assert not _hits(coach, rule, "@alex2046 Thanks, we've received your message and will get back to you by 5pm.")
    assert not _hits(coach, rule, "Thanks, we've received your message and will get back to you within 2 hours.")
    assert not _hits(coach, rule, "Thanks, we've received your message. Your refund went through.")


def test_labels_file_has_every_label_verdict_and_note():
    rows = [json.loads(line) for line in LABELS_FILE.read_text(encoding="utf-8").splitlines()]
    assert len({r["id"] for r in rows}) == len(rows)
    for row in rows:
        labels = row["labels"]
        assert set(labels) == set(LABELS) | {"verdict"}, row["id"]
        assert all(labels[name] in (0, 1) for name in LABELS), row["id"]
        assert labels["verdict"] in ("send", "coach", "rewrite"), row["id"]
        assert row["notes"] and all(n.strip() for n in row["notes"]), row["id"]
        assert row["source"] == "ibm" and row["customer"] and row["reply"], row["id"]


@pytest.mark.skipif(not (SHARED_DATA / "labelled-replies").is_dir(), reason="shared data not present")
def test_labels_file_keeps_out_of_dev_and_reserved():
    held = Path(SHARED_DATA / "labelled-replies")
    reserved = set((held / "reserved.txt").read_text(encoding="utf-8").split())
    dev = [json.loads(line) for line in (held / "dev.jsonl").read_text(encoding="utf-8").splitlines()]
    taken = {r["id"] for r in dev} | reserved
    dev_texts = {(r["customer"], r["reply"]) for r in dev}
    for line in LABELS_FILE.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        conversation = row["id"].rsplit("-", 1)[0]  # ibm-<conversation>-<turn>
        assert row["id"] not in taken and conversation not in taken, row["id"]
        assert (row["customer"], row["reply"]) not in dev_texts, row["id"]
