"""replycoach: tells a support agent, before they press send, what in a draft reply will land badly."""

from __future__ import annotations

from .coach import Coach, Draft
from .config import ChannelPolicy, Config, load_config
from .errors import ConfigError, InputError, ReplycoachError, RuleError
from .models import (
    CATEGORIES,
    SCHEMA_VERSION,
    Edit,
    Evidence,
    Finding,
    Fix,
    Metrics,
    Report,
    Severity,
    Signal,
    Strength,
)
from .rewrite import Rewrite, Rewriter, RuleRewriter

__version__ = "0.1.0"

__all__ = [
    "CATEGORIES",
    "ChannelPolicy",
    "Coach",
    "Config",
    "ConfigError",
    "Draft",
    "Edit",
    "Evidence",
    "Finding",
    "Fix",
    "InputError",
    "Metrics",
    "ReplycoachError",
    "Report",
    "Rewrite",
    "Rewriter",
    "RuleError",
    "RuleRewriter",
    "SCHEMA_VERSION",
    "Severity",
    "Signal",
    "Strength",
    "__version__",
    "check",
    "load_config",
]

_default: Coach | None = None


def check(draft: str, *, customer: str | None = None, channel: str | None = None) -> Report:
    """Check one draft with the shipped rules and default config (the Coach is built once)."""
    global _default
    if _default is None:
        _default = Coach()
    return _default.check(draft, customer=customer, channel=channel)
