"""Team configuration: `replycoach.toml`, or `[tool.replycoach]` in pyproject.toml."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .errors import ConfigError
from .models import Severity

__all__ = ["ChannelPolicy", "Config", "find_config", "load_config"]


class ChannelPolicy(BaseModel):
    """What a channel expects of a reply."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    grade: float = Field(8.0, description="Target reading grade (Flesch-Kincaid).")
    thanks: bool = Field(True, description="A thank-you line is expected.")


def _default_weights() -> dict[Severity, float]:
    return {Severity.suggestion: 3.0, Severity.warning: 10.0, Severity.error: 25.0}


def _default_channels() -> dict[str, ChannelPolicy]:
    return {"email": ChannelPolicy(grade=8, thanks=True), "chat": ChannelPolicy(grade=6, thanks=False)}


class Config(BaseModel):
    """Everything a team can set. Paths are relative to the config file."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    packs: tuple[Path, ...] = Field(default=(), description="Extra rule packs (folders of YAML files).")
    shipped_packs: bool = Field(True, description="Load the packs shipped with replycoach.")
    disable: tuple[str, ...] = Field(default=(), description="Rule ids or id prefixes to switch off.")
    severity: dict[str, Severity] = Field(default_factory=dict,
                                          description="Re-level rules by id or prefix.")
    # Calibrated on labelled-replies/dev.jsonl (benchmarks/judgement.py): at 83, 87% of the replies
    # trainers would send pass and 15% of those they would rewrite, the middle of the range (81-84)
    # where both targets (>= 80% and <= 20%) hold; 87 passed only 76% of send replies once the
    # detectors grew stricter (at the old 70: 99% and 74%).
    threshold: int = Field(83, ge=0, le=100, description="Overall score needed to pass.")
    channels: dict[str, ChannelPolicy] = Field(default_factory=_default_channels)
    default_channel: str = "email"
    allow: tuple[str, ...] = Field(default=(), description="Team terms never flagged as jargon.")
    rarity_zipf: float = Field(2.6, ge=0, le=8, description="Words rarer than this Zipf value are flagged.")
    customer_model: str | None = Field(
        None, description="Weights file of the customer-state model (from `replycoach train --reads customer`); "
                          "unset: the shipped model; 'sentiment': the older VADER-and-cues test.")
    upset_sentiment: float = Field(-0.35, ge=-1, le=1,
                                   description="With customer_model = 'sentiment': the VADER compound at "
                                               "or below which a customer is upset.")
    weights: dict[Severity, Annotated[float, Field(ge=0)]] = Field(default_factory=_default_weights)
    max_chars: int = Field(100_000, ge=100)
    model: str | None = Field(None, description="A trained spaCy pipeline to load instead of blank English.")

    def policy(self, channel: str) -> ChannelPolicy:
        try:
            return self.channels[channel]
        except KeyError:
            raise ConfigError(f"unknown channel {channel!r}", code="RC302",
                              remedy=f"use one of: {', '.join(sorted(self.channels))}, "
                                     "or add it under [channels] in the config") from None

    def merged(self, **changes: object) -> Config:
        data = self.model_dump()
        data.update(changes)
        return Config.model_validate(data)


def find_config(start: Path | None = None) -> Path | None:
    """The nearest replycoach.toml, or pyproject.toml with [tool.replycoach], from `start` upward."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "replycoach.toml").is_file():
            return folder / "replycoach.toml"
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file() and "[tool.replycoach" in pyproject.read_text(encoding="utf-8", errors="replace"):
            return pyproject
    return None


def load_config(path: str | Path | None = None) -> Config:
    """Read a config file; `None` gives the defaults."""
    if path is None:
        return Config()
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as err:
        raise ConfigError(f"cannot read config: {err.strerror}", code="RC301", place=str(path)) from None
    except UnicodeDecodeError as err:
        raise ConfigError(f"not UTF-8 (byte {err.object[err.start]:#04x} at offset {err.start})", code="RC301",
                          place=str(path), remedy="save the file as UTF-8") from None
    except tomllib.TOMLDecodeError as err:
        raise ConfigError(f"not valid TOML: {err}", code="RC301", place=str(path),
                          remedy="fix the TOML syntax") from None
    if path.name == "pyproject.toml":
        data = data.get("tool", {}).get("replycoach", {})
    # Channels and weights name only what they change; the rest keep their defaults. A value of
    # the wrong shape is left as it is, for validation to name.
    channels = data.get("channels")
    if isinstance(channels, dict):
        defaults = {k: v.model_dump() for k, v in _default_channels().items()}
        data["channels"] = {**defaults, **{k: {**defaults.get(k, {}), **v} if isinstance(v, dict) else v
                                           for k, v in channels.items()}}
    if isinstance(data.get("weights"), dict):
        data["weights"] = {**{k.value: v for k, v in _default_weights().items()}, **data["weights"]}
    if isinstance(data.get("packs"), list):
        data["packs"] = [str((path.parent / p).resolve()) if isinstance(p, str) else p for p in data["packs"]]
    if isinstance(data.get("customer_model"), str) and data["customer_model"] != "sentiment":
        data["customer_model"] = str((path.parent / data["customer_model"]).resolve())
    try:
        return Config.model_validate(data)
    except ValidationError as err:
        first = err.errors()[0]
        field = ".".join(str(p) for p in first["loc"])
        raise ConfigError(f"{field}: {first['msg']}", code="RC301", place=str(path),
                          remedy="see the README's configuration reference") from None
