"""The whole-reply rules of the canned pack (rules/canned/stock-only.yaml, stock-to-upset.yaml,
stock-reply.yaml),
the channel's policy in place of an answer (channel-policy.yaml), what corporate.yaml counts as a
line about the company in general, and that the labels file written beside them
(benchmarks/training/eval-ibm-dev-later-turns.jsonl) keeps out of dev and reserved."""

import json
from pathlib import Path

import pytest

from ..conftest import ROOT, SHARED_DATA, findings_of

HAIR = "I found a hair in the sandwich I bought from you this morning. Disgusting!"
LOST = "Another lost trouble ticket, after 16 hours on the phone with your billing department. Ridiculous."
LABELS_FILE = ROOT / "benchmarks" / "training" / "eval-ibm-dev-later-turns.jsonl"
BROKEN_PROMISE = "Another broken promise! Still waiting for my refund after three weeks..."
WRONG_TRIP = "The app sent my driver to my old address. I cancelled the trip but would like a credit."


def test_stock_only_reads_past_handles_links_and_signatures(coach):
    draft = "@sam Please follow this link for more information. Thank you. https://example.com/help *TM"
    hits = findings_of(coach, "canned.stock-only", draft, HAIR)
    assert [f.text for f in hits] == ["Please follow this link for more information"]
    assert draft[hits[0].start:hits[0].end] == hits[0].text


@pytest.mark.parametrize("draft", [
    "We're so sorry for the inconvenience. We'll refund the sandwich today.",  # one step of its own
    "Please follow this link for more information about the recall.",  # one word of the problem
    "Thanks, have a great day!",  # thanks alone is an acknowledgement, not a template
])
def test_stock_only_is_quiet_on_a_word_of_its_own(coach, draft):
    assert not findings_of(coach, "canned.stock-only", draft, HAIR)


def test_stock_to_upset_is_for_upset_customers(coach):
    draft = "Hello Jeff! Will you please DM us with your account number so we can better assist you? -Wayne"
    assert [f.text for f in findings_of(coach, "canned.stock-to-upset", draft, LOST)] == ["Hello Jeff"]
    assert not findings_of(coach, "canned.stock-to-upset", draft, "Hi, could you tell me when my contract ends?")


def test_stock_to_upset_passes_a_dm_request_that_takes_up_the_problem(coach):
    draft = "Sorry about the lost ticket, Jeff. DM us your account number and I'll chase it today. -Wayne"
    assert not findings_of(coach, "canned.stock-to-upset", draft, LOST)


def test_stock_to_upset_knows_a_bare_contact_us_redirect(coach):
    draft = "@sam Happy to follow up! Contact us via https://example.com/help so we can connect."
    assert [f.text for f in findings_of(coach, "canned.stock-to-upset", draft, LOST)] == ["Happy to follow up"]
    # one word of the problem keeps it quiet
    assert not findings_of(coach, "canned.stock-to-upset", draft.replace("follow up", "follow up on the ticket"), LOST)


@pytest.mark.parametrize(("draft", "match"), [
    ("Hi, our apologies for the delay. We cannot assist with travel inquiries over social media. Thank you!",
     "We cannot assist with travel inquiries over social media"),
    ("Welcome to our support on Twitter. The support here is limited to technical issues only.",
     "The support here is limited to"),
])
def test_channel_policy_marks_the_policy_line(coach, draft, match):
    hits = findings_of(coach, "canned.channel-policy", draft, LOST)
    assert [f.text for f in hits] == [match]
    assert draft[hits[0].start:hits[0].end] == match


def test_channel_policy_passes_a_reason_about_this_customers_account(coach):
    draft = "We can't see your account on Twitter, so please call us and we'll reset the password while you wait."
    assert not findings_of(coach, "canned.channel-policy", draft, LOST)


def test_corporate_is_about_the_company_in_general_not_this_problem(coach):
    general = "Sorry for your experience. We will keep optimizing our service process."
    theirs = "You can try deleting the keyboard in Settings and adding it again. We will keep optimizing the problem."
    hits = findings_of(coach, "canned.corporate", general, HAIR)
    assert [f.text for f in hits] == ["We will keep optimizing our service"]
    assert not findings_of(coach, "canned.corporate", theirs, HAIR)


def test_thanks_for_bringing_this_to_our_attention_is_a_suggestion_not_a_flag(coach):
    draft = "Thanks for bringing this to our attention. That text is not from us; please forward it to us."
    canned = [f for f in coach.check(draft, customer=HAIR).findings if f.category == "canned"]
    assert [(f.rule, f.severity.value) for f in canned] == [("canned.robotic", "suggestion")]


def test_labels_file_holds_no_id_another_label_file_holds():
    ours = {json.loads(line)["id"] for line in LABELS_FILE.read_text(encoding="utf-8").splitlines()}
    for other in sorted(LABELS_FILE.parent.glob("ibm-labels*.jsonl")):
        if other != LABELS_FILE:
            theirs = {json.loads(line)["id"] for line in other.read_text(encoding="utf-8").splitlines()}
            assert not ours & theirs, other.name


@pytest.mark.skipif(not (SHARED_DATA / "labelled-replies").is_dir(), reason="shared data not present")
def test_labels_file_keeps_out_of_reserved_and_dev_texts():
    # Later turns of conversations whose first reply is a dev row are allowed (NOTICE.md says so);
    # a reserved conversation is never read, and no dev row's texts are repeated.
    held = Path(SHARED_DATA / "labelled-replies")
    reserved = set((held / "reserved.txt").read_text(encoding="utf-8").split())
    dev = [json.loads(line) for line in (held / "dev.jsonl").read_text(encoding="utf-8").splitlines()]
    dev_texts = {(r["customer"].strip(), r["reply"].strip()) for r in dev}
    dev_replies = {r["reply"].strip() for r in dev}
    for line in LABELS_FILE.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        conversation = row["id"].rsplit("-", 1)[0]  # ibm-<conversation>-<turn>
        assert row["id"] not in reserved and conversation not in reserved, row["id"]
        assert row["id"] not in {r["id"] for r in dev}, row["id"]
        assert (row["customer"].strip(), row["reply"].strip()) not in dev_texts, row["id"]
        assert row["reply"].strip() not in dev_replies, row["id"]


def test_stock_to_upset_knows_the_stock_dm_invitation(coach):
    rule = "canned.stock-to-upset"
    stock = "Thanks for reaching out. If you're having issues, we'd like to assist. DM us and we'll continue there."
    assert findings_of(coach, rule, stock, BROKEN_PROMISE)
    assert not findings_of(coach, rule, stock.replace("having issues", "still waiting for the refund"), BROKEN_PROMISE)


def test_stock_reply_is_for_a_customer_who_asked_or_named_a_problem(coach):
    draft = "@sam Here to help! Send us a note via https://example.com/help so our team can assist."
    hits = findings_of(coach, "canned.stock-reply", draft, WRONG_TRIP)
    assert [f.text for f in hits] == ["Here to help!"]
    assert not findings_of(coach, "canned.stock-reply", draft, "Thanks so much, it all works now!")
    assert not findings_of(coach, "canned.stock-reply", draft)


@pytest.mark.parametrize("draft", [
    "Here to help! Send us a note via https://example.com/help with the trip date and we'll credit it.",
    "Hi Sam! Please DM us so we can check this out.",  # a bare DM request: no help-desk formula
    "Thank you so much!",  # no offer of help, apology or redirect
])
def test_stock_reply_is_quiet_on_a_word_of_its_own_or_a_bare_request(coach, draft):
    assert not findings_of(coach, "canned.stock-reply", draft, WRONG_TRIP)


@pytest.mark.parametrize(("draft", "match"), [
    ("Hello! We have recorded your suggestion. Thank you for your support!", "recorded your suggestion"),
    ("Hi! Your satisfaction is the driving force of our progress.", "Your satisfaction is the driving force"),
    ("We will optimize the subsequent versions.", "optimize the subsequent versions"),
])
def test_corporate_knows_help_desk_lines_about_feedback_and_progress(coach, draft, match):
    assert [f.text for f in findings_of(coach, "canned.corporate", draft, HAIR)] == [match]


def test_a_form_letter_opener_before_specific_help_is_a_suggestion(coach):
    draft = "Dear customer, you can try clearing the browser cache, then log in again."
    canned = [f for f in coach.check(draft, customer=HAIR).findings if f.category == "canned"]
    assert [(f.rule, f.severity.value) for f in canned] == [("canned.openers", "suggestion")]
