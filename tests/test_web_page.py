"""The web page agents use before they send (GET /), driven by keyboard in headless Chromium against a live
uvicorn server: highlights from the shared renderer, details on focus, one-click fixes, rewrite, scores,
and nothing fetched from anywhere but the server itself."""

from __future__ import annotations

import contextlib
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

sync_api = pytest.importorskip("playwright.sync_api")
uvicorn = pytest.importorskip("uvicorn")
httpx = pytest.importorskip("httpx")
pytest.importorskip("fastapi")

from replycoach.service import ServiceSettings, create_app  # noqa: E402

CHROMIUM = next((p for p in ("/usr/bin/chromium", shutil.which("chromium"), shutil.which("chromium-browser"))
                 if p and Path(p).is_file()), None)
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed")

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
CUSTOMER = "My parcel never arrived and this is the THIRD time I ask!!!"
DRAFT = "Dear valued customer, obviously your parcel will arrive soon.\n\nWe apologise for any inconvenience."
TIMEOUT_MS = 10_000


@contextlib.contextmanager
def serving(settings: ServiceSettings) -> Iterator[str]:
    """The app under uvicorn on a free 127.0.0.1 port in a background thread; yields its base URL."""
    app = create_app(settings=settings)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 15
    while True:
        try:
            if httpx.get(base + "/healthz", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        if time.monotonic() > deadline or not thread.is_alive():
            server.should_exit = True
            pytest.fail("the test server did not start")
        time.sleep(0.05)
    try:
        yield base
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run"])
        yield chromium
        chromium.close()


def open_page(browser, base: str):
    """A fresh page on `base`; returns it with lists of off-server requests, page errors and dialogs."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.set_default_timeout(TIMEOUT_MS)
    outside: list[str] = []
    problems: list[str] = []

    def only_this_server(route):
        if route.request.url.startswith(base + "/"):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    page.route("**/*", only_this_server)
    page.on("pageerror", lambda err: problems.append(f"page error: {err}"))
    page.on("console", lambda msg: problems.append(f"console: {msg.text}") if msg.type == "error" else None)
    page.on("dialog", lambda d: (problems.append(f"dialog: {d.message}"), d.dismiss()))
    page.goto(base + "/")
    return page, outside, problems


def type_into(page, label: str, text: str) -> None:
    """Focus a field by its label and type into it key by key (Enter for line breaks)."""
    page.get_by_label(label, exact=True).focus()
    page.keyboard.type(text)


def wait_for_checked(page, draft: str) -> None:
    """Until the highlighted text on screen is the given draft (so stale checks are over)."""
    page.wait_for_function(
        "t => { const b = document.querySelector('#highlighted .rc-text');"
        " return b && b.textContent === t && !document.querySelector('#highlighted[aria-busy]'); }", arg=draft)


# WCAG AA contrast of every visible text element against the first opaque background behind it.
LOW_CONTRAST_JS = """() => {
  const rgb = (c) => {
    const n = (c.match(/[\\d.]+/g) || []).map(Number);
    if (c.startsWith("color(srgb")) return [n[0] * 255, n[1] * 255, n[2] * 255, n.length > 3 ? n[3] : 1];
    return [n[0], n[1], n[2], n.length > 3 ? n[3] : 1];
  };
  const lum = ([r, g, b]) => [r, g, b].map((v) => { v /= 255; return v <= 0.03928 ? v / 12.92
    : Math.pow((v + 0.055) / 1.055, 2.4); }).reduce((s, v, i) => s + v * [0.2126, 0.7152, 0.0722][i], 0);
  const bad = [];
  for (const e of document.querySelectorAll("body *")) {
    if (![...e.childNodes].some((n) => n.nodeType === 3 && n.data.trim())) continue;
    const r = e.getBoundingClientRect();
    if (r.width <= 1 || r.height <= 1 || getComputedStyle(e).visibility === "hidden") continue;
    const st = getComputedStyle(e);
    let bg = null;
    for (let a = e; a && !bg; a = a.parentElement) {
      const c = rgb(getComputedStyle(a).backgroundColor);
      if (c[3] > 0.5) bg = c;
    }
    const [l1, l2] = [lum(rgb(st.color)), lum(bg || [255, 255, 255])].sort((x, y) => y - x);
    const ratio = (l1 + 0.05) / (l2 + 0.05);
    const size = parseFloat(st.fontSize), bold = Number(st.fontWeight) >= 700;
    const need = size >= 24 || (bold && size >= 18.66) ? 3 : 4.5;
    if (ratio < need) bad.push(`${e.tagName}#${e.id} ${ratio.toFixed(2)}: ${e.textContent.slice(0, 30)}`);
  }
  return bad;
}"""


def test_page_checks_fixes_and_rewrites_by_keyboard(browser, tmp_path):
    with serving(ServiceSettings()) as base:
        api = {"draft": DRAFT, "customer": CUSTOMER, "channel": "email"}
        expected = httpx.post(base + "/v1/check", json=api).json()
        rewritten = httpx.post(base + "/v1/rewrite", json=api).json()
        page, outside, problems = open_page(browser, base)
        assert page.title().startswith("replycoach")
        assert "/*REPORT_STYLE*/" not in page.content() and "--rc-jargon" in page.content()

        type_into(page, "Customer's message (optional)", CUSTOMER)
        type_into(page, "Draft reply", DRAFT)
        assert page.get_by_label("Draft reply", exact=True).input_value() == DRAFT
        wait_for_checked(page, DRAFT)

        # Highlights: the word-level findings are marked, colour-coded by category.
        marks = page.locator("#highlighted mark.rc-mark")
        for rule in ("canned.openers", "ownership.vague-timeline", "tone.condescension"):
            assert marks.and_(page.locator(f'[data-rules~="{rule}"]')).count() == 1, rule
        timeline = page.locator('#highlighted mark[data-rule="ownership.vague-timeline"]')
        assert timeline.inner_text() == "soon"
        assert "--c" in (timeline.get_attribute("style") or "")
        colour = timeline.evaluate("m => getComputedStyle(m).borderBottomColor")
        assert colour == "rgb(14, 116, 144)"  # ownership (#0e7490)

        # Score, pass/fail and the seven category scores at a glance.
        score = page.locator("#score")
        assert score.get_attribute("aria-live") == "polite"
        assert str(expected["score"]) in score.inner_text() and "FAIL" in score.inner_text()
        cats = page.locator("#categories li")
        assert cats.count() == 7
        for name, value in expected["categories"].items():
            item = page.locator(f'#categories li[data-category="{name}"]')
            assert item.inner_text().split()[:2] == [name, str(value)]
        assert page.locator("#findings > li").count() == len(expected["findings"])

        # Keyboard: Tab from the draft to the vague-timeline highlight; its details appear.
        page.get_by_label("Draft reply", exact=True).focus()
        for _ in range(30):
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement.dataset.rule") == "ownership.vague-timeline":
                break
        else:
            pytest.fail("Tab never reached the vague-timeline highlight")
        finding = next(f for f in expected["findings"] if f["rule"] == "ownership.vague-timeline")
        details = page.locator("#details")
        assert finding["message"] in details.inner_text()
        assert finding["why"] in details.inner_text()
        outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
        assert outline not in ("", "none")
        # Enter moves into the details panel, onto the fix; Escape goes back to the highlight.
        page.keyboard.press("Enter")
        assert page.evaluate("document.activeElement.textContent") == "Replace “soon” with “by [day]”"
        page.keyboard.press("Escape")
        assert page.evaluate("document.activeElement.dataset.rule") == "ownership.vague-timeline"

        # Hovering another highlight shows that one.
        page.locator('#highlighted mark[data-rule="tone.condescension"]').hover()
        assert "condescending" in details.inner_text()

        # One click applies the fix to the draft and checks again.
        page.locator("#findings button.fix", has_text="Replace “soon” with “by [day]”").click()
        fixed = DRAFT.replace("soon", "by [day]")
        assert page.get_by_label("Draft reply", exact=True).input_value() == fixed
        wait_for_checked(page, fixed)
        assert page.locator('#highlighted mark[data-rule="ownership.vague-timeline"]').count() == 0
        assert page.locator('#findings li[data-rule="canned.unfilled-slot"]').count() == 1
        assert "Applied ownership.vague-timeline" in page.locator("#status").inner_text()
        # The slot is selected, so typing fills it in.
        assert page.evaluate("[document.activeElement.id, document.activeElement.selectionStart,"
                             " document.activeElement.selectionEnd]") == ["draft", fixed.index("[day]"),
                                                                         fixed.index("[day]") + 5]

        # Rewrite: the whole rewritten draft with the edits marked.
        page.get_by_label("Draft reply", exact=True).fill(DRAFT)
        wait_for_checked(page, DRAFT)
        page.get_by_role("button", name="Rewrite", exact=True).click()
        section = page.locator("#rewrite-section")
        section.wait_for(state="visible")
        box = page.locator("#rw-text")
        assert box.locator("ins").count() >= 1
        # A deadline slot is left to the agent (the one-click fix above offers it); the rewrite does not write it in.
        assert box.locator("ins", has_text="by [day]").count() == 0
        shown = box.evaluate("b => { const c = b.cloneNode(true); c.querySelectorAll('del').forEach(d => d.remove());"
                             " return c.textContent; }")
        assert shown == rewritten["text"]
        assert f"{rewritten['before']['score']} → {rewritten['after']['score']}" in section.inner_text()
        assert "Rewrite ready" in page.locator("#status").inner_text()

        page.locator('#highlighted mark[data-rule="ownership.vague-timeline"]').focus()
        assert "'soon' is vague" in details.inner_text()
        assert page.evaluate(LOW_CONTRAST_JS) == []
        shot = tmp_path / "web-page.png"
        page.screenshot(path=str(shot), full_page=True)
        ARTIFACTS.mkdir(exist_ok=True)
        ignore = ARTIFACTS / ".gitignore"
        if not ignore.exists():
            ignore.write_text("*\n!.gitignore\n")
        shutil.copyfile(shot, ARTIFACTS / "web-page.png")

        page.get_by_role("button", name="Use this rewrite").click()
        assert page.get_by_label("Draft reply", exact=True).input_value() == rewritten["text"]
        wait_for_checked(page, rewritten["text"])
        assert section.is_hidden()
        assert str(rewritten["after"]["score"]) in score.inner_text()
        page.close()
    assert not outside, outside
    assert not problems, problems
    assert shot.stat().st_size > 20_000


SEVERITY_ORDER_JS = """() => [...document.querySelectorAll('#findings > li .sev')].map(e => e.textContent)"""
OVERFLOW_JS = "() => document.scrollingElement.scrollWidth - window.innerWidth"


def test_in_a_380px_sidebar_the_verdict_and_worst_findings_come_first(browser, tmp_path):
    with serving(ServiceSettings()) as base:
        expected = httpx.post(base + "/v1/check", json={"draft": DRAFT, "customer": CUSTOMER}).json()
        page, outside, problems = open_page(browser, base)
        page.set_viewport_size({"width": 380, "height": 700})
        assert page.locator("#verdict-bar").is_hidden()  # nothing checked yet
        type_into(page, "Customer's message (optional)", CUSTOMER)
        type_into(page, "Draft reply", DRAFT)
        wait_for_checked(page, DRAFT)

        # While the agent is in the draft, the verdict is on screen above it.
        bar = page.locator("#verdict-bar")
        page.get_by_label("Draft reply", exact=True).focus()
        box = bar.bounding_box()
        assert box is not None and 0 <= box["y"] and box["y"] + box["height"] <= 700
        ranks = {"error": 0, "warning": 1, "suggestion": 2}
        worst = sorted(expected["findings"], key=lambda f: (ranks[f["severity"]], f["start"], f["end"]))
        assert f"{expected['score']} / 100" in bar.inner_text() and "FAIL" in bar.inner_text()
        tops = page.locator("#top-findings button")
        assert tops.count() == 3 and [tops.nth(i).get_attribute("data-rule") for i in range(3)] == \
            [f["rule"] for f in worst[:3]]
        # The findings list too: errors, then warnings, then suggestions.
        shown = page.evaluate(SEVERITY_ORDER_JS)
        assert shown == sorted(shown, key=ranks.__getitem__) and len(shown) == len(expected["findings"])

        # Keyboard only: a top finding takes the agent to its highlight and its details.
        tops.first.focus()
        page.keyboard.press("Enter")
        assert page.evaluate("document.activeElement.dataset.rules").split()[0] == worst[0]["rule"]
        assert worst[0]["message"] in page.locator("#details").inner_text()

        # Fix buttons say what they do.
        labels = page.locator("#findings button.fix").all_inner_texts()
        said = ("Replace “", "Remove “", "Add: ", "Fix the spacing")
        assert labels and all(t.startswith(said) for t in labels), labels
        assert not any(t.startswith("Apply") for t in labels)

        # An agent can dismiss one finding: it leaves the list and the highlights until shown again.
        opener = page.locator('#findings > li[data-rule="canned.openers"]')
        opener.get_by_role("button", name="Dismiss").click()
        assert opener.count() == 0 and page.locator("#findings > li").count() == len(expected["findings"]) - 1
        assert page.locator('#highlighted mark[data-rules~="canned.openers"]').count() == 0
        assert "1 dismissed finding hidden" in page.locator("#dismissed").inner_text()
        page.get_by_label("Draft reply", exact=True).fill(DRAFT + " ")  # edited and checked again: still dismissed
        wait_for_checked(page, DRAFT + " ")
        assert opener.count() == 0
        page.get_by_role("button", name="Show them again").click()
        assert opener.count() == 1 and page.locator("#dismissed").is_hidden()

        assert page.evaluate(OVERFLOW_JS) <= 0
        assert page.evaluate(LOW_CONTRAST_JS) == []
        page.set_viewport_size({"width": 1280, "height": 900})
        assert bar.is_hidden()  # two columns: the results column shows all of it
        page.set_viewport_size({"width": 380, "height": 700})
        page.get_by_label("Draft reply", exact=True).focus()
        shot = tmp_path / "web-page-sidebar.png"
        page.screenshot(path=str(shot))  # what the agent sees in the sidebar while writing
        ARTIFACTS.mkdir(exist_ok=True)
        shutil.copyfile(shot, ARTIFACTS / "web-page-sidebar.png")
        page.close()
    assert not outside, outside
    assert not problems, problems


def test_page_sends_the_api_key_and_shows_errors_in_the_status_line(browser):
    with serving(ServiceSettings(api_key="s3cret-key")) as base:
        page, outside, problems = open_page(browser, base)
        keys: list[str | None] = []
        page.on("request", lambda r: keys.append(r.headers.get("x-api-key")) if "/v1/" in r.url else None)
        status = page.locator("#status")
        assert status.get_attribute("aria-live") == "polite"

        type_into(page, "Draft reply", "Obviously it will ship soon.")
        page.wait_for_function("document.querySelector('#status').textContent.includes('RC401')")
        assert "API key" in status.inner_text()
        assert page.locator("#highlighted mark").count() == 0

        type_into(page, "API key (only if this server asks for one)", "s3cret-key")
        page.keyboard.press("Tab")  # leaving the field checks again
        wait_for_checked(page, "Obviously it will ship soon.")
        assert page.locator('#highlighted mark[data-rule="ownership.vague-timeline"]').count() == 1
        assert "error" not in (status.get_attribute("class") or "")
        assert keys[0] is None and keys[-1] == "s3cret-key"

        # Any coded error from the API goes to the status line, e.g. RC105 for a reply not in English.
        page.get_by_label("Draft reply", exact=True).fill("Это совсем не английский текст, а русский язык.")
        page.wait_for_function("document.querySelector('#status').textContent.includes('RC105')")
        assert "error" in (status.get_attribute("class") or "")
        # An empty draft is not sent at all.
        page.get_by_label("Draft reply", exact=True).fill("   ")
        page.get_by_role("button", name="Check now").click()
        assert "Write a draft" in status.inner_text()
        page.close()
    assert not outside, outside
    # The browser logs each 401/422 response itself; anything else (script errors, dialogs) is a failure.
    assert not [p for p in problems if "status of 401" not in p and "status of 422" not in p], problems


def test_helpdesk_sidebar_snippet_shows_score_and_top_findings(browser):
    """examples/helpdesk-sidebar.js, loaded as a plain script, checks a draft and lists the top findings."""
    snippet = Path(__file__).resolve().parent.parent / "examples" / "helpdesk-sidebar.js"
    with serving(ServiceSettings()) as base:
        page = browser.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        calls: list[str] = []
        page.on("request", lambda r: calls.append(r.url))
        page.goto(base + "/healthz")
        page.evaluate("document.body.innerHTML = '<div id=\"coach\"></div>'")
        page.add_script_tag(path=str(snippet))
        page.evaluate("""([url, draft, customer]) => {
            window.coach = ReplycoachSidebar.create({url, target: document.getElementById('coach'), maxFindings: 2});
            coach.update({draft: 'Dear', customer});
            coach.update({draft, customer});   // debounced: only this one is sent
        }""", [base, DRAFT, CUSTOMER])
        page.wait_for_function("document.querySelector('#coach').textContent.includes('/ 100')")
        text = page.locator("#coach").inner_text()
        expected = httpx.post(base + "/v1/check", json={"draft": DRAFT, "customer": CUSTOMER}).json()
        assert text.startswith(f"{expected['score']} / 100") and "FAIL" in text
        assert page.locator("#coach li").count() == 2
        assert page.locator("#coach [role=status]").get_attribute("aria-live") == "polite"
        assert calls.count(base + "/v1/check") == 1
        page.close()
