"""Notebook views (`_repr_html_`): every result a notebook shows renders as self-contained,
escaped HTML that reads without scripts."""

from __future__ import annotations

from html.parser import HTMLParser

from replycoach import Coach
from replycoach.batch import score_batch
from replycoach.render_html import report_html
from replycoach.summary import BatchSummary

DRAFT = "Dear valued customer, obviously we apologise for any inconvenience. The fee is < 5 & it ships soon."
CUSTOMER = "Late AGAIN!!!"


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)


def tags(html: str) -> list[str]:
    parser = _Tags()
    parser.feed(html)
    return parser.tags


def test_report_shows_severities_most_severe_first_and_escapes_the_draft():
    report = Coach().check(DRAFT, customer=CUSTOMER)
    html = report._repr_html_()
    assert "script" not in tags(html) and "is &lt; 5 &amp; it" in html
    shown = [s.split(">", 1)[1] for s in html.split('class="rc-severity"')[1:]]
    severities = [s[:s.index("<")] for s in shown]
    assert len(severities) == len(report.findings) > 0
    order = ["error", "warning", "suggestion"]
    assert [order.index(s) for s in severities] == sorted(order.index(s) for s in severities)
    assert "rc-severity" not in report_html(report)  # the service's and page's fragment is unchanged


def test_conversation_shows_each_turn_and_conversation_findings():
    conversation = Coach().check_conversation([("customer", "Where is my <b>parcel</b>?"),
                                               ("agent", "Obviously it ships soon.")])
    html = conversation._repr_html_()
    assert "turn 0: customer" in html and "turn 1: agent" in html and "score" in html
    assert "script" not in tags(html) and "b" not in tags(html)[:1]
    assert all(f.rule in html for f in conversation.findings)


def test_rewrite_marks_what_changed_before_and_after():
    rewrite = Coach().rewrite(DRAFT, customer=CUSTOMER)
    html = rewrite._repr_html_()
    assert rewrite.edits and "del" in tags(html) and "ins" in tags(html)
    assert f"score {rewrite.before.score} → {rewrite.after.score}" in html
    assert "script" not in tags(html) and "is &lt; 5 &amp; it" in html
    removed = next(e for e in rewrite.edits if e.end > e.start)
    assert f">{rewrite.before.text[removed.start:removed.end]}</del>".replace("'", "&#x27;") in html


def test_batch_summary_and_run_show_counts_gaps_and_groups():
    run = score_batch(Coach(), [{"id": "a", "agent": "<ann>", "text": "Thanks for waiting, it ships today."},
                               {"id": "b", "text": ""}])
    results = list(run)
    assert len(results) == 2
    html = run._repr_html_()
    assert "read 2, scored 1, failed 1" in html and "&lt;ann&gt;" in html and "<ann>" not in html
    assert "no weekly trend" in html  # no time column: said, not left blank
    assert "table" in tags(html) and "script" not in tags(html)
    assert "table" not in tags(BatchSummary()._repr_html_())
