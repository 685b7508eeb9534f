import json
import re
from pathlib import Path

import replycoach
from replycoach import CATEGORIES, SCHEMA_VERSION, Coach, Report


def test_public_api_is_explicit_sorted_and_documented():
    assert replycoach.__all__ == sorted(replycoach.__all__)
    for name in replycoach.__all__:
        assert hasattr(replycoach, name), name
    # The README's list of public names is the list: nothing exported undocumented, nothing documented missing.
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    listed = readme.split("The public names are listed in `replycoach.__all__`:", 1)[1].split("\n\n", 1)[0]
    documented = set(re.findall(r"`([A-Za-z_][A-Za-z_0-9]*)`", listed))  # `Coach.check_many` is no name
    assert documented == set(replycoach.__all__)


def test_check_shortcut_returns_a_report():
    report = replycoach.check("Thanks for your patience. Your refund went out today.")
    assert isinstance(report, Report)
    assert 0 <= report.score <= 100


def test_json_output_contract(coach: Coach):
    report = coach.check("Dear valued customer, obviously you should have rebooted.",
                         customer="It's broken AGAIN!!!")
    data = json.loads(report.to_json())
    assert data["version"] == SCHEMA_VERSION
    assert set(data) >= {"version", "score", "passed", "categories", "metrics", "findings", "text"}
    assert set(data["categories"]) >= set(CATEGORIES)
    assert set(data["metrics"]) >= {"grade", "words", "sentences", "customer_sentiment"}
    assert data["findings"], "this draft must produce findings"
    for f in data["findings"]:
        assert set(f) >= {"rule", "category", "severity", "start", "end", "text", "message", "why",
                          "suggestions"}
        assert data["text"][f["start"]:f["end"]] == f["text"]
        assert f["severity"] in {"suggestion", "warning", "error"}


def test_py_typed_is_shipped():
    from pathlib import Path

    assert (Path(replycoach.__file__).parent / "py.typed").is_file()


def test_notebook_view_uses_the_shared_renderer(coach: Coach):
    from replycoach.render_html import highlighted

    report = coach.check("Obviously you should have restarted it.")
    html = report._repr_html_()
    assert highlighted(report) in html and 'data-rule="tone.condescension"' in html
    assert html.count("<mark") == html.count("</mark>")
    assert "<script" not in html


def test_every_code_used_in_the_package_is_in_the_catalogue():
    import re
    from pathlib import Path

    from replycoach.errors import CODES

    source = "\n".join(p.read_text() for p in Path(replycoach.__file__).parent.rglob("*.py"))
    used = set(re.findall(r'"(RC\d{3})"', source)) - {"RC000", "RC100", "RC200", "RC300"}  # family defaults
    assert used <= set(CODES), sorted(used - set(CODES))
