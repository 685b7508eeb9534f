"""The batch HTML report, rendered in a real browser (headless Chromium via Playwright)."""

import json
import shutil
from pathlib import Path

import pytest

from replycoach.cli import main

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed")

ROWS = [
    {"id": "a1", "agent": "ann", "text": "Thanks for waiting! Your order ships today."},
    {"id": "a2", "agent": "ann", "customer": "Late AGAIN!!!", "text": "Dear valued customer, obviously "
     "we apologise for any inconvenience. It will arrive soon."},
    {"id": "b1", "agent": "bob", "text": "Please DM us your order number so we can check."},
    {"id": "b2", "agent": "bob", "text": "Please DM us your order number so we can check."},
    {"id": "b3", "agent": "bob", "text": "Please DM us your order number so we can check."},
]


def test_report_renders_offline_in_chromium(tmp_path):
    sync_api = pytest.importorskip("playwright.sync_api")
    src = tmp_path / "in.jsonl"
    src.write_text("\n".join(json.dumps(r) for r in ROWS) + "\n")
    report = tmp_path / "report.html"
    assert main(["batch", str(src), "--out", str(tmp_path / "out.jsonl"), "--report", str(report)]) == 0
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run"])
        page = browser.new_page()
        outside: list[str] = []
        page.on("request", lambda r: outside.append(r.url) if not r.url.startswith("file:") else None)
        page.goto(report.as_uri())
        assert page.title() == "in.jsonl"
        assert "5 records read: 5 scored, 0 failed" in page.locator("#overview").inner_text()
        agents = page.locator("#agents tr").all_inner_texts()
        assert any(row.startswith("agent\tann") for row in agents) and any("bob" in row for row in agents)
        assert page.locator("svg.rc-chart").count() == 2
        assert page.locator("svg.rc-chart rect").count() >= 7
        assert "Please DM us your order number" in page.locator("#repeated").inner_text()
        marks = page.locator("#examples mark.rc-mark")
        assert marks.count() >= 2 and marks.first.get_attribute("title")
        shot = Path(tmp_path / "report.png")
        page.screenshot(path=str(shot), full_page=True)
        browser.close()
    assert not outside, outside
    assert shot.stat().st_size > 10_000
