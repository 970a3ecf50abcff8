"""`content_words`: a resident's question without its wrapping."""

from ratusz.lib import polish


def _first_lemmas(text):
    return [readings[0] for readings in polish.content_words(text)]


def test_it_drops_the_words_a_question_is_wrapped_in():
    assert _first_lemmas("Dzień dobry, jak mogę wyrobić dowód dla dziecka?") == [
        "wyrobić",
        "dowód",
        "dziecko",
    ]
    assert _first_lemmas("kiedy trzeba zapłacić podatek od domu") == [
        "zapłacić",
        "podatek",
        "dom",
    ]


def test_it_keeps_every_reading_of_a_content_word():
    assert ("zgłosić", "zgłoszenie") in polish.content_words("zgłoszenie")


def test_it_returns_nothing_for_a_bare_greeting():
    assert polish.content_words("Dzień dobry! Proszę o informację.") == []
    assert polish.content_words("") == []
