"""Rule files written to take the machine (issue 14): each is refused at load with a coded,
one-line error naming file and line, before it costs memory or time.

Loads that would once have exhausted memory or hung run in a child process under an address-space
limit and a timeout, so a regression fails here instead of taking the machine down.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from replycoach import Coach, Config, RuleError
from replycoach.rules import loader
from replycoach.rules.loader import discover_packs, load_pack, shipped_packs_dir

ROOT = Path(__file__).resolve().parents[2]
MEMORY_LIMIT = 1 << 30  # a Coach with a small pack peaks near 280 MB of address space
TIME_LIMIT_S = 60

HEAD = """\
kind: {kind}
category: tone
message: "No."
why: Because.
"""
EXAMPLES = "examples: {flag: [x], pass: [y]}\n"


def rule(kind: str, body: str) -> str:
    return HEAD.format(kind=kind) + textwrap.dedent(body) + EXAMPLES


def load_error(pack: Path) -> RuleError:
    with pytest.raises(RuleError) as err:
        Coach(config=Config(shipped_packs=False), rules=[pack])
    assert "\n" not in str(err.value)
    return err.value


_CHILD = f"""
import resource, sys
resource.setrlimit(resource.RLIMIT_AS, ({MEMORY_LIMIT}, {MEMORY_LIMIT}))
from replycoach import Coach, Config, RuleError
try:
    Coach(config=Config(shipped_packs=False), rules=[sys.argv[1]])
except RuleError as err:
    print(err.code, err, sep="\\n")
else:
    print("loaded")
"""


def load_error_limited(pack: Path) -> tuple[str, str]:
    """Load `pack` in a child process capped in memory and time: its error's code and text."""
    done = subprocess.run([sys.executable, "-c", _CHILD, str(pack)], cwd=ROOT, capture_output=True,
                          text=True, timeout=TIME_LIMIT_S)
    assert done.returncode == 0, done.stderr[-2000:]
    code, _, message = done.stdout.strip().partition("\n")
    assert "\n" not in message
    return code, message


# --- regular expressions ---------------------------------------------------------------


def test_nested_counted_repeats_are_refused_before_compiling(make_pack):
    """35 characters that once compiled to 23 GB."""
    pack = make_pack(rx=rule("regex", "pattern: '(?:(?:(?:a{100}){100}){100}){100}'\n"))
    code, message = load_error_limited(pack)
    assert code == "RC204"
    assert f"{pack / 'rx.yaml'}:5:" in message and "10,000 atoms" in message


@pytest.mark.parametrize(("pattern", "says"), [
    ("a{1001}", "repeat count of 1001"),
    ("(" * 40 + "a" + ")" * 40, "32 deep"),
    ("(?|a|b)", "syntax only the regex module reads"),
    ("(", "invalid regular expression"),
])
def test_regex_bounds(make_pack, pattern, says):
    err = load_error(make_pack(rx=rule("regex", f"pattern: '{pattern}'\n")))
    assert err.code == "RC204" and str(err.place).endswith("rx.yaml:5") and says in str(err)


def test_regex_module_atoms_and_modest_repeats_still_load(pack_coach):
    coach = pack_coach(rx=rule("regex", r"pattern: '\p{Lu}{2,30}\s{1,3}(?:x{10}){100}'" + "\n"))
    assert [r.id for r in coach.rules] == ["team.rx"]


def test_counted_token_op_is_refused_before_spacy_unrolls_it(make_pack):
    pack = make_pack(op=rule("pattern", """\
        patterns:
          - [{LOWER: a, OP: "{10000000}"}]
        """))
    code, message = load_error_limited(pack)
    assert code == "RC204" and "10000000 tokens" in message and "op.yaml:5:" in message


@pytest.mark.parametrize(("ops", "says"), [
    (["+", "+", "+"], "3 open-ended repeats"),  # once 8.8 s on 8 KB of words, and a MemoryError on more
    (["*", "{2,}"], "2 open-ended repeats"),
    (["{1,16}"], "15 optional tokens"),
    (["?"] * 7, "7 optional tokens"),
])
def test_token_patterns_that_multiply_the_matchers_work_are_refused(make_pack, ops, says):
    tokens = ", ".join(f'{{IS_ALPHA: true, OP: "{op}"}}' for op in ops)
    err = load_error(make_pack(op=rule("pattern", f"patterns:\n  - [{tokens}]\n")))
    assert err.code == "RC204" and str(err.place).endswith("op.yaml:5") and says in str(err)


def test_one_open_repeat_and_a_few_optional_tokens_still_load(pack_coach):
    coach = pack_coach(op=rule("pattern", """\
        patterns:
          - [{LOWER: so, OP: "?"}, {IS_UPPER: true, OP: "+"}, {LOWER: a, OP: "{1,3}"}]
        """))
    assert [r.id for r in coach.rules] == ["team.op"]


# --- YAML ---------------------------------------------------------------------------------


def test_billion_laughs_in_an_in_list_is_refused(make_pack):
    """Anchors nested 9 deep under a pattern's IN list: once a 90 s hang in validate and check."""
    levels = ["&a [" + ", ".join(["lol"] * 10) + "]"]
    levels += [f"&{chr(98 + i)} [" + ", ".join([f"*{chr(97 + i)}"] * 10) + "]" for i in range(8)]
    body = "patterns:\n  - - LOWER:\n        IN:\n" + "".join(f"          - {level}\n" for level in levels)
    pack = make_pack(laughs=rule("pattern", body))
    assert len((pack / "laughs.yaml").read_bytes()) < 1000
    code, message = load_error_limited(pack)
    assert code == "RC210" and "100,000 YAML values" in message
    assert f"{pack / 'laughs.yaml'}:12:" in message  # &e, the first level past the limit


def test_an_alias_inside_itself_is_refused(make_pack):
    err = load_error(make_pack(loop=rule("phrases", "phrases: &p [a, *p]\n")))
    assert err.code == "RC210" and str(err.place).endswith("loop.yaml:5")


def test_duplicate_keys_are_refused_at_the_second(make_pack):
    err = load_error(make_pack(dup=rule("phrases", "phrases: [a]\nphrases: [b]\n")))
    assert err.code == "RC211" and str(err.place).endswith("dup.yaml:6") and "'phrases'" in str(err)


def test_duplicate_keys_are_found_in_nested_mappings(make_pack):
    body = "swap:\n  upon: 'on'\n  utilize: use\n  upon: after\n"
    err = load_error(make_pack(dup=rule("substitution", body)))
    assert err.code == "RC211" and str(err.place).endswith("dup.yaml:8")


@pytest.mark.parametrize("value", [".nan", ".inf", "-.inf"])
def test_nan_and_infinity_are_not_numbers_here(make_pack, value):
    err = load_error(make_pack(grade=rule("metric", f"measure: grade\nabove: {value}\n")))
    assert err.code == "RC202" and str(err.place).endswith("grade.yaml:6") and "finite" in str(err)


def test_a_yaml_symlink_that_loops_is_an_error(make_pack):
    pack = make_pack(good=rule("phrases", "phrases: [a]\n"))
    (pack / "loop.yaml").symlink_to(pack / "loop.yaml")
    err = load_error(pack)
    assert err.code == "RC212" and str(err.place) == f"{pack / 'loop.yaml'}:1"


@pytest.mark.parametrize("target", ["/dev/zero", "fifo"])
def test_a_yaml_entry_that_is_no_regular_file_is_an_error(make_pack, target):
    pack = make_pack(good=rule("phrases", "phrases: [a]\n"))
    if target == "fifo":
        os.mkfifo(pack / "fifo.yaml")  # opening it must not wait for a writer
    else:
        (pack / "zero.yaml").symlink_to(target)
    err = load_error(pack)
    assert err.code == "RC212" and str(err.place).endswith(".yaml:1")


def test_a_nul_byte_is_an_error_on_its_line(make_pack):
    err = load_error(make_pack(nul=rule("phrases", "phrases: [a\0b]\n")))
    assert err.code == "RC203" and str(err.place).endswith("nul.yaml:5") and "U+0000" in str(err)


def test_a_file_that_is_not_utf8_is_an_error_on_its_line(make_pack):
    pack = make_pack()
    (pack / "latin.yaml").write_bytes(rule("phrases", "phrases: [caf\xe9]\n").encode("latin-1"))
    err = load_error(pack)
    assert err.code == "RC203" and str(err.place).endswith("latin.yaml:5") and "0xe9" in str(err)


def test_a_file_over_the_size_limit_is_refused_unread(make_pack, monkeypatch):
    monkeypatch.setattr(loader, "MAX_FILE_BYTES", 200)
    err = load_error(make_pack(big=rule("phrases", "phrases: [" + ", ".join(["word"] * 50) + "]\n")))
    assert err.code == "RC210" and str(err.place).endswith("big.yaml:1")


def test_a_multi_line_spacy_error_is_one_line(make_pack):
    err = load_error(make_pack(bad=rule("pattern", "patterns:\n  - [{LOWRE: x}]\n")))
    assert err.code == "RC204" and "LOWRE" in str(err)  # load_error asserts one line


# --- phrase expansion ---------------------------------------------------------------------


FOUR = "{a|b|c|d}"


def test_a_file_of_102400_variants_is_refused_before_expanding(make_pack):
    """100 phrases of 1,024 variants each: once 4.2 s and 783 MB."""
    phrases = ", ".join(f"'w{i} {FOUR * 5}'" for i in range(100))
    pack = make_pack(many=rule("phrases", f"phrases: [{phrases}]\n"))
    code, message = load_error_limited(pack)
    assert code == "RC213" and f"{pack / 'many.yaml'}:5:" in message and "10,000 variants" in message


def test_a_file_of_100000_phrases_is_refused(make_pack):
    """Once 9.1 s and 870 MB; 100,000 list items pass the YAML size limit before the phrase one."""
    pack = make_pack(many=rule("phrases", "phrases: [" + ", ".join(f"w{i}" for i in range(100_000)) + "]\n"))
    code, message = load_error_limited(pack)
    assert code == "RC210" and f"{pack / 'many.yaml'}:" in message


def test_phrase_variants_count_across_a_files_lists(make_pack):
    body = f"phrases: ['{FOUR * 5}' ]\nexceptions: [{', '.join([repr(FOUR * 5)] * 9)}]\n"
    err = load_error(make_pack(split=rule("phrases", body)))
    assert err.code == "RC213" and str(err.place).endswith("split.yaml:6")  # exceptions: the most variants


def test_a_pack_over_its_variant_limit_names_the_file_that_passes_it(make_pack):
    files = {f"part{i}": rule("phrases", f"phrases: [{', '.join(repr(f'w{j} {FOUR * 5}') for j in range(8))}]\n")
             for i in range(4)}  # 8,192 variants each: 32,768 in the pack
    err = load_error(make_pack(**files))
    assert err.code == "RC213" and str(err.place).endswith("part3.yaml:1") and "25,000" in str(err)


def test_the_limits_sit_well_above_the_shipped_packs():
    packs = [load_pack(p) for p in discover_packs(shipped_packs_dir())]
    per_file = [sum(n for _, n in loader._variants(r.spec)) for p in packs for r in p.rules]
    per_pack = [sum(sum(n for _, n in loader._variants(r.spec)) for r in p.rules) for p in packs]
    assert 5 * max(per_file) < loader.MAX_FILE_VARIANTS and 5 * max(per_pack) < loader.MAX_PACK_VARIANTS
    sizes = [len(r.path.read_bytes()) for p in packs for r in p.rules]
    assert 20 * max(sizes) < loader.MAX_FILE_BYTES


# --- fix templates ------------------------------------------------------------------------


def passive(template: str) -> str:
    return rule("pattern", f"""\
        patterns:
          - [{{LOWER: processed}}]
        active:
          participles: [processed]
          templates:
            "has been": "we've {{participle}} {{subject}}"
            "was": "{template}"
        """)


@pytest.mark.parametrize(("template", "shown"), [
    ("{subject.__class__.__mro__} {participle.__doc__}", "{subject.__class__.__mro__}"),
    ("we {oops} {subject}", "{oops}"),
    ("we {participle!r} {subject}", "{participle!r}"),
    ("we {participle:>99999} {subject}", "{participle:>99999}"),
    ("we {} {subject}", "{}"),
    ("we {participle {subject}", "unexpected '{'"),
])
def test_active_voice_templates_take_only_their_placeholders(make_pack, template, shown):
    err = load_error(make_pack(passive=passive(template)))
    assert err.code == "RC214" and str(err.place).endswith("passive.yaml:11")
    assert shown in str(err) and "{participle}, {subject}" in str(err)


def test_rules_validate_refuses_a_bad_template_in_one_line(make_pack):
    pack = make_pack(passive=passive("we {oops} {subject}"))
    done = subprocess.run([sys.executable, "-m", "replycoach.cli", "rules", "validate", str(pack)], cwd=ROOT,
                          capture_output=True, text=True, timeout=TIME_LIMIT_S)
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.count("\n") == 1 and f"RC214 {pack / 'passive.yaml'}:11:" in done.stderr


def test_a_valid_active_voice_template_still_rewrites(pack_coach):
    coach = pack_coach(passive=passive("we {participle} {subject}"))
    fixes = [f.replacement for f in coach.check("Your refund was processed.").findings[0].fixes]
    assert "We processed your refund." in fixes
