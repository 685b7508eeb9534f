"""The HTTP API: the same JSON as the CLI, coded errors, limits, key and CORS."""

import json

import pytest

fastapi = pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402

from replycoach import Coach  # noqa: E402
from replycoach.service import ServiceSettings, create_app  # noqa: E402

from .conftest import alive, children, wait_for  # noqa: E402

DRAFT = "Dear valued customer, obviously your parcel will arrive soon."
CUSTOMER = "My parcel never arrived and this is the third time I ask!!!"


@pytest.fixture(scope="module")
def client() -> TestClient:
    return TestClient(create_app(settings=ServiceSettings(max_body_bytes=5_000)))


def test_check_returns_exactly_the_library_json(client):
    response = client.post("/v1/check", json={"draft": DRAFT, "customer": CUSTOMER})
    assert response.status_code == 200
    assert response.json() == json.loads(Coach().check(DRAFT, customer=CUSTOMER).to_json())


def test_rewrite_returns_the_rewrite_json(client):
    data = client.post("/v1/rewrite", json={"draft": DRAFT, "customer": CUSTOMER}).json()
    assert set(data) == {"text", "edits", "before", "after", "todos"}
    assert data["after"]["score"] >= data["before"]["score"]


def test_rules_health_and_openapi(client):
    rules = client.get("/v1/rules").json()
    assert {"id": "tone.blame"}.items() <= next(r for r in rules if r["id"] == "tone.blame").items()
    assert client.get("/healthz").json() == {"status": "ok"}
    schema = client.get("/openapi.json").json()
    assert {"/v1/check", "/v1/rewrite", "/v1/rules", "/healthz"} <= set(schema["paths"])
    assert "CheckRequest" in schema["components"]["schemas"]


def test_rule_selection_and_unknown_ids(client):
    only_tone = client.post("/v1/check", json={"draft": DRAFT, "rules": ["tone"]}).json()
    assert {f["category"] for f in only_tone["findings"]} == {"tone"}
    bad = client.post("/v1/check", json={"draft": DRAFT, "rules": ["tone.nope"]})
    assert bad.status_code == 400 and bad.json()["code"] == "RC206"


def test_ignore_turns_rules_off_beside_rules(client):
    every = {f["rule"] for f in client.post("/v1/check", json={"draft": DRAFT}).json()["findings"]}
    assert "tone.condescension" in every
    data = client.post("/v1/check", json={"draft": DRAFT, "ignore": ["tone.condescension"]}).json()
    assert {f["rule"] for f in data["findings"]} == every - {"tone.condescension"}
    assert data == json.loads(Coach().check(DRAFT, ignore=["tone.condescension"]).to_json())  # the library's JSON
    narrowed = client.post("/v1/check", json={"draft": DRAFT, "rules": ["tone", "canned"],
                                              "ignore": ["tone.condescension"]}).json()
    assert {f["category"] for f in narrowed["findings"]} <= {"tone", "canned"}
    assert "tone.condescension" not in {f["rule"] for f in narrowed["findings"]}
    bad = client.post("/v1/check", json={"draft": DRAFT, "ignore": ["tone.nope"]})
    assert bad.status_code == 400 and bad.json()["code"] == "RC206"
    nothing = client.post("/v1/check", json={"draft": DRAFT, "rules": ["tone"], "ignore": ["tone"]})
    assert nothing.status_code == 422 and nothing.json()["code"] == "RC422"


@pytest.mark.parametrize("body, status, code, needle", [
    ({"draft": ""}, 422, "RC101", "empty"),
    ({"draft": 5}, 422, "RC422", "draft"),
    ({"customer": "x"}, 422, "RC422", "draft"),
    ({"draft": "Thanks!", "channel": "fax"}, 400, "RC302", "fax"),
    ({"draft": "x" * 6000}, 413, "RC413", "bytes"),
])
def test_errors_are_coded_json_without_traces(client, body, status, code, needle):
    response = client.post("/v1/check", json=body)
    assert response.status_code == status
    data = response.json()
    assert data["code"] == code and needle in data["message"] and "Traceback" not in response.text


def test_malformed_json(client):
    response = client.post("/v1/check", content=b"{not json", headers={"content-type": "application/json"})
    assert response.status_code == 422 and response.json()["code"] == "RC422"


def test_a_valid_request_skips_fastapis_routing_and_an_invalid_one_gets_its_errors(client, monkeypatch):
    """The short way (service._Guard) answers valid JSON bodies itself; everything else reaches
    FastAPI, body and all, and gets FastAPI's error replies as before."""
    from fastapi import routing

    solved = []
    real = routing.solve_dependencies

    async def counting(*args, **kwargs):
        solved.append(kwargs["request"].url.path)
        return await real(*args, **kwargs)

    monkeypatch.setattr(routing, "solve_dependencies", counting)
    fast = client.post("/v1/check", json={"draft": DRAFT, "customer": CUSTOMER})
    assert fast.status_code == 200 and solved == []
    assert fast.json() == json.loads(Coach().check(DRAFT, customer=CUSTOMER).to_json())
    assert client.post("/v1/render", json={"draft": DRAFT}).json()["html"] and solved == []
    coded = client.post("/v1/check", json={"draft": DRAFT, "rules": ["tone.nope"]})  # valid, but an unknown rule
    assert coded.status_code == 400 and coded.json()["code"] == "RC206" and solved == []
    invalid = client.post("/v1/check", json={"draft": 5})
    assert invalid.status_code == 422 and invalid.json()["message"].startswith("draft:")
    assert solved == ["/v1/check"]
    charset = client.post("/v1/check", content=json.dumps({"draft": DRAFT}).encode(),
                          headers={"content-type": "application/json; charset=utf-8"})
    assert charset.status_code == 200 and charset.json() == json.loads(Coach().check(DRAFT).to_json())
    assert solved == ["/v1/check", "/v1/check"]


def test_api_key_and_cors():
    app = create_app(settings=ServiceSettings(api_key="s3cret", cors_origins=("https://desk.example",)))
    client = TestClient(app)
    assert client.post("/v1/check", json={"draft": "Thanks!"}).status_code == 401
    assert client.post("/v1/check", json={"draft": "Thanks!"}, headers={"X-API-Key": "s3cret"}).status_code == 200
    allowed = client.options("/v1/check", headers={"Origin": "https://desk.example",
                                                   "Access-Control-Request-Method": "POST"})
    assert allowed.headers.get("access-control-allow-origin") == "https://desk.example"
    other = client.options("/v1/check", headers={"Origin": "https://evil.example",
                                                 "Access-Control-Request-Method": "POST"})
    assert other.headers.get("access-control-allow-origin") is None


def test_cors_is_off_by_default(client):
    response = client.options("/v1/check", headers={"Origin": "https://desk.example",
                                                    "Access-Control-Request-Method": "POST"})
    assert response.headers.get("access-control-allow-origin") is None


def test_request_cannot_load_rule_files(client):
    response = client.post("/v1/check", json={"draft": "Thanks!", "rules_path": "/etc"})
    assert response.status_code == 422


# --- limits: bodies counted as they arrive, unparsable bodies coded -------------------------

def test_a_chunked_body_over_the_limit_gets_413(client):
    def chunks():  # no Content-Length: the size is only known by counting
        yield b'{"draft": "'
        for _ in range(70):
            yield b"Thanks! " * 512
        yield b'"}'

    response = client.post("/v1/check", content=chunks(), headers={"content-type": "application/json"})
    assert response.status_code == 413 and response.json()["code"] == "RC413"


def test_reading_stops_at_the_limit():
    """A 52 MB chunked body: the app pulls chunks only until the limit, then answers 413."""
    import anyio

    app = create_app(settings=ServiceSettings(max_body_bytes=256_000))
    pulled, sent = 0, []

    async def receive():
        nonlocal pulled
        pulled += 1
        return {"type": "http.request", "body": b"a" * 65_536, "more_body": pulled < 800}

    async def send(message):
        sent.append(message)

    scope = {"type": "http", "method": "POST", "path": "/v1/check", "raw_path": b"/v1/check", "query_string": b"",
             "headers": [(b"content-type", b"application/json"), (b"transfer-encoding", b"chunked")],
             "http_version": "1.1", "scheme": "http", "server": ("127.0.0.1", 8000), "client": ("127.0.0.1", 1),
             "root_path": "", "app": app}
    anyio.run(app, scope, receive, send)
    assert sent[0]["status"] == 413 and json.loads(sent[1]["body"])["code"] == "RC413"
    assert pulled * 65_536 <= 256_000 + 65_536


@pytest.mark.parametrize("body, reason", [
    (b'{"draft": "\xff\xfe"}', "not valid UTF-8"),
    (b'{"draft": ' + b"[" * 2000 + b"]" * 2000 + b"}", "nested too deeply"),
    (b'{"draft": "Thanks!", "n": ' + b"9" * 4400 + b"}", "too many digits"),  # Python's limit is 4,300
])
def test_unparsable_bodies_get_a_listed_400(client, body, reason):
    from replycoach.errors import CODES

    response = client.post("/v1/check", content=body, headers={"content-type": "application/json"})
    assert response.status_code == 400 and response.json()["code"] == "RC400" and "RC400" in CODES
    assert reason in response.json()["message"]


# --- checks run in processes, within a time budget ------------------------------------------

def _gil_bound_when_slow(real):
    """Coach.check, but a draft with SLOW in it first backtracks in `re`, which holds the GIL."""
    import re

    def check(self, draft, **kwargs):
        if "SLOW" in draft:
            re.fullmatch(r"(a|aa)+b", "a" * 60)  # runs for ages: only killing its process stops it
        return real(self, draft, **kwargs)

    return check


def test_a_slow_request_does_not_stall_the_others(monkeypatch):
    import threading
    import time

    monkeypatch.setattr(Coach, "check", _gil_bound_when_slow(Coach.check))
    with TestClient(create_app(settings=ServiceSettings(timeout=3, checkers=2))) as client:
        assert client.post("/v1/check", json={"draft": "Thanks!"}).status_code == 200  # processes are up
        before = set(client.app.state.checkers.pids())
        slow: dict = {}
        thread = threading.Thread(target=lambda: slow.update(
            r=client.post("/v1/check", json={"draft": "Thanks! SLOW"}), t=time.monotonic()))
        began = time.monotonic()
        thread.start()
        time.sleep(0.3)
        fast = client.post("/v1/check", json={"draft": DRAFT, "customer": CUSTOMER})
        assert fast.status_code == 200 and time.monotonic() - began < 2
        assert fast.json() == json.loads(Coach().check(DRAFT, customer=CUSTOMER).to_json())
        thread.join(30)
        assert slow["r"].status_code == 504 and slow["r"].json()["code"] == "RC504"
        assert 2.5 < slow["t"] - began < 15
        after = set(client.app.state.checkers.pids())
        assert len(after) == 2 and after != before  # the stuck process was replaced
        assert client.post("/v1/check", json={"draft": "Thanks!"}).status_code == 200


def test_no_free_process_within_the_budget_gets_503():
    import time

    with TestClient(create_app(settings=ServiceSettings(timeout=1, checkers=1))) as client:
        checkers = client.app.state.checkers
        assert client.post("/v1/check", json={"draft": "Thanks!"}).status_code == 200  # the process is up
        held = checkers._idle.get_nowait()  # as a request still running would
        assert held is not None
        began = time.monotonic()
        busy = client.post("/v1/check", json={"draft": "Thanks!"})
        assert busy.status_code == 503 and busy.json()["code"] == "RC503" and 0.9 < time.monotonic() - began < 6
        checkers._idle.put(held)
        assert client.post("/v1/check", json={"draft": "Thanks!"}).status_code == 200


# --- memory stays flat ----------------------------------------------------------------------

def _fresh_words(n: int, seed: int) -> list[str]:
    import random
    import string

    rnd = random.Random(seed)
    return ["".join(rnd.choice(string.ascii_lowercase) for _ in range(9)) for _ in range(n)]


def test_a_check_process_asks_to_be_replaced_once_it_has_learnt_a_window_of_words(monkeypatch):
    """Memory stays bounded: a check process that has added WINDOW_STRINGS strings is replaced by
    a fresh one forked from the server. Until then it keeps every word it met (no memory zone,
    inside which spaCy's tokenizer would cache nothing), and reports what a fresh Coach reports."""
    from replycoach import service

    monkeypatch.setattr(service, "WINDOW_STRINGS", 300)
    coach = Coach()
    coach.warm_up()
    answer = service._answerer(coach, recycle_mb=10**6)
    strings = coach.nlp.vocab.strings
    start = len(strings)
    for i in range(40):
        words = _fresh_words(20, i + 1)
        draft = "Thanks for waiting. " + " ".join(f"Your {w} ships today." for w in words)
        status, body, worn = answer(("check", {"draft": draft, "customer": f"Where is my {words[0]}?"}, ()))
        assert status == 200
        if i == 0:
            fresh = Coach().check(draft, customer=f"Where is my {words[0]}?").to_json()
            assert json.loads(body) == json.loads(fresh)
        if worn:
            break
        grown = len(strings)
        assert answer(("check", {"draft": draft, "customer": f"Where is my {words[0]}?"}, ()))[1:] == (body, False)
        assert len(strings) == grown  # the same request again meets only words it already knows
    assert worn and 300 <= len(strings) - start < 300 + 200  # a window's strings and one request's at most
    narrowed = service._answerer(coach, recycle_mb=10**6)  # a narrowed Coach's new words count too
    for i in range(40):
        status, body, worn = narrowed(("check", {"draft": " ".join(_fresh_words(30, 100 + i))}, ("tone",)))
        assert status in (200, 422)
        if worn:
            break
    assert worn


def test_a_process_that_grew_too_much_is_replaced():
    with TestClient(create_app(settings=ServiceSettings(recycle_mb=0, checkers=1))) as client:
        seen = set()
        for words in (_fresh_words(30, 1), _fresh_words(30, 2)):
            response = client.post("/v1/check", json={"draft": "Thanks! " + " ".join(words)})
            assert response.status_code in (200, 422)
            seen.update(client.app.state.checkers.pids())
        assert len(seen) >= 2


def test_serve_options_reach_the_app(monkeypatch, capsys):
    from replycoach.cli import main
    from replycoach.service import app_from_environment

    assert main(["serve", "--checkers", "0"]) == 2 and "RC303" in capsys.readouterr().err
    monkeypatch.setenv("REPLYCOACH_SERVE", json.dumps({"max_body_bytes": 9000, "timeout": 4.5, "checkers": 3,
                                                       "cors_origins": [], "rules": [], "config": None}))
    settings = app_from_environment().state.checkers.settings
    assert (settings.max_body_bytes, settings.timeout, settings.checkers) == (9000, 4.5, 3)


def test_the_access_log_is_off_unless_asked_for(monkeypatch):
    from replycoach import service
    from replycoach.cli import main

    asked: list[bool] = []
    monkeypatch.setattr(service, "serve", lambda **kwargs: asked.append(kwargs["access_log"]))
    assert main(["serve"]) == 0 and main(["serve", "--access-log"]) == 0
    assert asked == [False, True]


# --- replycoach serve --workers N: server processes forked from one Coach -------------------

def _children(pid: int) -> list[int]:
    return [c for c in children(pid) if alive(c)]


@pytest.mark.skipif(not __import__("sys").platform.startswith("linux"), reason="reads /proc, forks")
def test_serve_workers_fork_from_one_process_are_replaced_and_all_stop(tmp_path):
    import os
    import signal
    import socket
    import subprocess
    import sys
    from pathlib import Path

    import httpx

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    root = Path(__file__).resolve().parent.parent
    proc = subprocess.Popen([sys.executable, "-m", "replycoach.cli", "serve", "--port", str(port), "--workers", "2",
                             "--checkers", "1"], cwd=root, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}/v1/check"

    def answers() -> bool:
        try:
            return httpx.post(url, json={"draft": DRAFT}, timeout=5).status_code == 200
        except httpx.HTTPError:
            return False

    everyone: set[int] = set()
    try:
        assert wait_for(answers, 120), "the service did not start"
        servers = wait_for(lambda: (lambda c: c if len(c) == 2 else None)(_children(proc.pid)), 30)
        assert servers and len(servers) == 2
        # forked, not spawned (a spawned process runs multiprocessing's own command line): they
        # share the Coach the parent built, rather than each building its own
        command = Path(f"/proc/{proc.pid}/cmdline").read_bytes()
        assert all(Path(f"/proc/{s}/cmdline").read_bytes() == command for s in servers)
        checkers = {s: wait_for(lambda s=s: _children(s), 30) for s in servers}
        everyone = {*servers, *(c for cs in checkers.values() for c in cs)}
        os.kill(servers[0], signal.SIGKILL)  # a server process lost: its check process ends, another server starts
        assert wait_for(lambda: not any(alive(c) for c in checkers[servers[0]]), 10)
        replaced = wait_for(lambda: (lambda c: c if len(c) == 2 and servers[0] not in c else None)(
            _children(proc.pid)), 60)
        assert replaced and servers[1] in replaced
        everyone |= {*replaced, *(c for s in replaced for c in _children(s))}
        assert wait_for(answers, 60)
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(30) == 0
        assert wait_for(lambda: not any(alive(p) for p in everyone), 10), "a process outlived `replycoach serve`"
    finally:
        proc.kill()
        proc.wait()
        for p in everyone:
            try:
                os.kill(p, signal.SIGKILL)
            except OSError:
                pass


def test_a_free_process_goes_to_the_first_waiter_still_waiting():
    import asyncio

    from replycoach.service import _Idle

    async def scenario() -> tuple[object, object, object]:
        idle = _Idle()
        first = asyncio.ensure_future(idle.get(timeout=0.05))  # gives up before anything is free
        second = asyncio.ensure_future(idle.get(timeout=5))
        await asyncio.sleep(0.2)
        idle.put("worker")  # not lost to the waiter that timed out
        got = await second
        with pytest.raises(TimeoutError):
            await first
        idle.put("again")
        return got, await idle.get(timeout=1), idle.get_nowait()

    assert asyncio.run(scenario()) == ("worker", "again", None)
