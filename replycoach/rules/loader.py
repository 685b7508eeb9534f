"""Rule packs: folders of YAML rule files, strictly validated, with errors that name file and line.

A rule's id comes from its path: `rules/tone/blame.yaml` in pack `tone` is `tone.blame`;
`team/billing/refunds.yaml` in pack `team` is `team.billing.refunds`. Files are parsed with
YAML's safe loader: rule files are data and cannot run code. What a file may cost is bounded
before it is paid: its bytes, its YAML nodes with aliases expanded, and its phrase variants
(also per pack); the check kinds bound their patterns' compiled size.
"""

from __future__ import annotations

import difflib
import errno
import hashlib
import os
import stat
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib.metadata import entry_points
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from ..cache import package_version
from ..checks import KINDS, Check, register_kind  # the package: importing it registers the built-in kinds
from ..errors import RuleError
from ..models import Severity
from .schema import Rule, RuleSpec, count_variants, stray_alternation

if TYPE_CHECKING:  # PyYAML is imported where a file is parsed: a Coach whose files all come from
    # the compiled-pack cache never imports it (0.015 s)
    import yaml

    from ..config import Config

__all__ = ["ParsedFiles", "RulePack", "RuleSet", "discover_packs", "load_pack", "load_rule_file", "load_rules",
           "names_rule", "shipped_packs_dir"]

RULE_SUFFIXES = (".yaml", ".yml")


def names_rule(name: str, rule_id: str) -> bool:
    """Whether `name`, an id or a dotted prefix ("tone", "tone.blame"), names the rule `rule_id`:
    how `disable`, `relevel`, `ignore` and the service's `rules` all pick rules."""
    return rule_id == name or rule_id.startswith(name + ".")
# Limits, each far above what the shipped packs use (largest file 15 KB, 1,209 nodes,
# 1,057 phrase variants; largest pack 2,306 variants).
MAX_FILE_BYTES = 1 << 20
MAX_YAML_NODES = 100_000  # with aliases expanded: anchors nested 9 deep make 10^9 ("billion laughs")
MAX_FILE_VARIANTS = 10_000  # `{a|b}` phrase variants, summed over a file's phrase lists
MAX_PACK_VARIANTS = 25_000


@dataclass(frozen=True)
class RulePack:
    """A named folder of rules."""

    name: str
    path: Path
    rules: tuple[Rule[Any], ...]


@dataclass
class ParsedFiles:
    """Rule files' data as YAML parsing left it, by the SHA-256 of the file's text: kept in the
    compiled-pack cache, so a file whose bytes are unchanged is not parsed again (its data is
    validated all the same). `added` says whether loading parsed files it did not hold."""

    data: dict[str, Any]
    added: bool = False

    KEY_PARTS = ("yaml-data", 1, package_version("PyYAML"))  # with this module's bytes, the cache key


@dataclass(frozen=True)
class RuleSet:
    """The packs a config and extra pack folders name, parsed and validated but not compiled: what
    `rules list` and `rules show` read, and what a Coach compiles."""

    packs: tuple[RulePack, ...]
    rules: tuple[Rule[Any], ...]  # enabled by the config

    def rule(self, rule_id: str) -> Rule[Any]:
        """A loaded rule by id, or RuleError RC206."""
        for r in self.rules:
            if r.id == rule_id:
                return r
        raise RuleError(f"no rule {rule_id!r}", code="RC206",
                        remedy="list the loaded rules with `replycoach rules list`")


def load_rules(config: Config, extra: Sequence[str | Path] = (), *, parsed: ParsedFiles | None = None) -> RuleSet:
    """The shipped packs (unless the config leaves them out), the config's packs and `extra`,
    with the config's severities; rule ids must be unique across them. `parsed` holds files'
    YAML already parsed (see ParsedFiles)."""
    folders = discover_packs(shipped_packs_dir()) if config.shipped_packs else []
    for path in [*config.packs, *map(Path, extra)]:
        folders.extend(discover_packs(Path(path)))
    packs = tuple(load_pack(f, relevel=config.severity, parsed=parsed) for f in folders)
    seen: dict[str, Path] = {}
    for pack in packs:
        for rule in pack.rules:
            if rule.id in seen:
                raise RuleError(f"rule id {rule.id!r} is defined twice (also in {seen[rule.id]})",
                                code="RC207", place=str(rule.path), remedy="rename the pack folder or the file")
            seen[rule.id] = rule.path

    def disabled(rule_id: str) -> bool:
        return any(names_rule(p, rule_id) for p in config.disable)

    return RuleSet(packs=packs, rules=tuple(r for p in packs for r in p.rules if not disabled(r.id)))


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
    if any(_is_rule_file(p) for p in path.iterdir()):
        return [path]
    packs = sorted(p for p in path.iterdir() if p.is_dir() and not p.name.startswith((".", "_")))
    if not packs:
        raise RuleError("no rule files found", code="RC205", place=str(path),
                        remedy="a pack is a folder of .yaml rule files")
    return packs


def load_pack(path: str | Path, *, name: str | None = None,
              relevel: dict[str, Severity] | None = None, parsed: ParsedFiles | None = None) -> RulePack:
    """Load and validate every rule file in a pack folder."""
    path = Path(path)
    pack_name = name or path.name
    files = sorted(p for p in path.rglob("*") if _is_rule_file(p))
    if not files:
        raise RuleError("no rule files found", code="RC205", place=str(path),
                        remedy="a pack is a folder of .yaml rule files")
    rules = tuple(load_rule_file(f, rule_id=_rule_id(pack_name, path, f), relevel=relevel, parsed=parsed)
                  for f in files)
    total = 0
    for rule in rules:
        total += sum(n for _, n in _variants(rule.spec))
        if total > MAX_PACK_VARIANTS:
            raise RuleError(f"pack {pack_name!r} expands to more than {MAX_PACK_VARIANTS:,} phrase variants "
                            f"(`{{a|b}}` alternations multiply), passing the limit in this file",
                            code="RC213", place=f"{rule.path}:1", remedy="split the pack or use fewer alternations")
    return RulePack(name=pack_name, path=path, rules=rules)


def _is_rule_file(path: Path) -> bool:
    """A `.yaml` entry that is not a folder: files, and also symlinks that loop or lead to a
    device, so that reading them gives an error rather than skipping them in silence."""
    return path.suffix in RULE_SUFFIXES and not path.is_dir()


def _variants(spec: RuleSpec) -> list[tuple[tuple[str, ...], int]]:
    """(field location, phrase variants) per phrase list of a rule."""
    return [(loc, sum(count_variants(p) for p in phrases)) for loc, phrases in spec.phrase_lists()]


def _rule_id(pack: str, root: Path, file: Path) -> str:
    return ".".join([pack, *file.relative_to(root).with_suffix("").parts])


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _read(file: Path) -> str:
    """A rule file's text: a regular file, at most MAX_FILE_BYTES, UTF-8, or a RuleError with its line."""
    try:
        # O_NONBLOCK: opening a named pipe must not wait for a writer; fstat then refuses it.
        fd = os.open(file, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as err:
        if err.errno == errno.ELOOP:
            raise RuleError("rule file is a symlink that loops", code="RC212", place=f"{file}:1",
                            remedy="point the link at a real file, or remove it") from None
        raise RuleError(f"cannot read rule file: {err.strerror}", code="RC205", place=f"{file}:1") from None
    with os.fdopen(fd, "rb") as fh:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise RuleError("rule file is not a regular file (a device, pipe or socket)", code="RC212",
                            place=f"{file}:1", remedy="a rule file must be a YAML text file")
        raw = fh.read(MAX_FILE_BYTES + 1)
    if len(raw) > MAX_FILE_BYTES:
        raise RuleError(f"rule file is larger than {MAX_FILE_BYTES:,} bytes", code="RC210", place=f"{file}:1",
                        remedy="split it into several rule files")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as err:
        line = raw.count(b"\n", 0, err.start) + 1
        raise RuleError(f"rule file is not UTF-8 (byte 0x{raw[err.start]:02x})", code="RC203",
                        place=f"{file}:{line}", remedy="save it as UTF-8") from None


def _parse(file: Path, source: str) -> tuple[Any, yaml.Node | None]:
    """The file's data and its YAML node tree (for line numbers), or a RuleError naming the line.
    The tree is checked (_check_nodes) before the data is built from it."""
    import yaml

    # libyaml's C loader when PyYAML has it (ten times faster); same safe semantics.
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)(source)
    try:
        root = loader.get_single_node()
        if root is None:
            return None, None
        _check_nodes(file, root)
        return loader.construct_document(root), root
    except yaml.reader.ReaderError as err:  # a NUL or other control character: it carries no line
        line = source.count("\n", 0, err.position) + 1
        char = source[err.position] if err.position < len(source) else "?"
        raise RuleError(f"not valid YAML: character U+{ord(char):04X} is not allowed", code="RC203",
                        place=f"{file}:{line}", remedy="remove it, or write it as an escape in quotes") from None
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None) or getattr(err, "context_mark", None)
        place = f"{file}:{mark.line + 1}" if mark else f"{file}:1"
        problem = getattr(err, "problem", None) or str(err)
        raise RuleError(f"not valid YAML: {_one_line(problem)}", code="RC203", place=place,
                        remedy="check indentation and quoting; quote text containing ': ' or '#'") from None
    finally:
        loader.dispose()


_MERGE = "tag:yaml.org,2002:merge"


def _check_nodes(file: Path, root: yaml.Node) -> None:
    """Refuse duplicate keys, aliases that contain themselves, and more than MAX_YAML_NODES
    nodes once aliases are expanded (counted, not expanded: each node's size once, depth-first)."""
    import yaml

    size: dict[int, int] = {}
    open_: set[int] = set()
    stack: list[tuple[yaml.Node, list[yaml.Node] | None]] = [(root, None)]  # (node, its children once opened)
    while stack:
        node, closing = stack.pop()
        if closing is not None:  # every child is sized now
            open_.discard(id(node))
            size[id(node)] = 1 + sum(size[id(c)] for c in closing)
            if size[id(node)] > MAX_YAML_NODES:
                raise RuleError(f"rule file expands to more than {MAX_YAML_NODES:,} YAML values "
                                "(aliases count each time they are used)", code="RC210",
                                place=_place(file, node), remedy="write the lists out, or use fewer aliases")
            continue
        if id(node) in size:
            continue
        if id(node) in open_:
            raise RuleError("an alias refers to the value that contains it", code="RC210",
                            place=_place(file, node), remedy="a rule file must be a tree: remove the alias")
        open_.add(id(node))
        children = ([c for kv in node.value for c in kv] if isinstance(node, yaml.MappingNode)
                    else list(node.value) if isinstance(node, yaml.SequenceNode) else [])
        if isinstance(node, yaml.MappingNode):
            seen: set[tuple[str, str]] = set()
            for key, _ in node.value:
                if isinstance(key, yaml.ScalarNode) and key.tag != _MERGE:
                    if (key.tag, key.value) in seen:
                        raise RuleError(f"duplicate key {key.value!r}", code="RC211", place=_place(file, key),
                                        remedy="keep one; YAML would silently use the last")
                    seen.add((key.tag, key.value))
        stack.append((node, children))
        stack.extend((c, None) for c in children if id(c) not in size)


def _node_at(root: yaml.Node | None, loc: tuple[Any, ...]) -> yaml.Node | None:
    """The YAML node at a pydantic error location, as deep as the location reaches."""
    if root is None:  # data read from the cache: its tree is built only to place an error
        return None
    import yaml

    node = root
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
    if error["type"] == "template":
        return f"use only {error['ctx']['allowed']}"
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


def load_rule_file(file: Path, *, rule_id: str, relevel: dict[str, Severity] | None = None,
                   parsed: ParsedFiles | None = None) -> Rule[Any]:
    """Parse, validate and wrap one rule file; every failure is a RuleError with file and line."""
    source = _read(file)
    digest = hashlib.sha256(source.encode("utf-8")).hexdigest()
    if parsed is not None and digest in parsed.data:
        # Parsed before; the node tree, needed only to place an error, is built again if one comes.
        data, root = parsed.data[digest], None
    else:
        data, root = _parse(file, source)
        if parsed is not None and _plain(data):
            parsed.data[digest] = data
            parsed.added = True
    try:
        return _rule(file, data, root, rule_id=rule_id, relevel=relevel)
    except RuleError:
        if root is None and data is not None:
            return _rule(file, data, _parse(file, source)[1], rule_id=rule_id, relevel=relevel)
        raise


def _plain(data: Any) -> bool:
    """Data the cache can keep as it is: what JSON could hold (YAML may also give dates, sets, bytes)."""
    if isinstance(data, dict):
        return all(isinstance(k, str) and _plain(v) for k, v in data.items())
    if isinstance(data, list):
        return all(_plain(v) for v in data)
    return data is None or isinstance(data, (str, int, float, bool))


def _rule(file: Path, data: Any, root: yaml.Node | None, *, rule_id: str,
          relevel: dict[str, Severity] | None) -> Rule[Any]:
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
        raise RuleError(_one_line(f"{field}: {error['msg']}"), code="RC214" if error["type"] == "template" else "RC202",
                        place=_place(file, _node_at(root, error["loc"])),
                        remedy=_remedy(error, list(check_cls.Spec.model_fields))) from None
    variants = _variants(spec)
    if sum(n for _, n in variants) > MAX_FILE_VARIANTS:
        largest = max(variants, key=lambda v: v[1])[0]
        raise RuleError(f"the phrases expand to more than {MAX_FILE_VARIANTS:,} variants "
                        "(`{a|b}` alternations multiply)", code="RC213", place=_place(file, _node_at(root, largest)),
                        remedy="split the file or use fewer alternations")
    for loc, phrases in spec.phrase_lists():
        for i, phrase in enumerate(phrases):
            problem = stray_alternation(phrase)
            if problem:
                raise RuleError(f"{'.'.join(loc)}[{i}]: {phrase!r} has {problem}", code="RC202",
                                place=_place(file, _node_at(root, (*loc, i))),
                                remedy="close the { } or take the stray character out")
    severity = spec.severity
    for prefix, level in sorted((relevel or {}).items(), key=lambda kv: len(kv[0])):
        if names_rule(prefix, rule_id):
            severity = level
    return Rule(id=rule_id, spec=spec, path=file, severity=severity)


def compile_error(rule: Rule[Any], err: Exception) -> RuleError:
    """A check's compile-time ValueError, placed at the field that holds what failed to compile
    (patterns, phrases, swap, any or exceptions), or at line 1 if none is found."""
    import yaml

    try:
        root = yaml.compose(rule.path.read_text(encoding="utf-8"), Loader=yaml.SafeLoader)
    except (OSError, yaml.YAMLError):
        root = None
    node = None
    for field in ("patterns", "pattern", "phrases", "swap", "any", "exceptions"):
        node = _node_at(root, (field,))
        if node is not root:
            break
    return RuleError(_one_line(f"{rule.id}: {err}"), code="RC204", place=_place(rule.path, node),
                     remedy="change the pattern as the message says")
