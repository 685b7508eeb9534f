"""The built-in rule kinds, one module each; importing this package registers them."""

from . import acronym, budget, metric, model, pattern, phrases, rarity, regexp, repeated, required, substitution
from .base import KINDS, Check, MatcherBank, Rule, register_kind

__all__ = ["KINDS", "Check", "MatcherBank", "Rule", "register_kind"]

BUILTIN_KINDS = (acronym, budget, metric, model, pattern, phrases, rarity, regexp, repeated, required, substitution)
