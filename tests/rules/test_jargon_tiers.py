"""The two acronym tiers and the domain glossaries stay in step (rules/jargon/)."""

import re
from pathlib import Path

import yaml

from replycoach.language import zipf

JARGON = Path(__file__).resolve().parents[2] / "rules" / "jargon"
ACRONYM = re.compile(r"\b[0-9]?[A-Z][A-Z0-9&]{1,7}\b")


def _load(name: str) -> dict:
    return yaml.safe_load((JARGON / name).read_text(encoding="utf-8"))


def test_acronyms_a_glossary_explains_are_left_to_it_by_the_warning_tier():
    """A rare acronym a glossary swaps (with its plain replacement) must be allowed by
    rare-acronyms.yaml: a warning there would take the glossary's place and drop its fix."""
    tier = _load("rare-acronyms.yaml")
    left = {a.upper() for a in tier["allow"]} | {k.upper() for k in tier["known"]}
    missing = set()
    for path in sorted(JARGON.glob("*.yaml")):
        spec = _load(path.name)
        if spec["kind"] != "substitution":
            continue
        for phrase in spec.get("swap", {}):
            for token in ACRONYM.findall(phrase):
                if (tier["min_length"] <= len(token) <= tier["max_length"] and not token[-1].isdigit()
                        and zipf(token.lower()) < tier["rarer_than"] and token not in left):
                    missing.add(f"{path.name}: {token}")
    assert not missing, sorted(missing)


def test_each_expansion_lives_in_one_tier():
    common, rare = _load("acronyms.yaml")["known"], _load("rare-acronyms.yaml")["known"]
    assert not set(common) & set(rare)
    assert all(zipf(k.lower()) < 3.0 for k in rare)
