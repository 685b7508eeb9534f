"""The shipped packs are found from a source checkout and from an installed wheel."""

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from replycoach import Coach

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    pytest.importorskip("hatchling")
    out = tmp_path_factory.mktemp("dist")
    subprocess.run([sys.executable, "-c",
                    "import sys; from hatchling.builders.wheel import WheelBuilder; "
                    f"print(next(WheelBuilder({str(ROOT)!r}).build(directory={str(out)!r}, versions=['standard'])))"],
                   check=True, capture_output=True, timeout=300)
    (built,) = out.glob("*.whl")
    return built


def test_wheel_contains_package_packs_and_typing(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    assert "replycoach/py.typed" in names
    assert "replycoach/_packs/tone/blame.yaml" in names
    assert "replycoach/data/lemma-lookup.json.gz" in names  # the lemma table: no spacy-lookups-data
    assert any(n.startswith("replycoach/_packs/jargon/") for n in names)


def test_installed_wheel_loads_the_same_rules(wheel, tmp_path):
    target = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(target)
    script = ("import replycoach, json; from replycoach.rules.loader import shipped_packs_dir; "
              "c = replycoach.Coach(); "
              "print(json.dumps([replycoach.__file__, str(shipped_packs_dir()), len(c.rules)]))")
    env = {"PYTHONPATH": str(target), "PATH": "/usr/bin:/bin"}
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env,
                            cwd=tmp_path, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    import json

    module_file, packs_dir, count = json.loads(result.stdout)
    assert module_file.startswith(str(target))
    assert packs_dir == str(target / "replycoach" / "_packs")
    assert count == len(Coach().rules)
