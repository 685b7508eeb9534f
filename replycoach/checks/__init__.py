"""The built-in rule kinds, one module each; importing this package registers them."""

from . import (
    acronym,
    budget,
    exchange,
    exchange_unless,
    lone,
    metric,
    model,
    pattern,
    phrases,
    rarity,
    regexp,
    repeated,
    required,
    runon,
    stock,
    substitution,
)
from .base import KINDS, Check, MatcherBank, register_kind

__all__ = ["KINDS", "Check", "MatcherBank", "register_kind"]

# Importing the kind modules above registers them; nothing else here needs their names.
_REGISTERED = (acronym, budget, exchange, exchange_unless, lone, metric, model, pattern, phrases, rarity, regexp,
               repeated, required, runon, stock, substitution)
