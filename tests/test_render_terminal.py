"""The terminal view: a draft's own control characters are shown, never obeyed. Pasted text can
carry escape sequences (ESC ] 0 ; ... BEL retitles the terminal, ESC [ 2 J clears it) that a
report printed as they are would run in the agent's terminal."""

from __future__ import annotations

import io

from rich.console import Console

from replycoach.formats import Checked, concise_lines, github_lines
from replycoach.render_terminal import print_report, printable

DRAFT = "Obviously you should reboot the router. \x1b]0;PWNED\x07\x1b[2J\x9b31m Thanks!"


def test_printable_shows_each_control_as_a_symbol_one_for_one():
    assert printable("a\x1b[31mb\x07c\x7fd\x9be\tf\ng") == "a␛[31mb␇c␡d\ufffde\tf\ng"
    assert printable("plain café 😀") == "plain café 😀"


def test_a_report_in_the_terminal_carries_no_control_character_of_the_draft(coach):
    report = coach.check(DRAFT)
    assert report.findings
    out = io.StringIO()
    print_report(report, Console(file=out, color_system=None, width=200), name="bad\x1b[2Jname.txt")
    shown = out.getvalue()
    assert not set(shown) & {"\x1b", "\x07", "\x9b"} and "␛]0;PWNED␇" in shown and "bad␛[2Jname.txt" in shown


def test_one_line_formats_carry_no_control_character_either(coach):
    report = coach.check(DRAFT)
    checked = [Checked(path="a\x1b[2J.txt", source=DRAFT, report=report)]
    for line in [*concise_lines(checked), *github_lines(checked)]:
        assert not set(line) & {"\x1b", "\x07", "\x9b"}, line
