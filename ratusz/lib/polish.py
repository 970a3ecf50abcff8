"""Polish lemmas from morfeusz2: one place for search, related articles and
suggestions.

Polish inflects heavily ("wójt", "wójta", "wójtem"), and PostgreSQL has no
Polish dictionary, so both the index and the query are reduced to lemmas in
Python. A word form can have several lemmas ("gminy" is a form of "gmina" and
of "gmin"); all of them are kept, so a query matches when any reading of each
of its words matches some reading in the text.

Residents on phones often type without Polish letters ("dowod osobisty",
"smieci", "wojt"). morfeusz2 does not know most such words, or knows them as
something else ("wojt" is a surname), so every lemma also has a folded form
(`fold`: ą→a … ż→z) and a word morfeusz has no common reading for is
`restore`d: the Polish spellings it could stand for that morfeusz knows
("smieci" → "śmieci" → "śmieć", "śmiecie"). Indexes keep the folded lemmas
beside the exact ones (`folded_readings`, `folded_text`); matching on them
finds what was typed either way, and exact matches still rank first.
"""

from __future__ import annotations

import contextlib
import functools
import itertools
import queue
import re
import unicodedata
from collections.abc import Iterable, Iterator
from typing import NamedTuple

import morfeusz2
from django.db.models import Func, Value
from django.db.models.functions import Lower, Replace

# Parts of speech that carry no meaning for search or similarity.
_STOP_TAGS = frozenset(
    {"prep", "conj", "comp", "qub", "interp", "ppron12", "ppron3", "siebie", "aglt"}
)
_STOP_LEMMAS = frozenset(
    {"być", "ten", "to", "który", "oraz", "się", "jak", "czy", "on", "już", "także"}
)
_WORD = re.compile(r"\w", re.UNICODE)
# Idle analysers. Morfeusz objects are not thread-safe, so each call borrows
# one; they are not per thread, because under ASGI every request runs in a
# thread of its own, and each new thread would build a new analyser (tens of
# MB and a few ms) for one question.
_idle: queue.SimpleQueue = queue.SimpleQueue()


@contextlib.contextmanager
def _analyser():
    try:
        analyser = _idle.get_nowait()
    except queue.Empty:
        analyser = morfeusz2.Morfeusz(generate=False, expand_tags=False)
    try:
        yield analyser
    finally:
        _idle.put(analyser)


def _clean_lemma(lemma: str) -> str:
    # "wójt:Sm1" -> "wójt": the suffix only tells homonyms apart.
    return lemma.split(":", 1)[0].lower()


def _is_stop(lemma: str, tag: str) -> bool:
    return tag.split(":", 1)[0] in _STOP_TAGS or _clean_lemma(lemma) in _STOP_LEMMAS


def _is_strong(tag: str, names: list[str], qualifiers: list[str]) -> bool:
    """A reading that shows the word was typed as it is spelled: a common
    word, not an archaic form ("sie" is an old adjective) or only a proper
    name ("wojt" is a surname)."""
    if tag == "ign" or "przest." in qualifiers or "daw." in qualifiers:
        return False
    return not names or "nazwa_pospolita" in names


def analyse(text: str) -> list[tuple[str, ...]]:
    """Return, for each word of `text`, the tuple of its candidate lemmas.

    Stop words (prepositions, conjunctions, particles, pronouns) are dropped.
    Unknown words stand for themselves, lowercased.
    """
    if not text or not _WORD.search(text):
        return []
    by_segment: dict[tuple[int, int], list[str]] = {}
    archaic: dict[tuple[int, int], list[str]] = {}
    stop_segments: set[tuple[int, int]] = set()
    strong_segments: set[tuple[int, int]] = set()
    orths: dict[tuple[int, int], str] = {}
    with _analyser() as analyser:
        readings = analyser.analyse(text)
    for start, end, (orth, lemma, tag, names, qualifiers) in readings:
        segment = (start, end)
        if not _WORD.search(orth):
            continue
        orths[segment] = orth.lower()
        if _is_strong(tag, names, qualifiers):
            strong_segments.add(segment)
        if "przest." in qualifiers:
            # Archaic readings only add noise, unless a word has no other:
            # SGJP marks the singular "odpad" archaic, yet people type it.
            by_segment.setdefault(segment, [])
            archaic.setdefault(segment, []).append(_clean_lemma(lemma))
            continue
        pos = tag.split(":", 1)[0]
        if pos == "ign":
            lemma = orth
        clean = _clean_lemma(lemma)
        if pos in _STOP_TAGS or clean in _STOP_LEMMAS:
            stop_segments.add(segment)
        candidates = by_segment.setdefault(segment, [])
        if clean not in candidates:
            candidates.append(clean)
    words = []
    for segment in sorted(by_segment):
        candidates = by_segment[segment] or list(dict.fromkeys(archaic[segment]))
        if segment in stop_segments or not candidates:
            continue
        if segment not in strong_segments and _restoration(orths[segment]).stop:
            # "sie", "moze", "sa": a stop word typed without Polish letters.
            continue
        words.append(tuple(candidates))
    return words


def lemma_text(text: str) -> str:
    """Return the space-separated lemmas of `text`, for a search index."""
    return " ".join(lemma for word in analyse(text) for lemma in word)


def lemma_set(text: str) -> frozenset[str]:
    """Return the set of lemmas of `text`, for similarity between texts."""
    return frozenset(lemma for word in analyse(text) for lemma in word)


@functools.lru_cache(maxsize=4096)
def word_lemmas(word: str) -> frozenset[str]:
    """Return the lemmas of one word form (cached: used to highlight results)."""
    return frozenset(lemma for candidates in analyse(word) for lemma in candidates)


# Without Polish letters ------------------------------------------------------

_FOLD = str.maketrans("ąćęłńóśźżĄĆĘŁŃÓŚŹŻ", "acelnoszzACELNOSZZ")
# The Polish letters each plain letter may stand for, typed on a phone.
_ACCENTED = {
    "a": "ą", "c": "ć", "e": "ę", "l": "ł", "n": "ń", "o": "ó", "s": "ś", "z": "źż"
}  # fmt: skip
# Spellings tried per word, fewest changed letters first: every spelling with
# up to three Polish letters of a word with a dozen candidate letters
# ("odpowiedzialnosc" has 10: under 200 spellings), a few milliseconds at worst.
MAX_SPELLINGS = 256
MAX_RESTORED_CHARS = 30


def fold(text: str) -> str:
    """Return `text` with Polish letters folded to ASCII ("Łódź" -> "Lodz")."""
    return text.translate(_FOLD)


class Restoration(NamedTuple):
    # The lemmas of the Polish words the typed word can be.
    lemmas: tuple[str, ...] = ()
    # Every such word is a stop word ("sie" -> "się").
    stop: bool = False


_NOTHING = Restoration()


def _spellings(word: str) -> Iterator[str]:
    """Spellings of `word` with some plain letters made Polish, fewest
    changes first, at most MAX_SPELLINGS."""
    positions = [i for i, char in enumerate(word) if char in _ACCENTED]
    budget = MAX_SPELLINGS
    for changes in range(1, len(positions) + 1):
        for chosen in itertools.combinations(positions, changes):
            for letters in itertools.product(*(_ACCENTED[word[i]] for i in chosen)):
                if budget == 0:
                    return
                budget -= 1
                chars = list(word)
                for i, letter in zip(chosen, letters, strict=True):
                    chars[i] = letter
                yield "".join(chars)


@functools.lru_cache(maxsize=16384)
def _restoration(word: str) -> Restoration:
    if (
        len(word) > MAX_RESTORED_CHARS
        or not word.isalpha()
        or fold(word) != word
        or not any(char in _ACCENTED for char in word)
    ):
        return _NOTHING
    with _analyser() as analyser:
        if any(
            _is_strong(tag, names, qualifiers)
            for _s, _e, (_o, _l, tag, names, qualifiers) in analyser.analyse(word)
        ):
            return _NOTHING
        lemmas: dict[str, None] = {}
        known = stops = 0
        for spelling in _spellings(word):
            analysed = analyser.analyse(spelling)
            if any(end != 1 for _start, end, _reading in analysed):
                # Split into segments ("prószże"): not one word people type.
                continue
            # Only common words: a proper name would turn "moze" into the
            # river Moza ("mozę").
            readings = [
                (lemma, tag)
                for _s, _e, (_o, lemma, tag, names, qualifiers) in analysed
                if _is_strong(tag, names, qualifiers)
            ]
            if not readings:
                continue
            known += 1
            if any(_is_stop(lemma, tag) for lemma, tag in readings):
                stops += 1
                continue
            lemmas.update(dict.fromkeys(_clean_lemma(lemma) for lemma, _t in readings))
    return Restoration(tuple(lemmas), stop=known > 0 and stops == known)


def restore(word: str) -> tuple[str, ...]:
    """Return the lemmas of the Polish words `word` stands for when typed
    without Polish letters ("smieci" -> ("śmiecie", "śmieć", …)).

    Empty for a word with Polish letters, one morfeusz knows as a common word
    ("osobisty"), and one no spelling of which is Polish. Cached.
    """
    return _restoration(word.lower()).lemmas


def folded_readings(readings: Iterable[str]) -> tuple[str, ...]:
    """Return the folded forms of a word's readings and of what it restores to.

    ("wojt",) -> ("wojt",), matching the folded index of "wójt";
    ("smieci",) -> ("smieci", "smiecie", "smiec", …), matching "śmieci".
    """
    folded: dict[str, None] = {}
    for reading in readings:
        folded[fold(reading)] = None
        folded.update(dict.fromkeys(fold(lemma) for lemma in restore(reading)))
    return tuple(folded)


def folded_text(lemmas: str) -> str:
    """Return the folded index of a text from its `lemma_text`.

    A pure function of the lemmas, so a migration can fill it from the
    stored lemmas without the text.
    """
    folded: dict[str, None] = {}
    for lemma in lemmas.split():
        folded.update(dict.fromkeys(folded_readings((lemma,))))
    return " ".join(folded)


@functools.lru_cache(maxsize=4096)
def folded_word_lemmas(word: str) -> frozenset[str]:
    """Return the folded lemmas of one word form (highlighting, cached)."""
    return frozenset(
        lemma for candidates in analyse(word) for lemma in folded_readings(candidates)
    )


def fold_lower(expression) -> Func:
    """The database's `fold(text).lower()` of `expression` (SQLite and
    PostgreSQL alike: SQLite's LOWER() leaves non-ASCII letters as they are,
    so capital Polish letters are folded too)."""
    expression = Lower(expression)
    for polish, plain in zip("ąćęłńóśźżĄĆĘŁŃÓŚŹŻ", "acelnoszzacelnoszz", strict=True):
        expression = Replace(expression, Value(polish), Value(plain))
    return expression


# Questions ------------------------------------------------------------------

# Words residents wrap a question in ("Dzień dobry, chciałbym się dowiedzieć,
# gdzie mogę…"): they say nothing about the matter itself, so matching a
# question against pages (suggestions) leaves them out.
QUESTION_STOP_LEMMAS = frozenset(
    {
        "być", "mieć", "móc", "musieć", "chcieć", "trzeba", "należeć", "można",
        "potrzebować", "wiedzieć", "dowiedzieć", "prosić", "pytać", "zapytać",
        "jak", "gdzie", "kiedy", "co", "czy", "ile", "jaki", "który", "dlaczego",
        "czemu", "kto", "skąd", "dokąd", "nie", "tak", "dzień", "dobry",
        "witam", "witać", "dziękować", "pozdrawiać", "pan", "pani", "państwo",
        "mój", "swój", "nasz", "wasz", "twój", "ten", "taki", "ja", "my",
        "wy", "on", "ona", "oni", "coś", "cały", "też", "jeszcze", "już",
        "bardzo", "proszę", "uprzejmie", "zrobić", "robić", "załatwić",
        "sprawa", "informacja", "pomoc", "pomóc", "dziś", "teraz", "stać",
    }
)  # fmt: skip


def content_words(text: str) -> list[tuple[str, ...]]:
    """Return `analyse(text)` without the words a question is wrapped in,
    typed with Polish letters or without ("moge", "prosze")."""
    return [
        readings
        for readings in analyse(text)
        if not QUESTION_STOP_LEMMAS.intersection(readings)
        and not any(
            QUESTION_STOP_LEMMAS.intersection(restore(reading)) for reading in readings
        )
    ]


# Collation ------------------------------------------------------------------

# Databases sort by code point ("Łazy" after "Zawada Górna") and SQLite has no
# Polish collation, so short lists (villages, topics) are sorted in Python.
POLISH_ALPHABET = "aąbcćdeęfghijklłmnńoópqrsśtuvwxyzźż"
_RANK = {letter: rank for rank, letter in enumerate(POLISH_ALPHABET)}
_DIGITS = re.compile(r"\d+")

# Primary weight classes: spaces and punctuation, numbers, letters, the rest.
_SPACE, _PUNCT, _NUMBER, _LETTER, _OTHER = range(5)


def _primary(char: str) -> tuple[tuple[int, int], int]:
    """(primary weight, accent weight) of one lower-case character."""
    rank = _RANK.get(char)
    if rank is not None:
        return (_LETTER, rank), 0
    base, *marks = unicodedata.normalize("NFD", char)
    if base in _RANK:
        # A letter Polish does not have (é, ü, ô): its base letter, with the
        # accent only breaking ties ("Moller" < "Möller" < "Molo").
        return (_LETTER, _RANK[base]), sum(ord(mark) for mark in marks)
    if char.isspace():
        return (_SPACE, 0), 0
    if not char.isalnum():
        return (_PUNCT, ord(char)), 0
    return (_OTHER, ord(char)), 0


def sort_key(text: str) -> tuple:
    """A key that sorts text in Polish alphabetical order.

    a ą b c ć d e ę f g h i j k l ł m n ń o ó p q r s ś t u v w x y z ź ż,
    case-insensitive; numbers by value ("Kolonia 2" before "Kolonia 10"),
    spaces and punctuation before letters (so "Zawada" < "Zawada Górna" <
    "Zawadka"). Ties: unaccented before accented foreign letters, then lower
    case before upper case, then the text itself, so the order is total.
    """
    text = unicodedata.normalize("NFC", text or "")
    primary: list[tuple[int, ...]] = []
    accents: list[int] = []
    cases: list[int] = []
    position = 0
    for match in _DIGITS.finditer(text):
        _add_letters(text[position : match.start()], primary, accents, cases)
        digits = match.group()
        primary.append((_NUMBER, int(digits), len(digits)))
        accents.append(0)
        cases.append(0)
        position = match.end()
    _add_letters(text[position:], primary, accents, cases)
    return tuple(primary), tuple(accents), tuple(cases), text


def _add_letters(text: str, primary: list, accents: list, cases: list) -> None:
    for char in text:
        lower = char.lower()
        weight, accent = _primary(lower[0] if lower else char)
        primary.append(weight)
        accents.append(accent)
        cases.append(0 if char == lower else 1)


def sorted_polish(items, key=str) -> list:
    """`items` as a list in Polish alphabetical order of `key(item)`."""
    return sorted(items, key=lambda item: sort_key(key(item)))


# "Gmina Zawada Górna" is declined by its first words only; the proper name
# after them stays as it is ("Urząd Gminy Zawada Górna").
_NAME_FORMS = (
    # (nominative, genitive, locative)
    ("Miasto i Gmina ", "Miasta i Gminy ", "Mieście i Gminie "),
    ("Gmina Miejska ", "Gminy Miejskiej ", "Gminie Miejskiej "),
    ("Gmina Wiejska ", "Gminy Wiejskiej ", "Gminie Wiejskiej "),
    ("Gmina ", "Gminy ", "Gminie "),
    ("Miasto ", "Miasta ", "Mieście "),
)


def gmina_genitive(name: str) -> str:
    """Return the genitive of an office name: "Gmina X" -> "Gminy X" (od: …)."""
    for nominative, genitive, _ in _NAME_FORMS:
        if name.startswith(nominative):
            return genitive + name.removeprefix(nominative)
    return name


def gmina_locative(name: str) -> str:
    """Return the locative of an office name: "Gmina X" -> "Gminie X" (w …)."""
    for nominative, _, locative in _NAME_FORMS:
        if name.startswith(nominative):
            return locative + name.removeprefix(nominative)
    return name
