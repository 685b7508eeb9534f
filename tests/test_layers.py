"""Imports point down the data flow (README, Architecture): a module imports only modules of its
own layer or lower ones, there is no import cycle, and every module imports alone.

Every import counts, wherever it is written: at the top, inside a function (lazy) or under
TYPE_CHECKING, because each is a dependency a reader has to hold in their head. Importing
`replycoach.a.b` also runs `replycoach/a/__init__.py`, so another package's __init__ counts as
imported too. Two things are exempt: replycoach/__init__.py, the top, whose public names are
imported on first use (PEP 562), and `from replycoach import __version__`, a constant the top
defines before anything else."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "replycoach"

# Lowest first. The data flow: text -> pipeline -> checks -> scoring -> rewrite -> coach -> batch,
# service, cli; each step may use the layers below it, never one above.
LAYERS: list[tuple[str, ...]] = [
    # what everything shares: errors, the output types, the cache, worker processes, reused lines
    ("errors", "models", "cache", "workers", "reuse"),
    # input: configuration, clean text, files and exports
    ("config", "text", "inputs", "records", "evaluation"),
    # analysis: the spaCy pipeline, sentiment, learned features, whether a text is English
    ("pipeline", "signals", "linear", "language"),
    # what rules read: the rule-file schema, the customer's side
    ("rules", "rules.schema", "context"),
    # the rule kinds (one module each, so a new kind needs no line here) and their registry
    ("checks", "checks.*"),
    # YAML -> a kind's spec -> Rule
    ("rules.loader",),
    ("scoring",),
    ("rewrite",),
    # output: HTML, the terminal, the machine formats, a batch's summary and report
    ("render_html", "render_terminal", "formats", "summary", "batch_report"),
    ("coach",),
    # what runs a Coach: many replies, rules' own examples, macros, training
    ("batch", "selftest", "macros", "train"),
    ("distributed",),
    # entry points
    ("service", "cli", "__main__"),
]


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _layer_of(module: str) -> int | None:
    """The module's layer: its own entry, else its package's "name.*" entry."""
    for rank, names in enumerate(LAYERS):
        if module.removeprefix("replycoach.") in names:
            return rank
        if any(module.startswith(f"replycoach.{name[:-1]}") for name in names if name.endswith(".*")):
            return rank
    return None


MODULES = {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}
LAYER = {name: rank for name in MODULES if (rank := _layer_of(name)) is not None}


def _imports(name: str) -> set[str]:
    """The replycoach modules `name` imports anywhere in its code, their packages' __init__ included."""
    path = MODULES[name]
    here = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                package = here.split(".")[: len(here.split(".")) - node.level + 1]
                base = ".".join([*package, *([node.module] if node.module else [])])
            if base == "replycoach" and all(a.name == "__version__" for a in node.names):
                continue  # the version constant (see the module docstring)
            # `from . import x` imports the module x when there is one, else a name of the package
            targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in MODULES else base for a in node.names]
        else:
            continue
        for target in targets:
            while target not in MODULES and "." in target:
                target = target.rpartition(".")[0]
            parts = target.split(".")
            found.update(".".join(parts[:i]) for i in range(2, len(parts) + 1))
            if target == "replycoach":
                found.add(target)
    # A module's own packages are not its imports: Python runs their __init__ before the module.
    own = {name.rsplit(".", i)[0] for i in range(1, name.count(".") + 1)}
    return {m for m in found - own - {name} if m in MODULES}


def test_every_module_has_a_layer_and_every_layer_entry_a_module():
    assert sorted(set(MODULES) - {"replycoach"} - set(LAYER)) == []
    named = {f"replycoach.{name}" for names in LAYERS for name in names if not name.endswith(".*")}
    assert sorted(named - set(MODULES)) == []


def test_no_module_imports_a_higher_layer():
    upward = [f"{name} (layer {LAYER[name]}) imports {target} (layer {LAYER.get(target, 'top')})"
              for name in sorted(LAYER) for target in sorted(_imports(name))
              if LAYER.get(target, len(LAYERS)) > LAYER[name]]
    assert upward == []


def test_no_import_cycle():
    graph = {name: _imports(name) for name in LAYER}
    done: set[str] = set()
    cycles: list[list[str]] = []

    def visit(name: str, path: list[str]) -> None:
        if name in path:
            cycles.append([*path[path.index(name):], name])
            return
        if name in done:
            return
        for target in sorted(graph.get(name, ())):
            visit(target, [*path, name])
        done.add(name)

    for name in sorted(graph):
        visit(name, [])
    assert cycles == []


_IMPORT_EACH_ALONE = """
import importlib, json, sys
layer = json.loads(sys.argv[1])
problems = []
for name in sorted(layer):
    for loaded in [m for m in sys.modules if m == "replycoach" or m.startswith("replycoach.")]:
        del sys.modules[loaded]
    try:
        importlib.import_module(name)
    except Exception as err:
        problems.append(f"{name}: {type(err).__name__}: {err}")
        continue
    above = sorted(m for m in sys.modules if layer.get(m, -1) > layer[name])
    if above:
        problems.append(f"{name} (layer {layer[name]}) loads {', '.join(above)}")
print(json.dumps(problems))
"""


def test_each_module_imports_alone_and_loads_nothing_above_it():
    # One fresh interpreter; each module is imported with no replycoach module loaded before it.
    done = subprocess.run([sys.executable, "-c", _IMPORT_EACH_ALONE, json.dumps(LAYER)], capture_output=True,
                          text=True, timeout=600, check=True)
    assert json.loads(done.stdout) == []
