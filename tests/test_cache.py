"""The compiled-pack cache: used when valid, rebuilt when stale or damaged, never required."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from replycoach import Coach, Config, RuleError
from replycoach.cache import PART, CacheStore, Table, fingerprint, open_store, pack_table
from replycoach.cli import main

PHRASE_RULE = """\
kind: phrases
category: canned
severity: warning
message: Stock line.
why: Customers read it as a form letter.
phrases: ["{phrase}"]
examples:
  flag: ["{phrase} today."]
  pass: ["All good."]
"""

DRAFTS = [
    ("Hi Sam, we apologize for any inconvenience caused. Please DM us your order number and we will "
     "escalate the ticket to our tier 2 team ASAP.", "Where is my refund?? Nobody answers!!"),
    ("Thanks for reaching out! I've refunded the duplicate charge; you'll see it in 3-5 business days.", None),
    ("Unfortunately that's not something we can do. As per our policy, kindly utilize the portal.",
     "I was charged twice for my order and I'm furious."),
]


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("REPLYCOACH_CACHE_DIR", str(folder))
    monkeypatch.delenv("REPLYCOACH_NO_CACHE", raising=False)
    return folder


def _pack_coach(pack: Path) -> Coach:
    return Coach(config=Config(shipped_packs=False), rules=[pack])


def _fired(coach: Coach, draft: str) -> list[str]:
    return [f.rule for f in coach.check(draft).findings]


def test_a_coach_from_the_cache_reports_exactly_what_one_without_it_does(cache_dir: Path):
    Coach()  # fills the cache
    # (the syllable table is read once per process: an earlier test may have read it)
    assert {p.name.partition("-")[0] for p in cache_dir.iterdir()} >= {"phrases", "yaml"}
    cached, fresh = Coach(), Coach(cache=False)
    for draft, customer in DRAFTS:
        assert cached.check(draft, customer=customer).to_json() == fresh.check(draft, customer=customer).to_json()


def test_a_changed_rule_file_is_picked_up(cache_dir: Path, make_pack: Callable[..., Path]):
    pack = make_pack(stock=PHRASE_RULE.format(phrase="rest assured"))
    assert _fired(_pack_coach(pack), "Rest assured we are on it.") == ["team.stock"]
    (pack / "stock.yaml").write_text(PHRASE_RULE.format(phrase="at your earliest convenience"), encoding="utf-8")
    coach = _pack_coach(pack)
    assert _fired(coach, "Rest assured we are on it.") == []
    assert _fired(coach, "Reply at your earliest convenience.") == ["team.stock"]


def test_a_corrupted_cache_file_is_rebuilt(cache_dir: Path, make_pack: Callable[..., Path]):
    pack = make_pack(stock=PHRASE_RULE.format(phrase="rest assured"))
    _pack_coach(pack)
    # What each Coach reads; the word tables (syllables, Pyphen, Zipf) are read once per process,
    # so a process that has them never reads their files again.
    per_coach = [p for p in cache_dir.iterdir() if p.name.partition("-")[0] in ("phrases", "yaml")]
    assert len(per_coach) == 2
    damaged = {}
    for path in per_coach:
        raw = bytearray(path.read_bytes())
        raw[len(raw) // 2] ^= 0xFF  # one flipped byte in the middle
        path.write_bytes(bytes(raw[: len(raw) - 7]))  # and truncated
        damaged[path.name] = path.stat().st_size
    assert _fired(_pack_coach(pack), "Rest assured we are on it.") == ["team.stock"]
    store = CacheStore(cache_dir)
    for path in per_coach:
        name, _, key = path.stem.partition("-")
        assert path.stat().st_size != damaged[path.name]  # written again, whole
        assert store._path(name, key) == path
    assert all(CacheStore(cache_dir).load(p.stem.partition("-")[0], "not the key") is None for p in cache_dir.iterdir())


def test_a_store_reads_back_what_it_wrote_and_nothing_under_another_key(tmp_path: Path):
    store = CacheStore(tmp_path / "c")
    assert store.load("phrases", "k1") is None
    assert store.save("phrases", "k1", {"1rest assured": (("rest", "assured"), (True, False), ("rest", "assure"))})
    assert store.load("phrases", "k1") == {"1rest assured": (("rest", "assured"), (True, False), ("rest", "assure"))}
    assert store.load("phrases", "k2") is None
    assert not store.save("phrases", "k3", {"a date": object()})  # not plain data: not written, no traceback
    assert not list((tmp_path / "c").glob(".*.tmp"))


def test_a_packed_table_reads_back_part_by_part(tmp_path: Path):
    table = {"refund": 2, "refunded": 3, "ref": 1, "a": 1, "zebra": 2, "utilise": 3, "ünïcode": 3}
    store = CacheStore(tmp_path)
    assert store.save("syllables", "k", pack_table(table))
    read = Table.unpack(store.load("syllables", "k"))
    assert read is not None and len(read) == len(table)
    assert read.get("refunded") == 3 and read._parts.keys() == {"ref"}  # one part read, the others not
    assert read.get("refuse") is None and read.get("refuse", 0) == 0 and read.get("qqq", -1) == -1
    assert read.get("a") == 1 and read.get("ünïcode") == 3
    assert read.to_dict() == table
    assert all(len(prefix) <= PART for prefix in read._index)


@pytest.mark.parametrize("value", [None, {"refund": 2}, ("parts-1", 1, {}, b""), ("parts-0", 1, {"a": (0, 1)}, b"x"),
                                   ("parts-1", "1", {"a": (0, 1)}, b"x"), ("parts-1", 1, {"a": (0, 1)}, "x")])
def test_a_value_that_is_not_a_packed_table_is_not_read_as_one(value: object):
    assert Table.unpack(value) is None


@pytest.mark.parametrize("index", [{"ref": (0, 999)}, {"ref": [0, 1]}, {"ref": (5, 2)}])
def test_a_part_outside_its_table_is_an_error_not_a_wrong_answer(index: dict[str, object]):
    _, size, _, data = pack_table({"refund": 2})
    table = Table.unpack(("parts-1", size, index, data))
    assert table is not None and table.get("zzz") is None  # another part: not read
    with pytest.raises(ValueError, match="part 'ref'"):
        table.get("refund")


def test_a_word_table_cached_in_another_shape_is_computed_again(tmp_path: Path):
    from replycoach import pipeline

    store = CacheStore(tmp_path)
    calls = []

    def compute() -> dict[str, int]:
        calls.append(1)
        return {"refund": 2}

    store.save("syllables", "k", {"refund": 9})  # a whole dict, as an older version wrote it
    assert pipeline._cached_table(store, "syllables", "k", compute) == {"refund": 2} and calls == [1]
    read = pipeline._cached_table(store, "syllables", "k", compute)  # saved packed: read back, not computed
    assert isinstance(read, Table) and read.get("refund") == 2 and calls == [1]


def test_old_entries_are_pruned(tmp_path: Path):
    store = CacheStore(tmp_path)
    for i in range(12):
        store.save("phrases", f"key{i}", i)
    assert len(list(tmp_path.glob("phrases-*.bin"))) == 8
    assert store.load("phrases", "key11") == 11


def test_an_unwritable_cache_dir_still_works(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                             make_pack: Callable[..., Path]):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv("REPLYCOACH_CACHE_DIR", str(blocker / "cache"))
    pack = make_pack(stock=PHRASE_RULE.format(phrase="rest assured"))
    assert _fired(_pack_coach(pack), "Rest assured we are on it.") == ["team.stock"]
    assert blocker.read_text(encoding="utf-8") == "not a folder"


def test_the_cache_can_be_turned_off(cache_dir: Path, monkeypatch: pytest.MonkeyPatch,
                                     make_pack: Callable[..., Path]):
    pack = make_pack(stock=PHRASE_RULE.format(phrase="rest assured"))
    Coach(config=Config(shipped_packs=False), rules=[pack], cache=False)
    assert not cache_dir.exists()
    monkeypatch.setenv("REPLYCOACH_NO_CACHE", "1")
    assert open_store() is None
    _pack_coach(pack)
    assert not cache_dir.exists()


def test_no_cache_on_the_command_line(cache_dir: Path, tmp_path: Path, make_pack: Callable[..., Path],
                                      monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]):
    monkeypatch.setenv("REPLYCOACH_NO_CACHE", "")  # restored after the test: main() sets it
    draft = tmp_path / "draft.txt"
    draft.write_text("Rest assured we are on it.", encoding="utf-8")
    pack = make_pack(stock=PHRASE_RULE.format(phrase="rest assured"))
    # --min-score 100: the exit status says the draft was judged, whatever the default threshold.
    assert main(["check", str(draft), "--rules", str(pack), "--no-cache", "--format", "json",
                 "--min-score", "100"]) == 1
    assert "team.stock" in capsys.readouterr().out
    assert not cache_dir.exists()


def test_an_error_in_a_rule_file_read_from_the_cache_still_names_its_line(cache_dir: Path,
                                                                          make_pack: Callable[..., Path]):
    pack = make_pack(stock=PHRASE_RULE.format(phrase="rest assured") + "severty: error\n")
    places = []
    for _ in range(2):  # parsed, then from the cache
        with pytest.raises(RuleError) as err:
            _pack_coach(pack)
        places.append((err.value.code, err.value.place))
    assert places[0] == places[1] and places[0][1].endswith("stock.yaml:10")


@pytest.mark.parametrize("enabled", [True, False])
def test_gc_paused_turns_collection_off_inside_and_back_as_it_was(enabled: bool):
    import gc

    from replycoach.cache import gc_paused

    was = gc.isenabled()
    try:
        (gc.enable if enabled else gc.disable)()
        with pytest.raises(KeyError), gc_paused():
            assert not gc.isenabled()
            raise KeyError("an error inside still restores it")
        assert gc.isenabled() is enabled
    finally:
        (gc.enable if was else gc.disable)()


def test_building_a_coach_leaves_collection_on(cache_dir: Path, make_pack: Callable[..., Path]):
    import gc

    assert gc.isenabled()
    _pack_coach(make_pack(stock=PHRASE_RULE.format(phrase="rest assured")))
    assert gc.isenabled()


def test_a_weights_file_is_checked_against_its_recipe_once_per_content(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    import json

    from replycoach import linear

    shipped = Path(linear.__file__).parent / "data" / "customer-upset.json"
    path = tmp_path / "model.json"
    path.write_bytes(shipped.read_bytes())
    checks: list[str] = []
    real = linear._feature_problem
    monkeypatch.setattr(linear, "_feature_problem", lambda name, *a: checks.append(name) or real(name, *a))
    monkeypatch.setattr(linear, "_checked_store", None)
    store = CacheStore(tmp_path / "cache")

    def load() -> int:
        checks.clear()
        linear.load_weights(path)
        return len(checks)

    assert load() > 100  # no store: every feature checked, every time
    assert load() > 100
    linear.use_store(store)
    assert load() > 100  # checked, and the file's key kept
    assert load() == 0  # the same bytes: trusted
    data = json.loads(path.read_text())
    data["weights"]["r.zz:nonsense"] = 1.0
    path.write_text(json.dumps(data))
    for _ in range(2):  # a changed file is checked again; a bad one is never trusted
        with pytest.raises(RuleError) as err:
            load()
        assert err.value.code == "RC209" and "r.zz:nonsense" in str(err.value)


@pytest.mark.parametrize(("one", "other"), [
    (("ab", ""), ("a", "b")),  # where one part ends and the next begins
    (("a",), (b"a",)),  # text and the same bytes
    ((1,), ("1",)),  # a number and its digits
    (("a\0",), ("a", "")),
    (("é",), ("e\u0301",)),
])
def test_a_key_tells_its_parts_apart(one: tuple[object, ...], other: tuple[object, ...]):
    assert fingerprint(*one) != fingerprint(*other)
    assert fingerprint(*one) == fingerprint(*one)
