from replycoach.models import Finding, Severity, Strength
from replycoach.scoring import score

W = {Severity.suggestion: 2.0, Severity.warning: 6.0, Severity.error: 20.0}


def finding(rule, category, severity):
    return Finding(rule=rule, category=category, severity=severity, start=0, end=1, text="x",
                   message="m", why="w")


def test_clean_reply_scores_100():
    result = score([], [], words=50, weights=W, threshold=70, word_level=set())
    assert result.overall == 100 and result.passed and set(result.categories.values()) == {100}


def test_word_level_findings_scale_with_length_presence_findings_do_not():
    fs = [finding("tone.blame", "tone", Severity.warning), finding("gratitude.thanks", "gratitude",
                                                                    Severity.warning)]
    short = score(fs, [], words=100, weights=W, threshold=70, word_level={"tone.blame"})
    long = score(fs, [], words=300, weights=W, threshold=70, word_level={"tone.blame"})
    assert short.categories["tone"] == 94 and long.categories["tone"] == 98
    assert short.categories["gratitude"] == long.categories["gratitude"] == 94
    assert short.overall == 100 - 6 - 6


def test_errors_fail_and_strengths_credit_capped():
    fs = [finding("canned.placeholders", "canned", Severity.error)]
    s = Strength(rule="ownership.clear", category="ownership", start=0, end=1, text="x", message="m")
    result = score(fs, [s, s, s], words=20, weights=W, threshold=10, word_level=set())
    assert not result.passed and result.overall == 80
    assert result.categories["ownership"] == 100


def test_scores_are_clamped():
    fs = [finding("tone.blame", "tone", Severity.error)] * 10
    result = score(fs, [], words=10, weights=W, threshold=70, word_level=set())
    assert result.categories["tone"] == 0 and result.overall == 0
