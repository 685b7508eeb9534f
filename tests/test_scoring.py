import pytest

from replycoach.models import Finding, Metrics, Report, Severity, Strength
from replycoach.scoring import conversation_score, score

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


def turn(score_, *findings):
    metrics = Metrics(grade=5.0, grade_target=8.0, words=20, sentences=2, channel="email")
    return Report(score=score_, passed=True, threshold=70, categories={}, metrics=metrics, findings=findings, text="x")


WARN = finding("conversation.thanks", "gratitude", Severity.warning)
ERROR = finding("canned.placeholders", "canned", Severity.error)


@pytest.mark.parametrize(("turns", "findings", "rule_weights", "expected"), [
    ([], [], None, (0, False)),  # no agent turn scored: nothing passes
    ([turn(90), turn(71)], [], None, (80, True)),  # the mean, rounded half to even
    ([turn(90), turn(80)], [WARN], None, (79, True)),  # less the unscaled weight of each finding
    ([turn(90), turn(80)], [WARN], {"conversation.thanks": 0.0}, (85, True)),  # a rule's own weight
    ([turn(75)], [WARN], None, (69, False)),  # under the threshold
    ([turn(10)], [WARN, WARN], None, (0, False)),  # clamped at 0
    ([turn(95, ERROR), turn(95)], [], None, (95, False)),  # an error in any turn fails it
    ([turn(95)], [ERROR], {"canned.placeholders": 0.0}, (95, False)),  # and a conversation-level one
])
def test_conversation_score(turns, findings, rule_weights, expected):
    assert conversation_score(turns, findings, weights=W, threshold=70, rule_weights=rule_weights) == expected
