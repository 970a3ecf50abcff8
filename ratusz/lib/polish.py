"""Polish lemmas from morfeusz2: one place for search, related articles and
suggestions.

Polish inflects heavily ("wójt", "wójta", "wójtem"), and PostgreSQL has no
Polish dictionary, so both the index and the query are reduced to lemmas in
Python. A word form can have several lemmas ("gminy" is a form of "gmina" and
of "gmin"); all of them are kept, so a query matches when any reading of each
of its words matches some reading in the text.
"""

from __future__ import annotations

import contextlib
import functools
import queue
import re
import unicodedata

import morfeusz2

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
    with _analyser() as analyser:
        readings = analyser.analyse(text)
    for start, end, (orth, lemma, tag, _names, qualifiers) in readings:
        segment = (start, end)
        if not _WORD.search(orth):
            continue
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
    """Return `analyse(text)` without the words a question is wrapped in."""
    return [
        readings
        for readings in analyse(text)
        if not QUESTION_STOP_LEMMAS.intersection(readings)
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
