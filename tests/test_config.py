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


@pytest.mark.parametrize("body, needle", [
    ("channels = 5", "channels"),                     # was AttributeError
    ("[channels]\nchat = 3", "channels.chat"),        # was TypeError
    ('packs = "team"', "packs"),                     # was read letter by letter: pack "/.../m"
    ("[weights]\nwarning = -5", "weights.warning"),  # a negative weight raised every failing score
])
def test_config_of_the_wrong_shape_is_coded_not_a_crash(tmp_path, body, needle):
    path = tmp_path / "replycoach.toml"
    path.write_text(body)
    with pytest.raises(ConfigError) as err:
        load_config(path)
    assert err.value.code == "RC301" and needle in str(err.value) and str(path) in str(err.value)


def test_a_config_that_is_not_utf8_is_coded(tmp_path):
    path = tmp_path / "replycoach.toml"
    path.write_bytes(b"threshold = 80 # caf\xe9\n")
    with pytest.raises(ConfigError) as err:
        load_config(path)
    assert err.value.code == "RC301" and "UTF-8" in str(err.value)


def test_weights_name_only_what_changes(tmp_path):
    """Like [channels.*], [weights] is merged over the defaults: setting one severity's weight
    kept none of the others, and scoring then failed with a KeyError."""
    path = tmp_path / "replycoach.toml"
    path.write_text("[weights]\nwarning = 5\n")
    assert load_config(path).weights == {Severity.suggestion: 3.0, Severity.warning: 5.0, Severity.error: 25.0}
