"""The whole-reply rules of the tone and ownership packs (rules/tone/brush-off.yaml,
rules/ownership/receipt-only.yaml, no-next-step.yaml, vague-promise.yaml, improve-pledge.yaml,
pleasantries-only.yaml, offer-only.yaml), what the learned ownership.unowned needs in a reply
before it fires, the agent-acting exception of deflection and the bounced customer of
failed-channel, and that the labels file trained beside them keeps out of dev and reserved."""

import json
from pathlib import Path

import pytest

from ..conftest import ROOT, SHARED_DATA, findings_of

STRANDED = "My driver never came, I'm stuck at the station with no way home and the app says try later. Ridiculous!!"
LABELS_FILE = ROOT / "benchmarks" / "training" / "ibm-labels-judge-tone.jsonl"
BOUNCED = "Reported it to them, they said report it to you. Would be nice to know if it will be fixed."


def test_brush_off_points_at_the_brush_off_once(coach):
    draft = "Hi Jo, we've replied to your DM. Please check your inbox."
    hits = findings_of(coach, "tone.brush-off", draft, STRANDED)
    assert [f.text for f in hits] == ["replied to your DM"]
    assert draft[hits[0].start:hits[0].end] == hits[0].text


def test_brush_off_is_for_upset_customers(coach):
    draft = "Hi Jo, we've replied to your DM."
    assert findings_of(coach, "tone.brush-off", draft, STRANDED)
    assert not findings_of(coach, "tone.brush-off", draft, "Hi! I sent you a DM about my order, thanks.")


@pytest.mark.parametrize("draft", [
    "Please see this page https://example.com/help",  # 'help' in a URL says nothing
    "Please see this page https://example.com/faq?topic=rides",  # nor does its '?'
])
def test_brush_off_reads_past_urls(coach, draft):
    assert findings_of(coach, "tone.brush-off", draft, STRANDED)


@pytest.mark.parametrize("draft", [
    "Please see this page. Which ride was it?",
    "Sorry about tonight. Please see this page https://example.com/rides",
    "Please see this page and we'll help you rebook https://example.com/rides",
    "Your refund went through, please check your inbox for the confirmation.",
])
def test_brush_off_is_silenced_by_engagement_anywhere(coach, draft):
    assert not findings_of(coach, "tone.brush-off", draft, STRANDED)


def test_receipt_only_wants_a_time(coach):
    rule = "ownership.receipt-only"
    assert findings_of(coach, rule, "@alex2046 Thanks, we've received your message and will get back to you.")
    assert not findings_of(coach, rule,
                           "@alex2046 Thanks, we've received your message and will get back to you by 5pm.")
    assert not findings_of(coach, rule, "Thanks, we've received your message and will get back to you within 2 hours.")
    assert not findings_of(coach, rule, "Thanks, we've received your message. Your refund went through.")


EXPIRED = "Unfortunately your booking has expired and the payment was not taken."


def test_no_next_step_points_at_the_bad_news(coach):
    draft = "@jo Hi there, thanks for the details. " + EXPIRED
    hits = findings_of(coach, "ownership.no-next-step", draft)
    assert [f.text for f in hits] == ["Unfortunately"]
    assert draft[hits[0].start:hits[0].end] == hits[0].text


@pytest.mark.parametrize("tail", [
    " Book again here: https://example.com/book",  # a link
    " Would you like a new one?",  # a question back
    " I'll hold the same fare for you.",  # a promise
    " We have refunded the deposit.",  # something done
    " You can rebook at the same fare.",  # a step
    " (1/2)",  # the next tweet carries on
    " You may need to book again with the new dates.",  # a step put as a possibility
    " You should be able to rebook at the same fare.",
    " We suggest booking again before Friday.",  # a suggestion
])
def test_no_next_step_is_silenced_by_a_way_forward_anywhere(coach, tail):
    assert findings_of(coach, "ownership.no-next-step", EXPIRED)
    assert not findings_of(coach, "ownership.no-next-step", EXPIRED + tail)


def test_no_next_step_reads_the_words_of_a_way_forward_as_written(coach):
    """"Call us" offers a step; "prior to calling us" and "may not" do not."""
    rule = "ownership.no-next-step"
    assert findings_of(coach, rule, EXPIRED + " Charges are shown on the website prior to calling us.")
    assert findings_of(coach, rule, EXPIRED + " We may not refund it.")
    assert not findings_of(coach, rule, EXPIRED + " Please call us to rebook.")


def test_no_next_step_wants_bad_news(coach):
    """A plain answer needs no next step; a no or an apology does."""
    assert not findings_of(coach, "ownership.no-next-step", "Yes, the lounge is open until midnight.")
    assert findings_of(coach, "ownership.no-next-step", "No, the lounge closed at ten.")
    assert findings_of(coach, "ownership.no-next-step", "Sorry, the lounge closed at ten.")


def test_no_next_step_reads_whether_the_customer_asked(coach):
    """Bad news in answer to a question is the answer; told to a customer who reported a problem,
    it strands them. Without the customer's message nothing rules it out."""
    rule = "ownership.no-next-step"
    assert findings_of(coach, rule, EXPIRED, "I asked three times for a name change and nobody has done it!")
    assert not findings_of(coach, rule, EXPIRED, "Can I still change the name on my booking?")
    assert findings_of(coach, rule, EXPIRED)


@pytest.mark.parametrize("draft", ["No problem at all, Jo.", "No worries at all!",
                                   "Don't forget your boarding pass!", "Congrats, you're nearly there, can't wait!",
                                   "Thank you for the kind words! Couldn't do it without you!",
                                   "No tricks, only treats! Thanks for choosing us."])
def test_no_next_step_takes_friendly_idioms_for_what_they_are(coach, draft):
    assert not findings_of(coach, "ownership.no-next-step", draft, "Loved the flight, thanks team!")


PLEDGE = "Sorry for the trouble. We will keep optimizing our network."


def test_improve_pledge_points_at_the_pledge(coach):
    hits = findings_of(coach, "ownership.improve-pledge", PLEDGE)
    assert [f.text for f in hits] == ["keep optimizing"]
    assert not findings_of(coach, "ownership.vague-promise", PLEDGE)  # one rule per problem


@pytest.mark.parametrize("step", [
    " You can reset the network settings in Settings > General.",  # a step for the customer
    " Please DM us your address and we'll check the signal there.",  # a request to act on
    " Which street are you on?",  # a question back
])
def test_improve_pledge_is_quiet_beside_a_concrete_step(coach, step):
    assert not findings_of(coach, "ownership.improve-pledge", PLEDGE + step)


@pytest.mark.parametrize("tail", [" Please understand.", " Please pay attention to our updates.",
                                  " More about our network: https://example.com/network"])
def test_improve_pledge_is_not_quieted_by_a_plea_or_a_bare_link(coach, tail):
    assert findings_of(coach, "ownership.improve-pledge", PLEDGE + tail)


COMPLAINT = "There was a plaster in the salad I bought from you yesterday. Disgusting."


def test_pleasantries_only_points_at_the_thanks_for_an_upset_customer(coach):
    draft = "@shopper_22 Hi Sam, many thanks and kind regards! - Lee 3/3"
    hits = findings_of(coach, "ownership.pleasantries-only", draft, COMPLAINT)
    assert [f.text for f in hits] == ["many thanks and kind regards"]
    assert not findings_of(coach, "ownership.pleasantries-only", draft, "Loved the salad, thanks!")


def test_pleasantries_only_wants_nothing_else_in_the_reply(coach):
    assert not findings_of(coach, "ownership.pleasantries-only",
                           "Many thanks, I've refunded the salad. - Lee", COMPLAINT)


def test_vague_promise_fires_once_per_reply(coach):
    draft = "If anything changes we'll tell you. We will keep improving our service."
    assert [f.text for f in findings_of(coach, "ownership.vague-promise", draft)] == ["If anything changes"]


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


@pytest.mark.parametrize(("draft", "fires"), [
    ("Please reach out to the store about this.", True),
    ("Tell us which store it was and we can reach out to the store manager.", False),
    ("We've contacted the seller and will update you by Friday.", False),
])
def test_deflection_is_the_customer_sent_not_the_agent_acting(coach, draft, fires):
    assert bool(findings_of(coach, "ownership.deflection", draft)) is fires


def test_failed_channel_sees_a_customer_already_bounced(coach):
    draft = "We recommend contacting the studio here https://example.com/studio."
    assert findings_of(coach, "ownership.failed-channel", draft, BOUNCED)
    assert not findings_of(coach, "ownership.failed-channel", draft, "Who looks after the game server?")


OFFER = "We apologize for the inconvenience. If you need additional help please let us know."


def test_offer_only_wants_nothing_but_the_offer(coach):
    customer = "My branch told me I can't set up monthly payments into a business account."
    hits = findings_of(coach, "ownership.offer-only", "@jo " + OFFER + " ^JV", customer)
    assert [f.text for f in hits] == ["We apologize for the inconvenience"]
    assert not findings_of(coach, "ownership.offer-only", OFFER + " Which account is it?", customer)
    assert not findings_of(coach, "ownership.offer-only", OFFER, "All sorted now, thanks!")


@pytest.mark.parametrize("draft", [
    "Hi there. Buses leave from the north side of the station. Phil.",  # a direct answer
    "Those are the rules. I wouldn't risk it.",
])
def test_unowned_wants_a_hand_off_an_apology_or_a_promise_in_the_reply(coach, draft):
    customer = "do I really have to go round to the other side for the bus?? no staff anywhere!!!"
    assert not findings_of(coach, "ownership.unowned", draft, customer)
    assert findings_of(coach, "ownership.unowned", "For help, please visit our help site https://help.example.com",
                       "The app keeps logging me out and the help site didn't help at all.")
