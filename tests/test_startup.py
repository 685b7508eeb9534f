"""Commands that never check a draft must not import the checking stack (spaCy alone costs over
half a second): each runs in a fresh interpreter, which then reports what it imported."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from .conftest import ROOT

HEAVY = ("spacy", "thinc", "vaderSentiment", "wordfreq", "textstat", "fastapi", "uvicorn")

PROBE = """
import contextlib, io, json, sys
from replycoach.cli import main
with contextlib.redirect_stdout(io.StringIO()):
    try:
        status = main(sys.argv[1:])
    except SystemExit as exit:
        status = exit.code
print(json.dumps({"status": status, "modules": sorted(sys.modules)}))
"""


def _imported_by(*argv: str) -> tuple[int, set[str]]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    out = subprocess.run([sys.executable, "-c", PROBE, *argv], cwd=ROOT, env=env, capture_output=True,
                         text=True, check=True)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    return result["status"], {m.partition(".")[0] for m in result["modules"]}


@pytest.mark.parametrize("argv", [("--version",), ("--help",), ("schema",), ("rules", "list"),
                                  ("rules", "show", "tone.blame"), ("rules", "show", "empathy.gap")])
def test_commands_that_check_nothing_import_nothing_heavy(argv: tuple[str, ...]):
    status, modules = _imported_by(*argv)
    assert status == 0
    assert not modules & set(HEAVY), sorted(modules & set(HEAVY))


@pytest.mark.parametrize("argv", [("--version",), ("--help",)])
def test_version_and_help_load_neither_pydantic_nor_rich(argv: tuple[str, ...]):
    """The whole command then starts in well under 0.15 s (0.07 s measured, from 1.0 s)."""
    status, modules = _imported_by(*argv)
    loaded = modules & {"pydantic", "rich", "regex"}
    assert status == 0 and not loaded, sorted(loaded)


def test_importing_the_package_is_light_and_its_names_still_resolve():
    code = ("import sys, replycoach; light = 'spacy' not in sys.modules; "
            "print(light, replycoach.Coach.__module__, replycoach.Severity.__module__, "
            "sorted(set(replycoach.__all__) - set(dir(replycoach))))")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["True", "replycoach.coach", "replycoach.models", "[]"]


def test_an_unknown_name_is_an_attribute_error():
    import replycoach

    with pytest.raises(AttributeError, match="no attribute 'Coah'"):
        replycoach.Coah  # noqa: B018


def test_a_check_imports_neither_spacys_command_line_nor_wordfreq_nor_yaml(tmp_path):
    """Nor PyYAML, once the compiled-pack cache holds the rule files' data."""
    draft = tmp_path / "draft.txt"
    draft.write_text("Hi Sam, thanks for waiting. I have refunded the charge today.\n^TB", encoding="utf-8")
    _imported_by("check", str(draft))  # fills the compiled-pack cache (the Zipf table among it)
    status, modules = _imported_by("check", str(draft))
    assert status == 0 and "spacy" in modules
    assert not modules & {"typer", "weasel", "requests", "wordfreq", "yaml"}


@pytest.mark.parametrize("fmt", ["json", "concise", "sarif"])
def test_a_check_in_a_machine_format_does_not_import_rich(tmp_path, fmt: str):
    draft = tmp_path / "draft.txt"
    draft.write_text("Hi Sam, thanks for waiting. I have refunded the charge today.\n^TB", encoding="utf-8")
    status, modules = _imported_by("check", "--format", fmt, str(draft))
    assert status == 0 and "spacy" in modules and "rich" not in modules


@pytest.mark.parametrize("code", [
    "import replycoach; replycoach.Coach(); import spacy.cli",  # spaCy imported by a Coach, then its CLI
    "import spacy.cli, replycoach; replycoach.Coach()",  # or the caller's own spaCy first
])
def test_spacys_command_line_is_the_real_one_whenever_it_is_imported(code: str):
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    out = subprocess.run([sys.executable, "-c", code + "; import spacy, sys; "
                          "print(spacy.cli.download.__module__, 'typer' in sys.modules, callable(spacy.info))"],
                         cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["spacy.cli.download", "True", "True"]


def test_python_dash_m_runs_the_same_command():
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = subprocess.run([sys.executable, "-m", "replycoach", "--version"], cwd=ROOT, env=env, capture_output=True,
                         text=True, timeout=60)
    assert out.returncode == 0 and out.stdout.startswith("replycoach ")
