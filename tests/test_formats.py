"""Output formats: SARIF's required structure, GitHub's escaping, and lines and columns that
point into the file as written."""

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from replycoach.errors import InputError
from replycoach.formats import Checked, concise_lines, github_lines, sarif

jsonschema = pytest.importorskip("jsonschema")

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"

# The parts of the SARIF 2.1.0 schema (OASIS) a consumer relies on: what the spec requires of a
# log, a run, a tool component, a result, a location and a region, and the levels it allows.
_TEXT = {"type": "object", "required": ["text"], "properties": {"text": {"type": "string", "minLength": 1}}}
SARIF_ESSENTIALS = {
    "type": "object",
    "required": ["version", "runs"],
    "properties": {
        "version": {"const": "2.1.0"},
        "$schema": {"type": "string", "format": "uri"},
        "runs": {"type": "array", "minItems": 1, "items": {
            "type": "object",
            "required": ["tool"],
            "properties": {
                "tool": {"type": "object", "required": ["driver"], "properties": {"driver": {
                    "type": "object", "required": ["name"],
                    "properties": {"name": {"type": "string"}, "rules": {"type": "array", "items": {
                        "type": "object", "required": ["id"],
                        "properties": {"id": {"type": "string"}, "shortDescription": _TEXT, "fullDescription": _TEXT,
                                       "defaultConfiguration": {"type": "object", "properties": {
                                           "level": {"enum": ["none", "note", "warning", "error"]}}}}}}}}}},
                "columnKind": {"enum": ["utf16CodeUnits", "unicodeCodePoints"]},
                "invocations": {"type": "array", "items": {"type": "object", "required": ["executionSuccessful"]}},
                "results": {"type": "array", "items": {
                    "type": "object",
                    "required": ["message", "ruleId", "level", "locations"],
                    "properties": {
                        "message": _TEXT,
                        "level": {"enum": ["none", "note", "warning", "error"]},
                        "ruleIndex": {"type": "integer", "minimum": 0},
                        "locations": {"type": "array", "minItems": 1, "items": {
                            "type": "object", "required": ["physicalLocation"],
                            "properties": {"physicalLocation": {
                                "type": "object", "required": ["artifactLocation", "region"],
                                "properties": {
                                    "artifactLocation": {"type": "object", "required": ["uri"]},
                                    "region": {"type": "object",
                                               "required": ["startLine", "startColumn", "endLine", "endColumn"],
                                               "properties": {k: {"type": "integer", "minimum": 1} for k in (
                                                   "startLine", "startColumn", "endLine", "endColumn")}}}}}}},
                    }}},
            }}},
    },
}


@pytest.fixture(scope="module")
def html_checked(coach):
    source = (EXAMPLES / "drafts" / "chat-reply.html").read_text(encoding="utf-8")
    return Checked(path="examples/drafts/chat-reply.html", source=source, report=coach.check(source))


def test_html_findings_point_at_the_line_of_the_file_as_written(html_checked):
    """'Your guess is as good as mine' is on line 4 of chat-reply.html, after its '<p>' (the
    cleaned text has it on line 5)."""
    lines = html_checked.source.splitlines()
    deflection = next(f for f in html_checked.report.findings if f.text == "Your guess is as good as mine")
    at = html_checked.region(deflection.start, deflection.end)
    assert (at.line, at.column, at.end_line, at.end_column) == (4, 4, 4, 33)
    assert lines[3][at.column - 1:at.end_column - 1] == "Your guess is as good as mine"
    for f in html_checked.report.findings:  # every span lands on its own words, entities decoded
        at = html_checked.region(f.start, f.end)
        if at.line == at.end_line and f.text:
            assert lines[at.line - 1][at.column - 1:at.end_column - 1].replace("&mdash;", "—") == f.text


def test_sarif_has_the_required_structure_and_rule_metadata(coach, html_checked):
    broken = Checked(path="bad.txt", error=InputError("bad.txt is empty", code="RC101"))
    log = sarif([html_checked, broken], rules=coach.rules, version="9.9")
    jsonschema.validate(log, SARIF_ESSENTIALS)
    run = log["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert {r["id"] for r in rules} == {r.id for r in coach.rules}
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
    levels = {r["ruleId"]: r["level"] for r in run["results"]}
    assert levels["tone.shouting"] == "warning" and levels["tone.condescension"] == "note"
    assert run["invocations"][0]["executionSuccessful"] is False
    assert run["invocations"][0]["toolExecutionNotifications"][0]["descriptor"]["id"] == "RC101"


def test_github_annotations_escape_data_and_properties(coach):
    source = "Obviously, 100% done,\nreally: MUST"
    report = coach.check(source)
    lines = list(github_lines([Checked(path="a,b:c.txt", source=source, report=report)]))
    assert lines and all(line.startswith(("::notice ", "::warning ", "::error ")) for line in lines)
    assert all("file=a%2Cb%3Ac.txt,line=" in line and "\n" not in line for line in lines)
    shouting = next(line for line in lines if "title=tone.shouting" in line)
    assert "line=2,col=9,endColumn=13" in shouting
    from replycoach.formats import _gh_data, _gh_property

    assert _gh_data("50%\r\nnext") == "50%25%0D%0Anext"
    assert _gh_property("a: b, c%") == "a%3A b%2C c%25"


_WORDS = st.sampled_from(["Obviously", "you", "MUST", "reboot", "the", "router", "ASAP", "!!!", "thanks",
                          "per our SLA", "Dear valued customer,", "\n", "\n\n", "  ", "café", "😀"])


@settings(max_examples=40, deadline=None)
@given(st.lists(_WORDS, min_size=3, max_size=30))
def test_every_line_and_column_lands_on_the_finding_in_plain_text(coach, words):
    source = " ".join(words)
    try:
        report = coach.check(source, input_format="text")
    except InputError:
        return  # not a draft (empty, not English): nothing to place
    checked = Checked(path="draft.txt", source=source, report=report)
    lines = source.split("\n")
    for f, line in zip(report.findings, concise_lines([checked]), strict=True):
        at = checked.region(f.start, f.end)
        assert line.startswith(f"draft.txt:{at.line}:{at.column}: ")
        if at.line == at.end_line:
            assert lines[at.line - 1][at.column - 1:at.end_column - 1] == f.text
        else:
            assert lines[at.line - 1][at.column - 1:] == f.text.split("\n")[0]
            assert lines[at.end_line - 1][:at.end_column - 1] == f.text.split("\n")[-1]


def test_json_of_one_input_is_the_report_and_of_several_an_array(coach, capsys):
    from rich.console import Console

    from replycoach.formats import render

    report = coach.check("Thanks! Your order ships today.")
    one = Checked(path="a.txt", source=report.text, report=report)
    render([one], "json", console=Console())
    assert json.loads(capsys.readouterr().out) == report.to_dict()
    render([one, Checked(path="b.txt", error=InputError("b.txt is empty", code="RC101"))], "json", console=Console())
    many = json.loads(capsys.readouterr().out)
    assert [m["path"] for m in many] == ["a.txt", "b.txt"] and many[1]["error"]["code"] == "RC101"
