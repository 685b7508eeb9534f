"""Property tests: whatever the draft, every finding's offsets slice the text to its `text`."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from replycoach import ReplycoachError

PHRASES = ["we apologise for any inconvenience", "obviously", "per our SLA", "soon", "{{first_name}}",
           "Dear valued customer,", "you should have", "https://example.com/a", "#A1234", "!!!",
           "firmware", "prior to", "has been shipped", "I'll", "Thanks", "\n\n", "<p>", "</p>", "&amp;",
           "On Mon, Jo wrote:\n> old", "PLEASE NOTE", "🙏", "ASAP", "—", "  ",
           "third time asking!!!", "sorry you feel that way", "DM us", "nobody answers", "call us", "lol"]

drafts = st.lists(st.one_of(st.sampled_from(PHRASES), st.text(max_size=30)), min_size=1, max_size=25).map(" ".join)


def _report_or_input_error(coach, draft, customer):
    """The report, or None when the input was refused with a coded input error (RC1xx)."""
    try:
        return coach.check(draft, customer=customer)
    except ReplycoachError as err:
        assert err.code.startswith("RC1")
        return None


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(draft=drafts, customer=st.one_of(st.none(), drafts))
def test_offsets_slice_to_text(coach, draft, customer):
    report = _report_or_input_error(coach, draft, customer)
    if report is None:
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
def test_any_bytes_give_a_report_or_a_coded_error(coach, data):
    from replycoach.text import decode_bytes

    try:
        coach.check(decode_bytes(data))
    except ReplycoachError as err:
        assert err.code.startswith("RC1")


# Long runs of one character or of symbols (segmented before tokenising), shouting (matched
# greedily), and lone surrogates (replaced one for one): offsets must still slice the text.
RUNS = st.builds(lambda unit, n: unit * n,
                 st.sampled_from(["%", "!", ")", '"', "_", "🙏", "😀😡", "PLEASE ", "ASAP ", "-", "\ud800", "a"]),
                 st.integers(min_value=1, max_value=120))
hostile = st.lists(st.one_of(st.sampled_from(PHRASES), RUNS, st.text(max_size=20)),
                   min_size=1, max_size=12).map("".join)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(draft=hostile, customer=st.one_of(st.none(), hostile))
def test_offsets_survive_runs_and_surrogates(coach, draft, customer):
    from replycoach.text import replace_unencodable

    report = _report_or_input_error(coach, draft, customer)
    if report is None:
        return
    report.to_json().encode("utf-8")
    if report.input_format == "text":
        assert report.text == replace_unencodable(draft)[0]
    for f in report.findings:
        assert 0 <= f.start <= f.end <= len(report.text)
        assert report.text[f.start:f.end] == f.text
        for fix in f.fixes:
            assert 0 <= fix.start <= fix.end <= len(report.text)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from("%!_)a 🙏\n"), max_size=300))
def test_segmenting_runs_keeps_every_other_character(text):
    from replycoach.text import _RUN, _segment_runs

    segmented = _segment_runs(text)
    assert len(segmented) == len(text)
    assert all(a == b or (b == " " and a in "%!_)🙏") for a, b in zip(text, segmented, strict=True))
    assert all(len(chunk) <= _RUN for chunk in segmented.split() if not any(c.isalnum() for c in chunk))


spans = st.tuples(st.integers(0, 40), st.integers(0, 8)).map(lambda p: (p[0], p[0] + p[1]))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(spans, st.sampled_from(["tone", "jargon"]),
                          st.sampled_from(["error", "warning", "suggestion"]), st.booleans()), max_size=25))
def test_dedupe_keeps_what_comparing_every_pair_keeps(raw):
    """The linear de-duplication keeps exactly what the pairwise comparison it replaced kept."""
    from replycoach.models import Finding
    from replycoach.scoring import dedupe

    findings = [Finding(rule=f"{cat}.{'w' if word else 's'}{i % 3}", category=cat, severity=sev, start=s, end=e,
                        text="", message="", why="") for i, ((s, e), cat, sev, word) in enumerate(raw)]
    word_level = frozenset(f.rule for f in findings if ".w" in f.rule)
    ranked = sorted(findings, key=lambda f: (f.severity.rank, -(f.end - f.start), -len(f.suggestions), f.start))
    expected: list[Finding] = []
    for f in ranked:
        if f.rule in word_level and any(k.rule in word_level and k.category == f.category
                                        and k.start < f.end and f.start < k.end for k in expected):
            continue
        expected.append(f)
    assert dedupe(findings, word_level) == sorted(expected, key=lambda f: (f.start, f.end, f.rule))
