from replycoach.reuse import ReuseTracker, normalise

MACRO = "We'd like to take a further look into this with you, please DM us."


def test_a_lightly_edited_line_is_the_same_line():
    tracker = ReuseTracker()
    for text in (MACRO, "We'd like to take a look into this with you, please DM us.",
                 "We would like to take a further look into this with you, please DM us!"):
        tracker.add("bob", text)
    summary = tracker.summary()["bob"]
    assert summary["reuse_rate"] == 1.0
    assert summary["top"] == [{"text": MACRO, "count": 3}]


def test_lines_that_only_open_alike_stay_apart():
    tracker = ReuseTracker()
    for text in ("Thank you for your patience while we check the order.",
                 "Thank you for your message about the refund, it is done.",
                 "Thank you for waiting, your replacement ships on Monday."):
        tracker.add("bob", text)
    assert tracker.summary()["bob"]["reuse_rate"] == 0.0


def test_each_agent_has_their_own_lines():
    tracker = ReuseTracker(min_count=2)
    tracker.add("ann", MACRO)
    tracker.add("bob", MACRO)
    assert all(s["reuse_rate"] == 0.0 for s in tracker.summary().values())


def test_approved_macros_and_their_near_copies_are_not_reuse():
    tracker = ReuseTracker.with_macros([f"Hi there. {MACRO} Thanks for your patience with us today."])
    for text in (MACRO, "We'd like to take a look into this with you, please DM us.",
                 "Thanks for your patience with us today!"):
        for _ in range(3):
            tracker.add("bob", text)
    assert tracker.summary()["bob"]["reuse_rate"] == 0.0


def test_normalise_masks_what_changes_between_customers():
    assert normalise("Hi @jo, order #A123 ships 5/6! See https://x.co/a") == "hi user order 0 ships 0 0 see link"
