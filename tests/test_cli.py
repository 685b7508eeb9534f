"""The command line: output formats, exit codes (0 pass, 1 fail, 2 usage/input/rules), no tracebacks."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from replycoach import SCHEMA_VERSION
from replycoach.cli import main

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_check_json_on_example(capsys):
    code, out, _ = run(capsys, "check", str(EXAMPLES / "drafts" / "late-refund.txt"),
                       "--customer", str(EXAMPLES / "customers" / "late-refund.txt"), "--format", "json")
    data = json.loads(out)
    assert code == 1 and not data["passed"]
    assert data["metrics"]["customer_upset"] is True
    assert {"canned.placeholders", "canned.openers"} <= {f["rule"] for f in data["findings"]}


def test_check_text_shows_span_message_and_scores(capsys):
    code, out, _ = run(capsys, "check", str(EXAMPLES / "drafts" / "router.txt"))
    assert "tone.blame" in out and "you should have" in out and "why:" in out and "→" in out
    assert "score" in out and "jargon" in out
    assert "\x1b[" not in out  # no colour when not a terminal


def test_good_example_passes(capsys):
    code, _, _ = run(capsys, "check", str(EXAMPLES / "drafts" / "late-refund-better.txt"),
                     "--customer", str(EXAMPLES / "customers" / "late-refund.txt"))
    assert code == 0


def test_min_score(capsys):
    draft = str(EXAMPLES / "drafts" / "late-refund.txt")
    code, out, _ = run(capsys, "check", draft, "--min-score", "0", "--format", "json")
    assert code == 1 and not json.loads(out)["passed"]  # an error-severity placeholder fails at any score
    better = str(EXAMPLES / "drafts" / "late-refund-better.txt")
    customer = str(EXAMPLES / "customers" / "late-refund.txt")
    code, out, _ = run(capsys, "check", better, "--customer", customer, "--min-score", "100", "--format", "json")
    assert (code == 0) == (json.loads(out)["score"] == 100)
    score = json.loads(out)["score"]
    assert run(capsys, "check", better, "--customer", customer, "--min-score", str(min(100, score + 1)))[0] == (
        0 if score == 100 else 1)
    code, _, err = run(capsys, "check", draft, "--min-score", "101")
    assert code == 2 and "RC303" in err


@pytest.mark.parametrize("content, code_text", [
    (b"", "RC101"), (b"\xff\xfe\x00\x00\x00binary\x00\x00", "RC10"), (b"caf\xe9 au lait", "RC103"),
])
def test_bad_files_exit_2_with_one_line(tmp_path, capsys, content, code_text):
    path = tmp_path / "draft.txt"
    path.write_bytes(content)
    code, out, err = run(capsys, "check", str(path))
    assert code == 2 and code_text in err and err.count("\n") == 1 and "Traceback" not in err


def test_missing_file_and_bad_usage(capsys):
    assert run(capsys, "check", "/no/such/draft.txt")[0] == 2
    code, out, err = run(capsys, "check", "/no/such/draft.txt", "--format", "json")
    assert code == 2 and out == "" and err.count("\n") == 1 and "RC106" in err  # one file: as ever
    with pytest.raises(SystemExit) as exit_:
        main(["check", "--format", "yaml"])
    assert exit_.value.code == 2


def test_encoding_option(tmp_path, capsys):
    path = tmp_path / "draft.txt"
    path.write_bytes("Thanks, the café order ships today.".encode("cp1252"))
    assert run(capsys, "check", str(path), "--encoding", "cp1252")[0] == 0


def test_schema_command_describes_the_json(capsys):
    code, out, _ = run(capsys, "schema")
    schema = json.loads(out)
    assert code == 0 and schema["$id"].endswith(f"report-{SCHEMA_VERSION}.json")
    assert {"score", "findings", "categories", "metrics"} <= set(schema["properties"])


def test_rules_list_show_validate_test(capsys):
    code, out, _ = run(capsys, "rules", "list")
    assert code == 0 and "tone.blame" in out
    code, out, _ = run(capsys, "rules", "show", "tone.blame")
    assert code == 0 and json.loads(out)["id"] == "tone.blame"
    assert run(capsys, "rules", "show", "tone.nope")[0] == 2
    pack = str(EXAMPLES / "team-pack")
    assert run(capsys, "rules", "validate", pack)[0] == 0
    code, out, _ = run(capsys, "rules", "test", pack)
    assert code == 0 and "0 failed" in out


def test_rules_validate_broken_pack(tmp_path, capsys):
    (tmp_path / "team").mkdir()
    (tmp_path / "team" / "x.yaml").write_text("kind: phrasez\n")
    code, _, err = run(capsys, "rules", "validate", str(tmp_path / "team"))
    assert code == 2 and "RC201" in err and "x.yaml:1" in err


def test_rules_test_reports_failing_examples(tmp_path, capsys):
    (tmp_path / "team").mkdir()
    (tmp_path / "team" / "x.yaml").write_text(
        "kind: phrases\ncategory: tone\nmessage: 'No {match}'\nwhy: Because.\nphrases: [obviously]\n"
        "examples: {flag: [clearly], pass: [fine]}\n")
    code, out, _ = run(capsys, "rules", "test", str(tmp_path / "team"))
    assert code == 1 and "FAIL team.x flag" in out


def test_stdin_and_installed_command():
    result = subprocess.run([sys.executable, "-m", "replycoach.cli", "check", "-", "--format", "json"],
                            input=b"Thanks! Your order ships today.", capture_output=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["passed"] is True


def test_rewrite_formats(capsys):
    draft = str(EXAMPLES / "drafts" / "late-refund.txt")
    customer = str(EXAMPLES / "customers" / "late-refund.txt")
    code, out, _ = run(capsys, "rewrite", draft, "--customer", customer, "--format", "json")
    data = json.loads(out)
    assert set(data) == {"text", "edits", "before", "after", "todos"}
    assert data["after"]["score"] >= data["before"]["score"] and data["edits"]
    original = data["before"]["text"]
    for e in data["edits"]:
        assert 0 <= e["start"] <= e["end"] <= len(original) and e["rule"] and e["reason"]
    code, out, _ = run(capsys, "rewrite", draft, "--customer", customer, "--format", "diff")
    assert "why:" in out and "edits · score" in out
    code, out, _ = run(capsys, "rewrite", draft, "--customer", customer)
    assert out.strip() == data["text"].strip()


def test_check_fix_prints_the_rewrite_after_the_report(capsys):
    draft = str(EXAMPLES / "drafts" / "late-refund.txt")
    code, out, _ = run(capsys, "check", draft, "--fix")
    assert "Rewritten (" in out and out.index("score") < out.index("Rewritten (")


def test_rules_list_shows_each_rules_measured_precision(capsys):
    code, out, _ = run(capsys, "rules", "list")
    assert code == 0 and "precision" in out and "recall" in out
    row = next(line for line in out.splitlines() if line.split()[:1] == ["tone.non-apology"])
    assert "1.00" in row  # its measured: block says 4 of 4 right on the labelled replies
    assert "measured on labelled-replies/dev.jsonl" in out


def test_rules_show_tells_what_a_learned_rule_was_trained_on(capsys):
    code, out, _ = run(capsys, "rules", "show", "empathy.gap")
    model = json.loads(out)["model"]
    assert code == 0 and model["label"] == "empathy_gap" and model["reads"] == "both"
    assert model["trained"]["licence"] and model["trained"]["cv"]["f1"] > 0


def test_rewrite_lists_slots_as_todos_on_request(tmp_path, capsys):
    draft = tmp_path / "draft.txt"
    draft.write_text("We will look into it and reply soon.", encoding="utf-8")
    main(["rewrite", str(draft), "--slots", "--channel", "chat"])
    captured = capsys.readouterr()
    assert "[day]" in captured.out and "to do: line 1: [day]: fill in: when will this be done?" in captured.err
    main(["rewrite", str(draft), "--channel", "chat"])
    assert "[day]" not in capsys.readouterr().out


def test_many_files_folders_and_globs_in_one_run(tmp_path, capsys):
    (tmp_path / "drafts" / "sub").mkdir(parents=True)
    (tmp_path / "drafts" / ".hidden").mkdir()
    (tmp_path / "drafts" / "good.txt").write_text("Thanks! Your order ships today.", encoding="utf-8")
    (tmp_path / "drafts" / "sub" / "bad.html").write_text("<p>Obviously, you MUST reboot it!!!</p>", encoding="utf-8")
    (tmp_path / "drafts" / "sub" / "photo.png").write_bytes(b"\x89PNG\x00\x00")
    (tmp_path / "drafts" / ".hidden" / "skip.txt").write_text("Obviously.", encoding="utf-8")
    code, out, _ = run(capsys, "check", str(tmp_path / "drafts"), "--format", "jsonl")
    rows = [json.loads(line) for line in out.splitlines()]
    assert code == 1 and [Path(r["path"]).name for r in rows] == ["good.txt", "bad.html"]
    assert [r["passed"] for r in rows] == [True, False]
    code, out, _ = run(capsys, "check", str(tmp_path / "drafts" / "**" / "*.txt"), "--format", "json")
    assert code == 0 and json.loads(out)[0]["path"].endswith("good.txt")  # an array, though one matched


def test_exit_status_is_the_runs_worst_and_a_bad_input_does_not_stop_the_others(tmp_path, capsys):
    good = tmp_path / "good.txt"
    good.write_text("Thanks! Your order ships today.", encoding="utf-8")
    binary = tmp_path / "binary.txt"
    binary.write_bytes(b"\x00\x01\x02binary\x00")
    code, out, err = run(capsys, "check", str(good), str(binary), "--format", "json")
    data = json.loads(out)
    assert code == 2 and data[0]["passed"] and data[1]["error"]["code"] == "RC102"
    assert "RC102" in err and "Traceback" not in err
    assert run(capsys, "check", str(good), str(tmp_path / "nothing-*.txt"))[0] == 2  # a glob that matches nothing
    assert run(capsys, "check", str(good), str(good))[0] == 0  # one report per file, however often it is named


def test_concise_format_and_html_lines_in_the_file_as_written(capsys):
    code, out, _ = run(capsys, "check", str(EXAMPLES / "drafts" / "chat-reply.html"), "--format", "concise")
    lines = out.splitlines()
    assert code == 1 and all(line.count(":") >= 3 for line in lines)
    assert any(line.endswith("chat-reply.html:4:4: warning ownership.deflection 'Your guess is as good as mine' "
                             "pushes the problem away. Say what you will do, even if someone else has to fix it.")
               for line in lines)


def test_check_fix_json_is_one_json_document(capsys):
    draft = str(EXAMPLES / "drafts" / "late-refund.txt")
    code, out, _ = run(capsys, "check", draft, "--fix", "--format", "json")
    data = json.loads(out)  # the rewrite inside the report, not printed after it
    assert code == 1 and data["rewrite"]["after"]["score"] >= data["score"] and data["rewrite"]["text"]
    schema = json.loads(run(capsys, "schema")[1])
    jsonschema = pytest.importorskip("jsonschema")
    jsonschema.validate(data, schema)  # `replycoach schema` describes what check prints, --fix included


def test_stdin_filename_and_sarif(capsys, monkeypatch):
    import io

    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(b"Obviously you MUST reboot it.")))
    code, out, _ = run(capsys, "check", "-", "--stdin-filename", "tickets/42.txt", "--format", "sarif")
    log = json.loads(out)
    result = log["runs"][0]["results"][0]
    assert code == 1 and log["version"] == "2.1.0"
    assert result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "tickets/42.txt"


def test_color_always_never_and_no_color(monkeypatch, capsys):
    draft = str(EXAMPLES / "drafts" / "router.txt")
    assert "\x1b[" in run(capsys, "check", draft, "--color", "always")[1]
    assert "\x1b[" not in run(capsys, "check", draft, "--color", "never")[1]
    monkeypatch.setenv("FORCE_COLOR", "1")
    assert "\x1b[" in run(capsys, "check", draft)[1]
    monkeypatch.delenv("FORCE_COLOR")
    monkeypatch.setenv("NO_COLOR", "1")
    assert "\x1b[" not in run(capsys, "check", draft, "--color", "auto")[1]


def test_ignore_on_check_and_rewrite(capsys):
    draft = str(EXAMPLES / "drafts" / "router.txt")
    every = {f["rule"] for f in json.loads(run(capsys, "check", draft, "--format", "json")[1])["findings"]}
    code, out, _ = run(capsys, "check", draft, "--format", "json", "--ignore", "jargon", "--ignore", "tone.blame")
    left = {f["rule"] for f in json.loads(out)["findings"]}
    assert left == {r for r in every if not r.startswith("jargon.")} - {"tone.blame"}
    code, out, _ = run(capsys, "rewrite", draft, "--format", "json", "--ignore", "jargon")
    assert not any(e["rule"].startswith("jargon.") for e in json.loads(out)["edits"])
    code, _, err = run(capsys, "check", draft, "--ignore", "jargon.nope")
    assert code == 2 and "RC206" in err


def test_rules_list_piped_is_not_cut_and_has_json(capsys):
    code, out, _ = run(capsys, "rules", "list")
    assert code == 0 and "canned.placeholders " in out and "…" not in out
    row = next(line for line in out.splitlines() if line.startswith("canned.placeholders "))
    assert row.split()[-1].endswith("placeholders.yaml")
    code, out, _ = run(capsys, "rules", "list", "--format", "json")
    rules = json.loads(out)
    assert code == 0 and {"id": "tone.blame", "category": "tone"}.items() <= next(
        r for r in rules if r["id"] == "tone.blame").items()


def test_config_tells_where_each_setting_came_from(capsys):
    toml = str(EXAMPLES / "replycoach.toml")
    code, out, _ = run(capsys, "config", "--config", toml, "--min-score", "70", "--format", "json")
    data = json.loads(out)
    assert code == 0 and data["config_file"].endswith("replycoach.toml") and data["found_by"] == "--config"
    assert data["settings"]["threshold"] == {"value": 70, "source": "--min-score"}
    assert data["settings"]["disable"]["source"].endswith("replycoach.toml")
    assert data["settings"]["rarity_zipf"]["source"] == "default"
    assert [p["source"] for p in data["packs"]][0] == "shipped" and data["packs"][1]["path"].endswith("team-pack")
    code, out, _ = run(capsys, "config", "--config", toml)
    assert code == 0 and "threshold       = 75  #" in out


def test_macros_export_in_ci(tmp_path, capsys):
    export = tmp_path / "macros.csv"
    export.write_text('title,body\nRefund,"Hi {{ticket.requester.first_name}}, thanks for waiting. '
                      'Your refund went out today."\nOld,"Dear valued customer, [Customer Name] ..."\n',
                      encoding="utf-8")
    code, out, _ = run(capsys, "check", "--macros", str(export), "--format", "json")
    data = json.loads(out)
    assert code == 1 and [d["path"] for d in data] == [f"{export}#Refund", f"{export}#Old"]
    assert data[0]["passed"] and "canned.placeholders" in {f["rule"] for f in data[1]["findings"]}
    code, out, _ = run(capsys, "check", "--macros", str(export), "--format", "concise")
    assert all(line.startswith(f"{export}:3:1: ") and "[Old]" in line for line in out.splitlines())
    code, _, err = run(capsys, "check", "--macros", str(export), "--fix")
    assert code == 2 and "RC303" in err


def test_help_documents_the_exit_statuses(capsys):
    with pytest.raises(SystemExit):
        main(["check", "--help"])
    out = capsys.readouterr().out
    assert "exit status" in out and "0  every draft passed" in out and "could not be checked" in out


def test_check_leaves_garbage_collection_on_and_nothing_frozen(capsys):
    import gc

    run(capsys, "check", str(EXAMPLES / "drafts" / "late-refund.txt"))
    assert gc.isenabled() and gc.get_freeze_count() == 0


def test_as_the_command_itself_check_leaves_start_up_frozen_for_the_exit(tmp_path):
    """Run as `replycoach check` (arguments from sys.argv), the process ends after main(): what
    start-up built stays frozen, so the collections on the way out skip it."""
    code = ("import gc, io, contextlib, sys\n"
            "from replycoach.cli import main\n"
            f"sys.argv = ['replycoach', 'check', {str(EXAMPLES / 'drafts' / 'late-refund.txt')!r}]\n"
            "with contextlib.redirect_stdout(io.StringIO()):\n"
            "    main()\n"
            "print(gc.isenabled(), gc.get_freeze_count() > 10000)\n")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True,
                         env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert out.stdout.split() == ["True", "True"]


@pytest.mark.parametrize("source", ["file", "stdin"])
def test_an_endless_input_is_a_coded_error_not_a_memory_error(capsys, monkeypatch, tmp_path, source):
    import io

    import replycoach.cli as cli

    monkeypatch.setattr(cli, "READ_LIMIT", 1000)  # /dev/zero, made small: more bytes than the limit
    big = b"Sorry for the wait. " * 100
    if source == "file":
        path = tmp_path / "huge.txt"
        path.write_bytes(big)
        argv = ["check", str(path)]
    else:
        monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(big)))
        argv = ["check", "-"]
    code, _, err = run(capsys, *argv)
    assert code == 2 and "RC104" in err and "larger than" in err
