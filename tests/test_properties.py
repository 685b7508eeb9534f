"""Property tests: whatever the draft, every finding's offsets slice the text to its `text`."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from replycoach import Coach, ReplycoachError

_COACH = Coach()

PHRASES = ["we apologise for any inconvenience", "obviously", "per our SLA", "soon", "{{first_name}}",
           "Dear valued customer,", "you should have", "https://example.com/a", "#A1234", "!!!",
           "firmware", "prior to", "has been shipped", "I'll", "Thanks", "\n\n", "<p>", "</p>", "&amp;",
           "On Mon, Jo wrote:\n> old", "PLEASE NOTE", "🙏", "ASAP", "—", "  ",
           "third time asking!!!", "sorry you feel that way", "DM us", "nobody answers", "call us", "lol"]

drafts = st.lists(st.one_of(st.sampled_from(PHRASES), st.text(max_size=30)), min_size=1, max_size=25).map(" ".join)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(draft=drafts, customer=st.one_of(st.none(), drafts))
def test_offsets_slice_to_text(draft, customer):
    try:
        report = _COACH.check(draft, customer=customer)
    except ReplycoachError as err:
        assert err.code.startswith("RC1")
        return
    for f in report.findings:
        assert 0 <= f.start <= f.end <= len(report.text)
        assert report.text[f.start:f.end] == f.text
        if f.evidence is not None:  # a learned finding fired because it passed its threshold
            assert f.evidence.threshold <= f.evidence.probability <= 1
    for s in report.strengths:
        assert report.text[s.start:s.end] == s.text
    assert 0 <= report.score <= 100
    assert report.metrics.customer_upset_p is None or 0 <= report.metrics.customer_upset_p <= 1
    if report.input_format == "text":
        assert report.text == draft


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=200))
def test_any_bytes_give_a_report_or_a_coded_error(data):
    from replycoach.text import decode_bytes

    try:
        _COACH.check(decode_bytes(data))
    except ReplycoachError as err:
        assert err.code.startswith("RC1")
