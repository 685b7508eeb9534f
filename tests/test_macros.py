"""Macro exports: CSV, JSON and Zendesk's shape read; template variables are not unfilled slots."""

import json

import pytest

from replycoach.errors import InputError
from replycoach.macros import Macro, check_macro, check_macros, read_macros, templated

BODY = ("Hi {{ticket.requester.first_name}},\n\nThanks for writing in. Your order {ticket.id} ships today."
        "{% if ticket.priority == 'urgent' %} I'll call you by 5pm.{% endif %}\n\n{{current_user.name}}")


def test_csv_finds_title_and_body_columns_and_the_line_each_macro_starts_on():
    data = 'Title,Content,tags\n"Refund","Hi {{x}},\nthanks",a\n\nShipping,"Dear valued customer",b\n'
    macros = read_macros(data, name="export.csv")
    assert macros == [Macro("Refund", "Hi {{x}},\nthanks", 2), Macro("Shipping", "Dear valued customer", 5)]
    with pytest.raises(InputError) as err:
        read_macros("title,notes\nA,B\n", name="export.csv")
    assert err.value.code == "RC107" and "columns are: title, notes" in err.value.message


def test_json_lists_and_zendesk_exports():
    plain = json.dumps([{"title": "A", "text": "Hi"}, {"title": "B", "body": "Bye"}], indent=1)
    assert [(m.title, m.body, m.line) for m in read_macros(plain, name="m.json")] == [("A", "Hi", 3), ("B", "Bye", 7)]
    zendesk = json.dumps({"macros": [
        {"title": "Close", "actions": [{"field": "status", "value": "solved"}]},
        {"title": "Refund", "actions": [{"field": "status", "value": "solved"},
                                        {"field": "comment_value", "value": "Thanks, {{ticket.requester.name}}!"}]},
    ]})
    assert read_macros(zendesk, name="export") == [Macro("Refund", "Thanks, {{ticket.requester.name}}!", 1)]
    with pytest.raises(InputError) as err:
        read_macros('{"macros": 3}', name="m.json")
    assert err.value.code == "RC107"


def test_stand_ins_map_back_onto_the_variables():
    t = templated("Hi {{ticket.requester.first_name}}, order {ticket.id}{% if x %} ok{% endif %}.")
    assert t.text == "Hi Alex, order #48213 ok."
    name = t.text.index("Alex")
    assert t.original[t.to_original(name):t.to_original(name + 4, end=True)] == "{{ticket.requester.first_name}}"
    assert t.original[t.to_original(0):t.to_original(name + 2, end=True)] == "Hi {{ticket.requester.first_name}}"
    ok = t.text.index(" ok")
    assert t.original[t.to_original(ok):t.to_original(ok + 3, end=True)] == " ok"


def test_template_variables_are_not_unfilled_slots_but_real_slots_are(coach):
    assert "canned.placeholders" in {f.rule for f in coach.check(BODY).findings}  # as a draft, they are
    report = check_macro(coach, Macro("Refund", BODY, 1))
    assert not {"canned.placeholders", "canned.unfilled-slot"} & {f.rule for f in report.findings}
    assert report.text == BODY
    slotted = check_macro(coach, Macro("Bad", "Hi [Customer Name], obviously {{ticket.id}} is late.", 1))
    found = {f.rule: f for f in slotted.findings}
    assert found["canned.placeholders"].text == "[Customer Name]"
    for f in slotted.findings:
        assert slotted.text[f.start:f.end] == f.text


def test_an_html_macro_is_checked_as_the_customer_reads_it(coach):
    html = "<p>Hi {{ticket.requester.first_name}},</p><p>Obviously it is fixed.</p>"
    report = check_macro(coach, Macro("H", html, 1))
    assert report.text.startswith("Hi {{ticket.requester.first_name}},")
    assert {f.text for f in report.findings if f.rule == "tone.condescension"} == {"Obviously"}


def test_one_entry_that_is_not_a_macro_fails_alone(coach):
    """A stray value in a JSON export refused the whole export; now it is one coded result, at
    its place, and the macros around it are checked."""
    data = json.dumps([{"title": "A", "body": "Thanks, it ships today."}, "junk", {"title": "B", "body": "Hi"}])
    results = list(check_macros(coach, read_macros(data, name="m.json")))
    assert [m.title for m, _ in results] == ["A", "macro 2", "B"]
    error = results[1][1]
    assert isinstance(error, InputError) and error.code == "RC107" and "not an object" in str(error)
    assert not isinstance(results[0][1], InputError) and not isinstance(results[2][1], InputError)


def test_a_macro_that_cannot_be_checked_says_which_it_is(coach):
    macros = read_macros("title,body\nRefund,Thanks it ships today\nEmpty,\n", name="m.csv")
    (_, ok), (_, empty) = check_macros(coach, macros)
    assert not isinstance(ok, InputError)
    assert isinstance(empty, InputError) and empty.code == "RC101" and "'Empty' (line 3)" in str(empty)
