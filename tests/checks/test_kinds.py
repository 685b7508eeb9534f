"""Each rule kind on a one-rule pack: what it flags, where, and what it leaves alone."""

import pytest

from replycoach import Config, Severity

EXAMPLES = "examples: {flag: [x], pass: [y]}\n"


def rule(body: str) -> str:
    return body + EXAMPLES


def spans(report, rule_id="team.r"):
    return [f.text for f in report.findings if f.rule == rule_id]


def test_phrases_match_on_lemmas_and_alternations(pack_coach):
    coach = pack_coach(r=rule("""\
kind: phrases
category: canned
message: "Stock: {match}"
why: Robotic.
phrases: ["{we|I} apologize for any inconvenience"]
"""))
    report = coach.check("We apologised for any inconvenience. I apologise for any inconvenience.")
    assert spans(report) == ["We apologised for any inconvenience", "I apologise for any inconvenience"]
    assert report.findings[0].message == "Stock: We apologised for any inconvenience"


def test_phrases_skip_protected_spans_and_exceptions(pack_coach):
    coach = pack_coach(r=rule("""\
kind: phrases
category: ownership
message: "Vague: {match}"
why: Vague.
phrases: [soon]
exceptions: [talk soon]
"""))
    assert spans(coach.check("Done soon. Talk soon! See https://soon.example.com/soon")) == ["soon"]


def test_customer_terms_are_not_jargon(pack_coach):
    coach = pack_coach(r=rule("""\
kind: substitution
category: jargon
message: "Say {replacement}"
why: Jargon.
skip_if_customer_used: true
swap:
  firmware: {use: [software], explain: the software inside the device}
"""))
    assert spans(coach.check("Update the firmware.")) == ["firmware"]
    assert spans(coach.check("Update the firmware.", customer="Is my firmware old?")) == []
    f = coach.check("Update the firmware.").findings[0]
    assert f.suggestions == ("software", "firmware (the software inside the device)")


def test_pattern_kind(pack_coach):
    coach = pack_coach(r=rule("""\
kind: pattern
category: tone
message: "Shouting: {match}"
why: Loud.
patterns:
  - [{IS_UPPER: true, LENGTH: {">=": 3}}, {IS_UPPER: true, OP: "+"}]
"""))
    assert spans(coach.check("PLEASE READ THIS now.")) == ["PLEASE READ THIS"]


def test_pattern_needing_a_tagger_stays_silent_on_blank_english(pack_coach):
    coach = pack_coach(r=rule("""\
kind: pattern
category: tone
message: "Flagged: {match}"
why: It matters.
requires: [tagger]
patterns: [[{POS: VERB}]]
"""))
    assert spans(coach.check("I walked home.")) == []


def test_regex_kind_is_time_guarded(pack_coach):
    coach = pack_coach(r=rule("""\
kind: regex
category: tone
message: "Flagged: {match}"
why: It matters.
pattern: '(a|aa)+$'
"""))
    # Catastrophic backtracking on this input: the guard gives up instead of hanging, and says so.
    report = coach.check("Hello " + "a" * 5000 + "b there.")
    assert spans(report) == []
    assert report.metrics.unchecked_rules == ("team.r",)
    assert coach.check("Hello aa").metrics.unchecked_rules == ()


class _Descheduled:
    """A compiled pattern whose first search stops on the wall clock before using any CPU, as
    when a busy machine runs other processes for the whole time limit."""

    def __init__(self, pattern):
        self.pattern = pattern
        self.searches = 0

    def finditer(self, *args, **kwargs):
        self.searches += 1
        if self.searches == 1:
            raise TimeoutError("regex timed out")
        return self.pattern.finditer(*args, **kwargs)


def test_a_regex_search_stopped_by_a_busy_machine_is_resumed(pack_coach):
    """The limit is CPU time: a report must not depend on what else the machine runs."""
    coach = pack_coach(r=rule("""\
kind: regex
category: tone
message: "Flagged: {match}"
why: It matters.
pattern: '!{2,}'
"""))
    (check,) = [c for c in coach._checks if c.rule.id == "team.r"]
    check._pattern = slow = _Descheduled(check._pattern)
    report = coach.check("Thanks for waiting!! It ships today.")
    assert slow.searches == 2
    assert spans(report) == ["!!"] and report.metrics.unchecked_rules == ()


def test_required_fires_only_under_its_condition(pack_coach):
    coach = pack_coach(r=rule("""\
kind: required
category: empathy
message: "Acknowledge it."
why: Upset.
when: {customer_upset: true}
any: [sorry, I understand]
"""))
    upset = "This is the third time I've asked!!! Still nothing."
    assert spans(coach.check("Your refund went out.", customer=upset)) == ["Your refund went out."]
    assert spans(coach.check("I'm sorry. Your refund went out.", customer=upset)) == []
    assert spans(coach.check("Your refund went out.", customer="When is my refund due?")) == []
    assert spans(coach.check("Your refund went out.")) == []


def test_budget_scales_with_length(pack_coach):
    coach = pack_coach(r=rule("""\
kind: budget
category: empathy
message: "{count} apologies"
why: Too many.
phrases: [sorry]
max: 1
per_words: 20
"""))
    assert len(spans(coach.check("Sorry. So sorry. The order ships today."))) == 1
    long = "Sorry about that. " + "Your order ships today and arrives on Monday. " * 4 + "Sorry again."
    assert spans(coach.check(long)) == []


def test_metric_sentence_band(pack_coach):
    coach = pack_coach(r=rule("""\
kind: metric
category: readability
message: "grade {value} over {limit}"
why: Hard.
scope: sentence
measure: words
above: 10
"""))
    report = coach.check("Short one. This sentence has quite a lot more than ten words in it, really.")
    assert spans(report) == ["This sentence has quite a lot more than ten words in it, really."]


def test_metric_max_words_leaves_longer_sentences_to_another_tier(pack_coach):
    coach = pack_coach(r=rule("""\
kind: metric
category: readability
message: "{words} words"
why: Hard.
scope: sentence
measure: words
above: 5
max_words: 10
"""))
    report = coach.check("This one has seven words in it. This one has far more than ten words, so it is left alone.")
    assert spans(report) == ["This one has seven words in it."]


def test_metric_uses_channel_target(pack_coach):
    coach = pack_coach(r=rule("""\
kind: metric
category: readability
message: "grade {value} over {limit}"
why: Hard.
measure: grade
above: channel
"""))
    draft = "Your subscription renewal was unsuccessful because authorization was declined."
    assert spans(coach.check(draft, channel="chat"))
    assert coach.check(draft, channel="chat").findings[0].message.endswith("over 6.0")


def test_acronym_kind(pack_coach):
    coach = pack_coach(r=rule("""\
kind: acronym
category: jargon
message: "Spell out {match}"
known_message: "Spell out {match} ({expansion})"
why: Unknown.
allow: [OK]
known: {SLA: service level agreement}
"""))
    report = coach.check("OK, per the SLA and the ONT, the ONT is fine.")
    assert spans(report) == ["SLA", "ONT"]
    assert report.findings[0].message == "Spell out SLA (service level agreement)"
    assert spans(coach.check("Our service level agreement (SLA) covers it.")) == []
    assert spans(coach.check("The ONT is fine.", customer="My ONT light is red")) == []
    assert spans(coach.check("WE ARE CLOSED ON SUNDAY FOR STOCKTAKING.")) == []


def test_acronym_kind_reads_a_leading_digit_and_skips_model_codes_and_sizes(pack_coach):
    coach = pack_coach(r=rule("""\
kind: acronym
category: jargon
message: "Spell out {match}"
why: Unknown.
allow: [GB, PM]
"""))
    assert spans(coach.check("Turn on 2SV, then restart the PS4 and the S10.")) == ["2SV"]
    assert spans(coach.check("It needs 5GB and is done by 2PM.")) == []


def test_acronym_kind_rare_tier_keeps_to_rare_acronyms_of_its_lengths(pack_coach):
    coach = pack_coach(r=rule("""\
kind: acronym
category: jargon
message: "Spell out {match}"
why: Unknown.
rarer_than: 3.0
min_length: 3
max_length: 5
"""))
    # VPN (Zipf 3.4) is common enough; HSPA (2.2) is not; TD is too short, XFINITY too long.
    assert spans(coach.check("Your VPN is fine and the phone supports HSPA. TD. Open XFINITY.")) == ["HSPA"]


def test_rarity_kind_respects_threshold_allowlist_and_names(pack_coach):
    body = rule("""\
kind: rarity
category: jargon
message: "Rare: {match} ({zipf})"
why: Rare.
""")
    coach = pack_coach(r=body)
    report = coach.check("The reconciliation is perfunctory. Talk to Xanthippe.")
    assert spans(report) == ["perfunctory"]
    allowing = pack_coach(config=Config(allow=("perfunctory",)), r=body)
    assert spans(allowing.check("The reconciliation is perfunctory.")) == []


def test_credit_rules_add_strengths_not_findings(pack_coach):
    coach = pack_coach(r=rule("""\
kind: phrases
category: ownership
credit: true
message: "Owns it: {match}"
why: Ownership.
phrases: [I will]
"""))
    report = coach.check("I will call you by 5pm.")
    assert not report.findings
    assert [s.text for s in report.strengths] == ["I will"]


def test_config_relevels_and_disables_by_prefix(pack_coach):
    body = rule("""\
kind: phrases
category: tone
message: "Flagged: {match}"
why: It matters.
phrases: [obviously]
""")
    relevelled = pack_coach(config=Config(severity={"team": Severity.error}), r=body)
    assert relevelled.check("Obviously.").findings[0].severity is Severity.error
    disabled = pack_coach(config=Config(disable=("team.r",)), r=body)
    assert disabled.rules == ()


@pytest.mark.parametrize("scope, draft, hits", [
    ("opening", "Dear customer, thanks. Second sentence. Third: dear customer.", 1),
    ("closing", "Dear customer, thanks. Second sentence. Third. Fourth: dear customer.", 1),
])
def test_scopes(pack_coach, scope, draft, hits):
    coach = pack_coach(r=rule(f"""\
kind: phrases
category: canned
scope: {scope}
message: "Flagged: {{match}}"
why: It matters.
phrases: [dear customer]
"""))
    assert len(spans(coach.check(draft))) == hits


def test_when_customer_contains_reads_the_customers_message_on_lemmas(pack_coach):
    coach = pack_coach(r=rule("""\
kind: phrases
category: ownership
message: "Sent back: {match}"
why: They said it failed.
when:
  customer_contains: ["{can't|cannot} get through", "nobody {answers|picks up}"]
phrases: [call us]
"""))
    draft = "Please call us on 0800 123 456."
    assert spans(coach.check(draft, customer="I've called twice and nobody answered!")) == ["call us"]
    assert spans(coach.check(draft, customer="I cannot get through on the phone.")) == ["call us"]
    assert spans(coach.check(draft, customer="What's your phone number?")) == []
    assert spans(coach.check(draft)) == []


def test_phrases_once_reports_only_the_first_match(pack_coach):
    body = """\
kind: phrases
category: ownership
message: "Sent back: {match}"
why: They said it failed.
phrases: [call us, email us]
"""
    draft = "Please call us, or email us."
    assert spans(pack_coach(r=rule(body)).check(draft)) == ["call us", "email us"]
    assert spans(pack_coach(r=rule(body + "once: true\n")).check(draft)) == ["call us"]


@pytest.mark.parametrize("pattern, draft, expected", [
    # a repeat that ends a pattern is matched greedily: the longest match at each start
    ('[{LOWER: "so"}, {LOWER: "very", OP: "*"}]', "It is so very very good, so good.", ["so very very", "so"]),
    ('[{IS_UPPER: true, LENGTH: {">=": 3}}, {IS_UPPER: true, OP: "{2,}"}]', "READ THIS NOW OK. READ IT later.",
     ["READ THIS NOW OK"]),
    ('[{LOWER: "very", OP: "+"}]', "very very very good", ["very very very"]),
    # a repeat inside a pattern is matched in overlapping windows: short matches anywhere
    ('[{LOWER: "please"}, {OP: "*"}, {LOWER: "thanks"}]', "x " * 70 + "please do it thanks", ["please do it thanks"]),
])
def test_open_ended_repeats(pack_coach, pattern, draft, expected):
    coach = pack_coach(r=rule(f"""\
kind: pattern
category: tone
message: "Hit: {{match}}"
why: Test.
patterns:
  - {pattern}
"""))
    assert spans(coach.check(draft)) == expected


def test_an_inner_repeat_stays_linear_on_a_long_draft(pack_coach):
    """An inner repeat is matched in windows: four times the draft, four times the matches and
    about four times the CPU, where trying every pair would give sixteen (490,000 matches at 700
    pairs). Both are measured against the same process's own shorter draft, not a clock bound."""
    import time

    coach = pack_coach(r=rule("""\
kind: pattern
category: tone
message: "Hit: {match}"
why: Test.
patterns:
  - [{LOWER: "please"}, {OP: "*"}, {LOWER: "thanks"}]
"""))

    def matches(pairs: int) -> int:
        return len(coach._bank.run(coach.nlp("please thanks " * pairs))["team.r"])

    def cpu(pairs: int) -> float:
        draft = "please thanks " * pairs
        coach.check(draft)  # its words seen once, as for the other length
        runs = []
        for _ in range(3):
            start = time.thread_time()
            coach.check(draft)
            runs.append(time.thread_time() - start)
        return min(runs)

    assert matches(1400) <= 4.2 * matches(350)
    assert cpu(1400) < 10 * cpu(350)
    hits = spans(coach.check("please thanks " * 700))  # the longest match at a start reaches at most a window's end
    assert hits and all(h.startswith("please") and h.endswith("thanks") and len(h.split()) <= 64 for h in hits)
