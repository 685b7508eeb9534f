"""Whether a text reads as English: word frequencies and the other-language test, word by word
(the Coach's refusal of whole drafts, RC105, is tested in test_coach.py)."""

import pytest

from replycoach.language import looks_foreign, zipf


def words(text: str) -> list[str]:
    return text.lower().replace(",", "").replace(".", "").split()


@pytest.mark.parametrize(("text", "foreign"), [
    ("Hola Sam, gracias por esperar. Su reembolso está en camino y llegará en tres días.", True),
    ("Bonjour Sam, merci de votre patience. Votre remboursement est en cours.", True),
    ("Hallo Sam, bedankt voor het wachten. Uw terugbetaling is onderweg.", True),
    ("Thanks for waiting, your refund is on its way and should arrive in three days.", False),
    ("Your barbacoa burrito with extra queso and guacamole is on its way, amigo.", False),
    ("hola gracias por favor", False),  # under six words: too few to judge
])
def test_looks_foreign(text, foreign):
    assert looks_foreign(words(text)) is foreign


def test_zipf_is_the_english_frequency():
    assert zipf("the") > 7 > zipf("plumber") > 2.5 > zipf("fnord")
