"""The shared renderer: one mark per flagged span, most severe finding first."""

from __future__ import annotations

import re

from replycoach import Coach
from replycoach.models import Finding, Report, Severity
from replycoach.render_html import highlighted


def _finding(rule: str, start: int, end: int, severity: str, text: str) -> Finding:
    return Finding(rule=rule, category=rule.split(".")[0], severity=Severity(severity), start=start, end=end,
                   text=text[start:end], message=f"{rule} fired", why="because")


def _report(coach: Coach, text: str, findings: list[Finding]) -> Report:
    return coach.check(text).model_copy(update={"findings": findings})  # these findings, on a real report


def test_findings_on_one_span_share_one_mark_most_severe_first(coach):
    text = "Obviously it ships soon."
    report = _report(coach, text, [_finding("tone.condescension", 0, 9, "suggestion", text),
                            _finding("readability.wordy", 0, 9, "warning", text),
                            _finding("ownership.vague-timeline", 19, 23, "warning", text)])
    html = highlighted(report)
    marks = re.findall(r"<mark [^>]*>", html)
    assert len(marks) == 2
    assert 'data-rules="readability.wordy tone.condescension"' in marks[0]
    assert 'data-rule="readability.wordy"' in marks[0] and 'data-severity="warning"' in marks[0]
    assert re.sub(r"<[^>]+>", "", html) == text


def test_a_sentence_wide_mark_holds_the_word_marks_and_a_partial_overlap_is_left_out(coach):
    text = "We will look into it soon. Thanks!"
    report = _report(coach, text, [_finding("ownership.unowned", 0, 26, "warning", text),
                            _finding("ownership.vague-timeline", 21, 25, "warning", text),
                            _finding("tone.x", 22, 30, "suggestion", text)])
    html = highlighted(report)
    assert html.count("<mark ") == 2 and html.index('data-rule="ownership.unowned"') < html.index("soon")
    assert re.sub(r"<[^>]+>", "", html) == text
