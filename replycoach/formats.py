"""`check` results in the formats editors, CI and code-scanning tools read.

    text     findings in context, for a person at a terminal
    json     the report object for one input; an array of them, each with its `path`, for several
    jsonl    one such object per line
    concise  `path:line:col: severity rule-id message`, one line per finding
    sarif    SARIF 2.1.0, for code-scanning UIs
    github   GitHub Actions workflow commands (`::warning file=...::message`): annotations on a PR

Lines and columns (1-based, in characters) point into the file as written: for HTML the
report's offsets, which refer to the cleaned text, are mapped back through `source_offsets`.
"""

from __future__ import annotations

import bisect
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any, NamedTuple

from .errors import ReplycoachError

if TYPE_CHECKING:
    from rich.console import Console

    from .models import Finding, Report
    from .rewrite import Rewrite
    from .rules.schema import Rule

__all__ = ["FORMATS", "Checked", "Region", "render"]

FORMATS = ("text", "json", "jsonl", "concise", "sarif", "github")
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_SARIF_LEVEL = {"error": "error", "warning": "warning", "suggestion": "note"}
_GITHUB_LEVEL = {"error": "error", "warning": "warning", "suggestion": "notice"}


class Region(NamedTuple):
    """Where a span is in the file as written: 1-based lines and columns, the end column past
    the span's last character (as SARIF counts)."""

    line: int
    column: int
    end_line: int
    end_column: int


@dataclass(frozen=True)
class Checked:
    """One input's outcome: its report (and rewrite), or the coded error that stopped it."""

    path: str  # the name reported: a path, '-' or --stdin-filename, or EXPORT#title for a macro
    source: str = ""  # the input as written, which lines and columns count in
    report: Report | None = None
    error: ReplycoachError | None = None
    rewrite: Rewrite | None = None
    file: str | None = None  # a macro's export, for formats that name files
    line: int | None = None  # a macro's line in its export: every finding in it is placed there

    @property
    def failure(self) -> ReplycoachError:
        """Why an input without a report was not checked."""
        return self.error or ReplycoachError("not checked")

    @property
    def file_path(self) -> str:
        return self.file or self.path

    def region(self, start: int, end: int) -> Region:
        """The span [start, end) of the report's text, in the file as written."""
        if self.line is not None:
            return Region(self.line, 1, self.line, 1)
        return self._locate(start, end)

    @cached_property
    def _locate(self) -> Callable[[int, int], Region]:  # worked out once per input
        return _locator(self.source, self.report)


def _locator(source: str, report: Report | None) -> Callable[[int, int], Region]:
    from .text import source_end, source_offsets  # here, so that building the CLI's parser stays light

    text = report.text if report else source
    offsets = None if text == source else source_offsets(source, text)
    if offsets is None:  # plain text (offsets are the file's own) or, rarely, HTML that cannot be aligned
        source, offsets = text, None
    starts = [0, *(i + 1 for i, ch in enumerate(source) if ch == "\n")]

    def line_col(pos: int) -> tuple[int, int]:
        row = bisect.bisect_right(starts, pos) - 1
        return row + 1, pos - starts[row] + 1

    def locate(start: int, end: int) -> Region:
        if offsets is not None:
            start, end = offsets[start], (source_end(source, offsets[end - 1]) if end > start else offsets[start])
        return Region(*line_col(start), *line_col(end))

    return locate


def render(results: Sequence[Checked], fmt: str, *, console: Console | None, rules: Sequence[Rule[Any]] = (),
           version: str = "", many: bool | None = None) -> None:
    """Print the results in `fmt` (one of FORMATS); `many` (default: more than one result) makes
    json an array. `console` draws the text format and is unused by the others (which print())."""
    many = len(results) != 1 if many is None else many
    if fmt == "text":
        if console is None:
            raise ValueError("the text format needs a console")
        _text(results, console)
    elif fmt == "json":
        objects = [_json_object(r, with_path=many) for r in results]
        print(json.dumps(objects if many else objects[0], ensure_ascii=False))
    elif fmt == "jsonl":
        for r in results:
            print(json.dumps(_json_object(r, with_path=True), ensure_ascii=False))
    elif fmt == "concise":
        for line in concise_lines(results):
            print(line)
    elif fmt == "github":
        for line in github_lines(results):
            print(line)
    elif fmt == "sarif":
        print(json.dumps(sarif(results, rules=rules, version=version), ensure_ascii=False, indent=1))
    else:
        raise ValueError(f"unknown format {fmt!r}")


# --- json -----------------------------------------------------------------------------------

def _json_object(r: Checked, *, with_path: bool) -> dict[str, Any]:
    """The report's JSON form, with the rewrite inside it under "rewrite" (`--fix`); an input that
    could not be checked is {"path", "error": {"code", "message"}}."""
    if r.report is None:
        return {"path": r.path, "error": r.failure.to_dict()}
    data = {"path": r.path, **r.report.to_dict()} if with_path else r.report.to_dict()
    if r.rewrite is not None:
        data["rewrite"] = json.loads(r.rewrite.to_json())
    return data


# --- one line per finding -------------------------------------------------------------------

def _titled(r: Checked, message: str) -> str:
    """A macro's findings name the macro: its export and line are all the path says."""
    return f"[{r.path.partition('#')[2]}] {message}" if r.line is not None else message


def _printable(text: str) -> str:
    """`render_terminal.printable`, imported on first use: `replycoach --help` loads no rich."""
    from .render_terminal import printable

    return printable(text)


def _one_line(text: str) -> str:
    return _printable(" ".join(text.split()))


def concise_lines(results: Iterable[Checked]) -> Iterable[str]:
    """`path:line:col: severity rule-id message`; an input that could not be checked is one
    `path:1:1: error CODE message` line."""
    for r in results:
        if r.report is None:
            err = r.failure
            remedy = f"; {err.remedy}" if err.remedy else ""
            yield f"{_printable(r.file_path)}:{r.line or 1}:1: error {err.code} {_one_line(err.message + remedy)}"
            continue
        for f in r.report.findings:
            at = r.region(f.start, f.end)
            yield (f"{_printable(r.file_path)}:{at.line}:{at.column}: {f.severity.value} {f.rule} "
                   f"{_one_line(_titled(r, f.message))}")


def _gh_data(text: str) -> str:
    return _printable(text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A"))


def _gh_property(text: str) -> str:
    return _gh_data(text).replace(":", "%3A").replace(",", "%2C")


def github_lines(results: Iterable[Checked]) -> Iterable[str]:
    """Workflow commands GitHub Actions turns into annotations: error, warning, notice (a suggestion)."""
    for r in results:
        if r.report is None:
            yield (f"::error file={_gh_property(r.file_path)},line={r.line or 1},title={_gh_property(r.failure.code)}"
                   f"::{_gh_data(str(r.failure))}")
            continue
        for f in r.report.findings:
            at = r.region(f.start, f.end)
            where = f"file={_gh_property(r.file_path)},line={at.line},col={at.column}"
            if at.end_line != at.line:
                where += f",endLine={at.end_line}"
            else:  # GitHub reads endColumn only on a one-line annotation
                where += f",endColumn={at.end_column}"
            yield (f"::{_GITHUB_LEVEL[f.severity.value]} {where},title={_gh_property(f.rule)}"
                   f"::{_gh_data(_titled(r, f.message) + ' ' + f.why)}")


# --- SARIF 2.1.0 ----------------------------------------------------------------------------

def sarif(results: Sequence[Checked], *, rules: Sequence[Rule[Any]], version: str) -> dict[str, Any]:
    """One run of replycoach: the loaded rules as the driver's rules, a result per finding, and
    a notification per input that could not be checked (the run then did not succeed)."""
    index = {rule.id: i for i, rule in enumerate(rules)}
    out: list[dict[str, Any]] = []
    notes: list[dict[str, Any]] = []
    for r in results:
        if r.report is None:
            notes.append({"level": "error", "message": {"text": str(r.failure)},
                          "descriptor": {"id": r.failure.code},
                          "locations": [{"physicalLocation": {"artifactLocation": {"uri": _uri(r.file_path)}}}]})
            continue
        out.extend(_sarif_result(r, f, index) for f in r.report.findings)
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "replycoach", "version": version, "semanticVersion": version,
                                "informationUri": "https://pypi.org/project/replycoach/",
                                "rules": [_sarif_rule(rule) for rule in rules]}},
            "columnKind": "unicodeCodePoints",
            "invocations": [{"executionSuccessful": not notes, "toolExecutionNotifications": notes}],
            "results": out,
        }],
    }


def _uri(path: str) -> str:
    """A relative reference as SARIF wants it: forward slashes, and no characters a URI forbids."""
    from urllib.parse import quote

    return quote(path.replace("\\", "/"), safe="/:@-._~!$&'()*+,;=")


def _sarif_rule(rule: Rule[Any]) -> dict[str, Any]:
    spec = rule.spec
    data: dict[str, Any] = {
        "id": rule.id,
        "name": "".join(part.title() for part in rule.id.replace("-", ".").split(".")),
        "shortDescription": {"text": spec.message.replace("{match}", "…")},
        "fullDescription": {"text": spec.why},
        "defaultConfiguration": {"level": _SARIF_LEVEL[rule.severity.value]},
        "properties": {"category": rule.category, "kind": spec.kind, "tags": [rule.category]},
    }
    if spec.link:
        data["helpUri"] = spec.link
    return data


def _sarif_result(r: Checked, f: Finding, index: dict[str, int]) -> dict[str, Any]:
    at = r.region(f.start, f.end)
    region = {"startLine": at.line, "startColumn": at.column, "endLine": at.end_line, "endColumn": at.end_column}
    if f.text and r.line is None:
        region["snippet"] = {"text": f.text}
    result: dict[str, Any] = {
        "ruleId": f.rule,
        "level": _SARIF_LEVEL[f.severity.value],
        "message": {"text": _titled(r, f.message) + (f" {f.why}" if f.why else "")},
        "locations": [{"physicalLocation": {"artifactLocation": {"uri": _uri(r.file_path)}, "region": region}}],
        "properties": {"category": f.category},
    }
    if f.rule in index:
        result["ruleIndex"] = index[f.rule]
    if r.line is not None:
        result["locations"][0]["logicalLocations"] = [{"name": r.path.partition("#")[2], "kind": "macro"}]
    return result


# --- text -----------------------------------------------------------------------------------

def _text(results: Sequence[Checked], console: Console) -> None:
    from rich.markup import escape

    from .render_terminal import print_report

    for i, r in enumerate(results):
        if i:
            console.print()
        if r.report is None:
            console.print(f"[bold]{escape(_printable(r.path))}[/bold]: [red]not checked[/red]: "
                          f"{escape(_printable(str(r.failure)))}")
            continue
        if len(results) > 1:
            console.print(f"[bold underline]{escape(_printable(r.path))}[/bold underline]")
        print_report(r.report, console, name="draft" if r.path == "-" else r.file_path,
                     where=lambda f, r=r: r.region(f.start, f.end)[:2])  # type: ignore[misc]
        if r.rewrite is not None:
            console.print(f"\n[bold]Rewritten ({r.rewrite.before.score} -> {r.rewrite.after.score}):[/bold]")
            console.print(_printable(r.rewrite.text), markup=False, highlight=False)
    if len(results) > 1:
        failed = sum(1 for r in results if r.report is not None and not r.report.passed)
        broken = sum(1 for r in results if r.report is None)
        console.print(f"\n{len(results)} checked: {len(results) - failed - broken} passed, {failed} failed"
                      + (f", {broken} could not be checked" if broken else ""))
