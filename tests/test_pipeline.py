import subprocess
import sys

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from replycoach.cache import Table
from replycoach.pipeline import analyse, build_nlp, fk_grade, norm_of
from replycoach.text import clean


@pytest.fixture(scope="module")
def nlp():
    return build_nlp()


@pytest.mark.parametrize("word, key", [
    ("apologised", "apologize"), ("Apologises", "apologize"), ("tickets", "ticket"),
    ("escalated", "escalate"), ("ca", "can"), ("n't", "not"), ("'s", "be"), ("’ll", "will"),
])
def test_norms_fold_inflection_spelling_and_contractions(word, key):
    assert norm_of(word) == key


def test_pipeline_is_blank_english_with_rule_based_parts(nlp):
    assert nlp.pipe_names == ["replycoach_sentences", "replycoach_norm"]
    assert nlp.meta["name"] == "pipeline"  # spacy.blank: nothing trained, nothing downloaded


def test_line_breaks_end_sentences(nlp):
    a = analyse(nlp, clean("Thanks for waiting\nYour order ships today\nIt arrives Monday"))
    assert [s.words for s in a.sentences] == [3, 4, 3]


def test_greeting_and_signoff_count_no_words(nlp):
    a = analyse(nlp, clean("Hi Dana,\n\nYour order ships today.\n\nBest regards,\nSam"))
    assert a.greeting is not None and a.signoff is not None
    assert a.words == 4


def test_protected_tokens_are_not_words(nlp):
    a = analyse(nlp, clean("Visit https://example.com/a-very-long-path-indeed now"))
    assert a.words == 2


def test_grade_uses_flesch_kincaid(nlp):
    assert fk_grade(10, 1, 15) == round(0.39 * 10 + 11.8 * 1.5 - 15.59, 1)
    easy = analyse(nlp, clean("I sent it. It is on the way. You will get it soon."))
    hard = analyse(nlp, clean("Notwithstanding considerable organisational complexity, "
                              "reimbursement authorisation necessitates comprehensive verification."))
    assert easy.grade < 3 < 15 < hard.grade


def test_trained_pipeline_that_is_missing_is_a_coded_error():
    from replycoach.errors import ConfigError

    with pytest.raises(ConfigError) as err:
        build_nlp("en_no_such_pipeline")
    assert err.value.code == "RC304"


def test_norms_need_no_spacy_lookups_data():
    # The lemma table ships with replycoach: keys are the same with spacy-lookups-data not installed.
    script = ("import sys; sys.modules['spacy_lookups_data'] = None; "
              "from replycoach.pipeline import norm_of; "
              "print(norm_of('tickets'), norm_of('escalated'), norm_of('Hi'), norm_of('an'))")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.split() == ["ticket", "escalate", "hello", "a"]


def test_the_cached_zipf_table_answers_as_wordfreq_does(tmp_path):
    import random

    from wordfreq import get_frequency_dict, zipf_frequency

    from replycoach import pipeline
    from replycoach.cache import CacheStore

    store = CacheStore(tmp_path)
    kept = pipeline._zipf
    try:
        pipeline._zipf = {}
        pipeline._load_zipf_table(store)  # built from wordfreq and saved
        assert pipeline._zipf and list(tmp_path.glob("zipf-*.bin"))
        pipeline._zipf = {}
        pipeline._load_zipf_table(store)  # read back, part by part
        assert isinstance(pipeline._zipf, Table)
        rng = random.Random(13)
        listed = sorted(get_frequency_dict("en"))
        words = rng.sample(listed, 3000) + ["the", "plumber", "agent_name", "x_", "_", "zzqxv", "becky"]
        words += ["".join(rng.choice("ab_^-.'/@1é ") for _ in range(rng.randint(1, 6))) for _ in range(3000)]
        words += [f"{rng.choice('^-/~(')}{w}{rng.choice(['', '.', ')', '!'])}" for w in rng.sample(listed, 500)]
        answered = [w for w in words if pipeline.plain_zipf(w) is not None]
        assert len(answered) > 2500  # the table answers most words: it is in use
        assert [pipeline.plain_zipf(w) for w in answered] == [zipf_frequency(w, "en") for w in answered]
        assert pipeline.plain_zipf("ps4") is None and pipeline.plain_zipf("Becky") is None  # wordfreq's to answer
    finally:
        pipeline._zipf = kept


def test_pyphens_patterns_from_the_cache_hyphenate_as_parsed_ones(tmp_path, monkeypatch):
    import pyphen

    from replycoach import pipeline
    from replycoach.cache import CacheStore

    path = pyphen.LANGUAGES["en_US"]
    store = CacheStore(tmp_path)
    monkeypatch.setattr(pyphen, "hdcache", {})
    pipeline._load_pyphen(store)  # parsed, kept in Pyphen's own cache and saved
    parsed = pyphen.hdcache[path]
    assert list(tmp_path.glob("pyphen-*.bin"))
    monkeypatch.setattr(pyphen, "hdcache", {})
    pipeline._load_pyphen(store)  # read back
    cached = pyphen.hdcache[path]
    assert cached is not parsed and cached.patterns == parsed.patterns
    words = ["hyphenation", "refund", "becky", "xyzzy", "unbelievable", "supercalifragilistic", "tnx"]
    assert [cached.positions(w) for w in words] == [parsed.positions(w) for w in words]
    assert pyphen.Pyphen(lang="en_US").hd is cached  # what syllables_of's Pyphen uses


def test_lemminflects_dictionary_from_the_cache_inflects_as_its_own_file_does(tmp_path, monkeypatch):
    from lemminflect import getInflection
    from lemminflect.core.Inflections import Inflections

    from replycoach import pipeline
    from replycoach.cache import CacheStore

    found = Inflections()
    parsed = found._getInflDict()  # lemminflect's own reading of its file
    words = [("utilize", "VBD"), ("fee", "NNS"), ("simple", "JJR"), ("carry", "VBZ"), ("be", "VBD")]
    expected = [tuple(getInflection(w, t, inflect_oov=False)) for w, t in words]
    store = CacheStore(tmp_path)

    def fresh() -> None:  # a process that has not read the dictionary yet
        monkeypatch.delattr(found, "infl_dict")
        pipeline._load_inflections.cache_clear()
        monkeypatch.setattr(pipeline, "_inflection_store", store)

    try:
        fresh()
        assert [pipeline.inflection(w, t) for w, t in words] == expected  # parsed, then saved
        (saved,) = tmp_path.glob("inflections-*.bin")
        fresh()
        assert [pipeline.inflection(w, t) for w, t in words] == expected  # read back
        assert isinstance(found.infl_dict, Table) and found.infl_dict.to_dict() == parsed
        whole = saved.read_bytes()
        saved.write_bytes(whole[:-9])  # truncated: parsed again, not trusted, and saved again
        fresh()
        assert [pipeline.inflection(w, t) for w, t in words] == expected
        assert saved.read_bytes() == whole
    finally:
        found.infl_dict = parsed
        pipeline._load_inflections.cache_clear()


def test_the_cached_lemma_table_is_the_shipped_file_and_a_damaged_one_is_read_again(tmp_path, monkeypatch):
    from replycoach import pipeline
    from replycoach.cache import CacheStore

    shipped = pipeline._read_lemma_file()
    store = CacheStore(tmp_path)
    monkeypatch.setattr(pipeline, "_lemmas", {})
    pipeline._load_lemmas(store)  # read from the file, then saved
    (saved,) = tmp_path.glob("lemmas-*.bin")
    whole = saved.read_bytes()
    monkeypatch.setattr(pipeline, "_lemmas", {})
    pipeline._load_lemmas(store)  # read back, part by part
    assert isinstance(pipeline._lemmas, Table) and pipeline._lemmas.to_dict() == shipped
    assert pipeline.lemma_of("utilised") == shipped["utilised"]
    mid = len(whole) // 2
    saved.write_bytes(whole[:mid] + bytes([whole[mid] ^ 0xFF]) + whole[mid + 1:])  # one flipped byte
    monkeypatch.setattr(pipeline, "_lemmas", {})
    pipeline._load_lemmas(store)  # not trusted: read from the file again, and saved again
    assert pipeline._lemmas == shipped and saved.read_bytes() == whole


@settings(deadline=None)
@given(st.lists(st.sampled_from([*"ab AB\t\n.!?^*~/–—-19:h", "https://x.co ", "(1/2)", "Tom", "TB"]), max_size=120)
       .map("".join))
@example("Thanks for waiting.\n^TB https://t.co/x")
def test_initials_are_searched_for_only_where_their_marks_are(text):
    from replycoach.pipeline import _INITIAL_MARKS, _INITIALS

    end = len(text.rstrip())
    found = _INITIALS.search(text, max(0, end - 240), end)
    assert found is None or any(m in text[max(0, end - 240):end] for m in _INITIAL_MARKS)


def test_a_cold_start_keeps_the_lemma_table_for_the_next_process(tmp_path, monkeypatch):
    """A Coach with an empty cache reads the lemma file whole while compiling phrases, before
    `load_tables`: the table it read is still kept, so the next process reads it from the cache."""
    from replycoach import pipeline
    from replycoach.cache import CacheStore

    store = CacheStore(tmp_path)
    monkeypatch.setattr(pipeline, "_lemmas", pipeline._read_lemma_file())  # as the phrases left it
    pipeline._load_lemmas(store)
    monkeypatch.setattr(pipeline, "_lemmas", {})  # the next process
    monkeypatch.setattr(pipeline, "_read_lemma_file", lambda: pytest.fail("the lemma file was read again"))
    pipeline._load_lemmas(store)
    assert isinstance(pipeline._lemmas, Table) and pipeline.lemma_of("utilised") == "utilise"
