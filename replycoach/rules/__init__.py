"""Rule files: the shared schema and the loader (YAML -> validated specs -> compiled checks)."""

from .loader import RulePack, load_pack, load_rule_file, shipped_packs_dir
from .schema import Condition, Example, Examples, RuleSpec

__all__ = ["Condition", "Example", "Examples", "RulePack", "RuleSpec", "load_pack", "load_rule_file",
           "shipped_packs_dir"]
