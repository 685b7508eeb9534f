import pytest

from replycoach import ConfigError, Severity
from replycoach.config import find_config, load_config


def test_replycoach_toml(tmp_path):
    (tmp_path / "replycoach.toml").write_text(
        'packs = ["team"]\nallow = ["ACME"]\ndisable = ["tone"]\nthreshold = 80\n'
        '[severity]\n"jargon" = "error"\n[channels.chat]\nthanks = true\n')
    path = find_config(tmp_path)
    config = load_config(path)
    assert config.packs == ((tmp_path / "team").resolve(),)
    assert config.severity == {"jargon": Severity.error}
    assert config.channels["chat"].thanks and config.channels["chat"].grade == 6
    assert config.channels["email"].grade == 8


def test_pyproject_tool_table(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[project]\nname="x"\n[tool.replycoach]\nthreshold = 55\n')
    assert load_config(find_config(tmp_path)).threshold == 55


@pytest.mark.parametrize("body, needle", [
    ("threshold = 500", "threshold"), ("thresold = 5", "thresold"), ("threshold = ", "TOML"),
])
def test_config_errors_are_coded(tmp_path, body, needle):
    path = tmp_path / "replycoach.toml"
    path.write_text(body)
    with pytest.raises(ConfigError) as err:
        load_config(path)
    assert err.value.code == "RC301" and needle in str(err.value) and str(path) in str(err.value)
