"""replycoach: tells a support agent, before they press send, what in a draft reply will land badly."""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
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

# Public names and the module each lives in, imported on first use (PEP 562): `import replycoach`
# must stay cheap for `replycoach --version` and `rules list`, which never build a Coach.
_LAZY = {
    **dict.fromkeys(("Coach", "Draft"), ".coach"),
    **dict.fromkeys(("ChannelPolicy", "Config", "load_config"), ".config"),
    **dict.fromkeys(("ConfigError", "InputError", "ReplycoachError", "RuleError"), ".errors"),
    **dict.fromkeys(("CATEGORIES", "SCHEMA_VERSION", "Edit", "Evidence", "Finding", "Fix", "Metrics", "Report",
                     "Severity", "Signal", "Strength"), ".models"),
    **dict.fromkeys(("Rewrite", "Rewriter", "RuleRewriter"), ".rewrite"),
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'replycoach' has no attribute {name!r}")
    value = getattr(import_module(module, __name__), name)
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})


_default: Coach | None = None


def check(draft: str, *, customer: str | None = None, channel: str | None = None) -> Report:
    """Check one draft with the shipped rules and default config (the Coach is built once)."""
    global _default
    if _default is None:
        from .coach import Coach

        _default = Coach()
    return _default.check(draft, customer=customer, channel=channel)
