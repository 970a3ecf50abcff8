"""Words typed without Polish letters: `fold`, `restore`, the folded index
and the database's folding, the same on SQLite and PostgreSQL."""

import pytest

from ratusz.gminas.models import User
from ratusz.lib import polish
from ratusz.test import make_user


def test_it_folds_polish_letters_of_either_case():
    assert polish.fold("Zażółć gęślą jaźń ŁÓDŹ") == "Zazolc gesla jazn LODZ"
    assert polish.fold("wójt") == "wojt"


def test_it_restores_words_typed_without_polish_letters():
    assert polish.restore("smieci") == ("śmiecie", "śmieć", "śmiecić")
    assert "wywóz" in polish.restore("wywoz")
    assert polish.restore("dowod") == ("dowód",)
    assert polish.restore("zolty") == ("żółty",)
    # morfeusz knows "wojt" only as a surname: not a word of the office.
    assert polish.restore("wojt") == ("wójt",)
    # Three Polish letters in a long word are still found.
    assert polish.restore("odpowiedzialnosc") == ("odpowiedzialność",)


def test_it_leaves_words_that_need_no_restoring():
    assert polish.restore("osobisty") == ()  # a word as it is
    assert polish.restore("wójt") == ()  # has its Polish letters
    assert polish.restore("xyzzy") == ()  # no spelling of it is Polish
    assert polish.restore("6:30") == ()
    # A proper name does not count: "mozę" is the river Moza.
    assert "moza" not in polish.restore("moze")


def test_stop_words_typed_without_letters_are_stop_words():
    assert polish.analyse("sie") == []
    assert polish.analyse("kiedy bedzie wywoz") == [("wywoz",)]


def test_question_wrapping_typed_without_letters_is_dropped():
    assert [r[0] for r in polish.content_words("jak moge zalatwic dowod osobisty")] == [
        "dowod",
        "osobisty",
    ]


def test_folded_readings_carry_what_a_word_stands_for():
    assert polish.folded_readings(("wojt",)) == ("wojt",)
    assert polish.folded_readings(("wójt",)) == ("wojt",)
    assert set(polish.folded_readings(("smieci",))) >= {"smieci", "smiec", "smiecie"}


def test_the_folded_index_of_a_text_meets_the_folded_query():
    polish_text = polish.folded_text(polish.lemma_text("Wywóz śmieci: wójt zaprasza"))
    plain_text = polish.folded_text(polish.lemma_text("Wywoz smieci: wojt zaprasza"))
    for typed in ("wywoz smieci wojt", "wywóz śmieci wójta"):
        for readings in polish.analyse(typed):
            folded = set(polish.folded_readings(readings))
            assert folded & set(polish_text.split()), (typed, readings)
            assert folded & set(plain_text.split()), (typed, readings)


def test_folded_word_lemmas_match_across_spellings():
    assert polish.folded_word_lemmas("wójtem") & polish.folded_word_lemmas("wojt")
    assert polish.folded_word_lemmas("śmieci") & polish.folded_word_lemmas("smieci")


@pytest.mark.django_db
def test_the_database_folds_like_python():
    # SQLite's LOWER() leaves non-ASCII letters alone; both must agree.
    names = ["Łukasz Żółć", "ANNA ŚLĄSKA", "zażółć gęślą jaźń"]
    for n, name in enumerate(names):
        make_user(f"u{n}", last_name=name)
    folded = (
        User.objects.filter(username__in=["u0", "u1", "u2"])
        .annotate(folded=polish.fold_lower("last_name"))
        .order_by("username")
        .values_list("folded", flat=True)
    )
    assert list(folded) == [polish.fold(name).lower() for name in names]
