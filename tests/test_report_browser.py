"""The batch HTML report, rendered in a real browser (headless Chromium via Playwright), at a
desktop and a laptop width: it loads nothing from a network, its tables sort by a click on a
header, every in-page link has its target, nothing overflows sideways, and each reply shows
beside its customer's message with its findings grouped by span. Screenshots go to
tests/artifacts/ (batch-report-1280.png, batch-report-1024.png)."""

import json
import shutil
from pathlib import Path

import pytest

from replycoach.cli import main

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed")
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
LAUNCH = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
          "--disable-sync", "--no-first-run"]

ROWS = [
    {"id": "a1", "agent": "ann", "team": "north", "time": "2024-05-06T10:00:00Z",
     "customer": "Where is my parcel?", "text": "Thanks for waiting! Your order ships today."},
    {"id": "a2", "agent": "ann", "team": "north", "time": "2024-05-14T10:00:00Z", "customer": "Late AGAIN!!!",
     "text": "Dear valued customer, obviously we apologise for any inconvenience. It will arrive soon."},
    {"id": "a3", "agent": "ann", "team": "north", "time": "2024-05-21T10:00:00Z",
     "customer": "Can I change my address?", "text": "Yes, I've updated it for you. It ships tomorrow."},
    {"id": "b1", "agent": "bob", "team": "south", "time": "2024-05-07T10:00:00Z",
     "text": "Please DM us your order number so we can check."},
    {"id": "b2", "agent": "bob", "team": "south", "time": "2024-05-15T10:00:00Z",
     "text": "Please DM us your order number so we can check."},
    {"id": "b3", "agent": "bob", "team": "south", "time": "2024-05-22T10:00:00Z",
     "text": "Please DM us your order number so we can check."},
    {"id": "c1", "agent": "cy <3", "team": "south", "time": "2024-05-22T11:00:00Z", "customer": "Refund?",
     "text": "Unfortunately, as per our policy, you will need to submit a ticket."},
]

NO_SIDEWAYS_OVERFLOW = "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
BROKEN_ANCHORS = ("[...document.querySelectorAll('a[href^=\"#\"]')]"
                  ".map(a => a.getAttribute('href').slice(1)).filter(id => !document.getElementById(id))")


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("report")
    src = folder / "in.jsonl"
    src.write_text("\n".join(json.dumps(r) for r in ROWS) + "\n")
    path = folder / "report.html"
    assert main(["batch", str(src), "--out", str(folder / "out.jsonl"), "--report", str(path)]) == 0
    return path


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=LAUNCH)
        yield chromium
        chromium.close()


def agent_order(page) -> list[str]:
    return page.locator("#agents table.rc-sortable").first.locator("tbody tr td:first-child").all_inner_texts()


@pytest.mark.parametrize("width", [1280, 1024])
def test_report_in_chromium(browser, report, width, tmp_path):
    page = browser.new_page(viewport={"width": width, "height": 900})
    outside: list[str] = []
    problems: list[str] = []
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith("file:") else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.goto(report.as_uri())
    assert page.title() == "in.jsonl"
    assert "7 records read: 7 scored, 0 failed" in page.locator("#overview").inner_text()
    assert page.evaluate(NO_SIDEWAYS_OVERFLOW), page.evaluate("document.documentElement.scrollWidth")
    assert page.evaluate(BROKEN_ANCHORS) == []

    # Sorting: a click on "mean score" orders the agents by it, a second click reverses.
    table = page.locator("#agents table.rc-sortable").first
    means = dict(zip(agent_order(page), table.locator("tbody tr td:nth-child(3)").all_inner_texts(), strict=True))
    header = table.get_by_role("button", name="mean score")
    header.click()
    assert agent_order(page) == sorted(means, key=lambda a: float(means[a]))
    assert table.locator("thead th[aria-sort=ascending]").inner_text().startswith("mean score")
    header.click()
    assert agent_order(page) == sorted(means, key=lambda a: -float(means[a]))

    # Drill-down: the agent's link goes to their section; each reply sits beside its customer's message.
    table.get_by_role("link", name="ann").click()
    section = page.locator("section.rc-agent:target")
    assert section.locator("h3").inner_text() == "ann"
    worst = section.locator("article.rc-reply").first
    assert "Late AGAIN!!!" in worst.locator(".rc-customer").inner_text()
    customer_box = worst.locator(".rc-customer").bounding_box()
    reply_box = worst.locator(".rc-text").bounding_box()
    assert customer_box and reply_box and customer_box["x"] + customer_box["width"] <= reply_box["x"]
    table.get_by_role("link", name="a2").first.click()
    assert page.evaluate("document.querySelector(':target').id") == page.evaluate("location.hash.slice(1)")
    assert "a2" in page.locator("article.rc-reply:target h4").inner_text()

    # One span flagged by several rules is one mark, and one item listing those rules.
    for card in page.locator("article.rc-reply").all():
        spans = [m.get_attribute("title") for m in card.locator("mark.rc-mark").all()]
        groups = card.locator("ol.rc-groups > li")
        assert len(spans) <= groups.count()
    shared = page.locator("#examples mark.rc-mark[data-rules*=' ']").first
    assert len(shared.get_attribute("data-rules").split()) >= 2

    assert page.locator("svg.rc-trend circle").count() == 3  # weeks 19, 20 and 21
    assert page.locator("#rules svg.rc-chart rect").count() >= 3
    assert "Please DM us your order number" in page.locator("#repeated").inner_text()
    assert "cy &lt;3" not in page.locator("#agents").inner_text() and "cy <3" in agent_order(page)

    shot = tmp_path / f"batch-report-{width}.png"
    page.goto(report.as_uri())
    page.screenshot(path=str(shot), full_page=True)
    top = tmp_path / f"batch-report-{width}-top.png"
    page.screenshot(path=str(top))  # what a trainer sees on opening it (the README shows this one)
    ARTIFACTS.mkdir(exist_ok=True)
    shutil.copyfile(shot, ARTIFACTS / shot.name)
    shutil.copyfile(top, ARTIFACTS / top.name)
    page.close()
    assert not outside, outside
    assert not problems, problems
    assert shot.stat().st_size > 10_000


def test_report_reads_without_scripts(browser, report):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 1024, "height": 900})
    page = context.new_page()
    page.goto(report.as_uri())
    assert agent_order(page) == ["ann", "bob", "cy <3"]
    assert page.locator("section.rc-agent").count() == 3 and page.locator("article.rc-reply").count() >= 7
    context.close()
