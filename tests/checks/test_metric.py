"""The `metric` kind's per-channel limits (`above_by_channel`)."""

import pytest

from replycoach import RuleError

GRADE = """\
kind: metric
category: readability
severity: suggestion
measure: grade
above: channel
above_by_channel: {chat: 12}
min_words: 5
message: "grade {value} above {limit}"
why: Hard to read.
examples: {flag: [x], pass: [y]}
"""

# Flesch-Kincaid grade about 9: above the email policy's 8, below the chat limit of 12.
DRAFT = "Your subscription renewal was declined by the issuing bank, so please contact them directly today."


def findings(report):
    return [f.message for f in report.findings if f.rule == "team.g"]


def test_a_channel_listed_uses_its_own_limit_and_others_the_channel_policy(pack_coach):
    coach = pack_coach(g=GRADE)
    email = coach.check(DRAFT, channel="email")
    assert 8 < email.metrics.grade < 12
    assert findings(email) == [f"grade {email.metrics.grade} above 8.0"]
    assert findings(coach.check(DRAFT, channel="chat")) == []


def test_a_band_is_required(pack_coach):
    with pytest.raises(RuleError):
        pack_coach(g=GRADE.replace("above: channel\n", "").replace("above_by_channel: {chat: 12}\n", ""))
