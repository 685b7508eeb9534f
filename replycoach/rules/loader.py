"""Rule packs: folders of YAML rule files, strictly validated, with errors that name file and line.

A rule's id comes from its path: `rules/tone/blame.yaml` in pack `tone` is `tone.blame`;
`team/billing/refunds.yaml` in pack `team` is `team.billing.refunds`. Files are parsed with
YAML's safe loader: rule files are data and cannot run code.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from functools import lru_cache
from importlib.metadata import entry_points
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml
from pydantic import ValidationError

from ..errors import RuleError
from ..models import Severity

if TYPE_CHECKING:
    from ..checks.base import Check, Rule

__all__ = ["RulePack", "discover_packs", "load_pack", "load_rule_file", "shipped_packs_dir"]

RULE_SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True)
class RulePack:
    """A named folder of rules."""

    name: str
    path: Path
    rules: tuple[Rule[Any], ...]


def shipped_packs_dir() -> Path:
    """The packs shipped with replycoach: `replycoach/_packs` in a wheel, `rules/` in a checkout."""
    package = Path(__file__).resolve().parent.parent
    for candidate in (package / "_packs", package.parent / "rules"):
        if candidate.is_dir():
            return candidate
    raise RuleError("the shipped rule packs are missing from this installation", code="RC205",
                    place=str(package), remedy="reinstall replycoach")


@lru_cache(maxsize=1)
def kinds() -> dict[str, type[Check[Any]]]:
    """Built-in kinds plus those registered by other packages under the `replycoach.kinds` entry point."""
    from ..checks import KINDS, register_kind
    from ..checks.base import Check

    for ep in entry_points(group="replycoach.kinds"):
        try:
            cls = ep.load()
        except Exception as err:  # a broken plugin must not take the built-in rules down with it
            raise RuleError(f"rule kind plugin {ep.name!r} ({ep.value}) failed to load: {err}",
                            code="RC208", remedy="fix or uninstall the plugin package") from None
        if not (isinstance(cls, type) and issubclass(cls, Check)):
            raise RuleError(f"rule kind plugin {ep.name!r} is not a replycoach Check class",
                            code="RC208", remedy="point the entry point at a Check subclass")
        register_kind(ep.name)(cls)
    return KINDS


def discover_packs(path: Path) -> list[Path]:
    """A pack folder (YAML files inside) or a folder of pack folders."""
    if not path.is_dir():
        raise RuleError("rule pack path does not exist or is not a folder", code="RC205",
                        place=str(path), remedy="pass a folder of YAML rule files")
    if any(p.suffix in RULE_SUFFIXES for p in path.iterdir() if p.is_file()):
        return [path]
    packs = sorted(p for p in path.iterdir() if p.is_dir() and not p.name.startswith((".", "_")))
    if not packs:
        raise RuleError("no rule files found", code="RC205", place=str(path),
                        remedy="a pack is a folder of .yaml rule files")
    return packs


def load_pack(path: str | Path, *, name: str | None = None,
              relevel: dict[str, Severity] | None = None) -> RulePack:
    """Load and validate every rule file in a pack folder."""
    path = Path(path)
    pack_name = name or path.name
    files = sorted(p for p in path.rglob("*") if p.suffix in RULE_SUFFIXES and p.is_file())
    if not files:
        raise RuleError("no rule files found", code="RC205", place=str(path),
                        remedy="a pack is a folder of .yaml rule files")
    rules = tuple(load_rule_file(f, rule_id=_rule_id(pack_name, path, f), relevel=relevel) for f in files)
    return RulePack(name=pack_name, path=path, rules=rules)


def _rule_id(pack: str, root: Path, file: Path) -> str:
    return ".".join([pack, *file.relative_to(root).with_suffix("").parts])


# libyaml's C loader when PyYAML has it (ten times faster); same safe semantics.
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Lazy:
    """A rule file's YAML node tree, composed on first use (only error messages need it)."""

    def __init__(self, source: str) -> None:
        self.source = source

    def node(self) -> yaml.Node | None:
        return yaml.compose(self.source, Loader=yaml.SafeLoader)


def _node_at(root: yaml.Node | _Lazy | None, loc: tuple[Any, ...]) -> yaml.Node | None:
    """The YAML node at a pydantic error location, as deep as the location reaches."""
    node = root.node() if isinstance(root, _Lazy) else root
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            match = next(((k, v) for k, v in node.value if k.value == part), None)
            if match is None:
                return node
            node = match[0] if part == loc[-1] else match[1]
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            node = node.value[part]
        else:
            return node
    return node


def _place(file: Path, node: yaml.Node | None) -> str:
    line = node.start_mark.line + 1 if node is not None else 1
    return f"{file}:{line}"


def _remedy(error: dict[str, Any], fields: list[str]) -> str:
    name = str(error["loc"][-1]) if error["loc"] else ""
    if error["type"] == "extra_forbidden":
        close = difflib.get_close_matches(name, fields, n=1)
        hint = f"did you mean '{close[0]}'? " if close else ""
        return f"{hint}remove '{name}' or use one of: {', '.join(fields)}"
    if error["type"] == "missing":
        return f"add '{name}'"
    if isinstance(error.get("input"), bool):
        return "YAML reads unquoted yes/no/on/off/true/false as booleans: put the text in quotes"
    return "fix this value"


_BRANCH_NAMES = {"str", "int", "float", "bool", "list", "dict"}


def _most_specific(err: ValidationError) -> dict[str, Any]:
    """The error to report: for a value that may take several shapes (a union), pydantic reports
    one error per shape; the deepest location is the one the author most likely meant."""
    def is_branch(part: Any) -> bool:
        return isinstance(part, str) and (part in _BRANCH_NAMES or "[" in part or part[:1].isupper()
                                          and part.isidentifier() and part.endswith(("Replacement", "Example")))

    errors = [dict(e, loc=tuple(p for p in e["loc"] if not is_branch(p))) for e in err.errors()]
    # A misspelt field gives both "unknown field" and "missing field"; the first says more.
    return max(errors, key=lambda e: (e["type"] == "extra_forbidden", len(e["loc"]),
                                      e["type"] != "string_type"))


def load_rule_file(file: Path, *, rule_id: str, relevel: dict[str, Severity] | None = None) -> Rule[Any]:
    """Parse, validate and wrap one rule file; every failure is a RuleError with file and line."""
    from ..checks.base import Rule

    try:
        source = file.read_text(encoding="utf-8")
        data = yaml.load(source, Loader=_SAFE_LOADER)
    except OSError as err:
        raise RuleError(f"cannot read rule file: {err.strerror}", code="RC205", place=str(file)) from None
    except UnicodeDecodeError:
        raise RuleError("rule file is not UTF-8", code="RC203", place=str(file),
                        remedy="save it as UTF-8") from None
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        place = f"{file}:{mark.line + 1}" if mark else str(file)
        problem = getattr(err, "problem", None) or str(err)
        raise RuleError(f"not valid YAML: {problem}", code="RC203", place=place,
                        remedy="check indentation and quoting; quote text containing ': ' or '#'") from None
    root = _Lazy(source)  # the node tree, for line numbers, is built only if something is wrong
    if not isinstance(data, dict):
        raise RuleError("a rule file must be a mapping of fields", code="RC202", place=f"{file}:1",
                        remedy="start with 'kind: ...' and 'category: ...'")
    known = kinds()
    kind = data.get("kind")
    if kind not in known:
        close = difflib.get_close_matches(str(kind), list(known), n=1)
        hint = f"did you mean '{close[0]}'? " if close else ""
        raise RuleError(f"unknown kind {kind!r}" if kind else "missing 'kind'", code="RC201",
                        place=_place(file, _node_at(root, ("kind",))),
                        remedy=f"{hint}expected one of: {', '.join(sorted(known))}")
    check_cls = known[kind]
    try:
        spec = check_cls.Spec.model_validate(data)
    except ValidationError as err:
        error = _most_specific(err)
        field = ".".join(str(p) for p in error["loc"]) or "(file)"
        raise RuleError(f"{field}: {error['msg']}", code="RC202",
                        place=_place(file, _node_at(root, error["loc"])),
                        remedy=_remedy(error, list(check_cls.Spec.model_fields))) from None
    severity = spec.severity
    for prefix, level in sorted((relevel or {}).items(), key=lambda kv: len(kv[0])):
        if rule_id == prefix or rule_id.startswith(prefix + "."):
            severity = level
    return Rule(id=rule_id, spec=spec, path=file, severity=severity)


def compile_error(rule: Rule[Any], err: Exception) -> RuleError:
    """A check's compile-time ValueError, placed at the field that holds what failed to compile
    (patterns, phrases, swap, any or exceptions), or at line 1 if none is found."""
    try:
        root = yaml.compose(rule.path.read_text(encoding="utf-8"), Loader=yaml.SafeLoader)
    except (OSError, yaml.YAMLError):
        root = None
    node = None
    for field in ("patterns", "pattern", "phrases", "swap", "any", "exceptions"):
        node = _node_at(root, (field,))
        if node is not root:
            break
    return RuleError(f"{rule.id}: {err}", code="RC204", place=_place(rule.path, node),
                     remedy="change the pattern as the message says")
