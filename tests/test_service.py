"""The HTTP API: the same JSON as the CLI, coded errors, limits, key and CORS."""

import json

import pytest

fastapi = pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402

from replycoach import Coach  # noqa: E402
from replycoach.service import ServiceSettings, create_app  # noqa: E402

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
    assert set(data) == {"text", "edits", "before", "after", "todos"} and data["after"]["score"] >= data["before"]["score"]


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
