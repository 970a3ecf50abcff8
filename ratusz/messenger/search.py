"""The inbox search: a gmina's conversations by the text of their messages
(Polish lemmas, typed with or without Polish letters), by the resident's name,
e-mail or phone.

Message text is matched like site search (`website.search`): each message
keeps its lemmas and folded lemmas (`Message.lemmas`, `folded_lemmas`); a
conversation matches when every word of the query is in one of its messages,
once folded, and conversations with more words exactly as typed come first.
A message is indexed by the first search after it arrived (`index_messages`),
so writing a message costs nothing more; migration 0004 indexed the old ones.
Automatic replies are never matched (their links to procedures would make
every conversation about "dowód" look alike).

Case references ("RZ/2026/000123") are found by `services.find_case_reference`
before any of this: the views open the case instead of searching.
"""

from __future__ import annotations

import re
from functools import reduce
from operator import and_, or_

from django.db import transaction
from django.db.models import Case, Exists, IntegerField, OuterRef, Q, Value, When

from ratusz.lib import phones, polish
from ratusz.website import search as site_search

from .models import Message

INDEX_BATCH = 500
# A query made of digits and phone punctuation, with at least this many
# digits, is looked for in residents' phone numbers.
MIN_PHONE_DIGITS = 6
_PHONE_LIKE = re.compile(r"\+?[\d\s\-./()]+")
_NAME_WORD = re.compile(r"\w{2,}")


def index_messages(conversations) -> int:
    """Index the messages of `conversations` not indexed yet; return how many.

    Runs in batches, each in its own short transaction. Two searches indexing
    the same messages at once write the same values.
    """
    pending = Message.objects.filter(
        conversation__in=conversations, lemmas__isnull=True
    ).only("pk", "author", "body")
    done = 0
    while True:
        batch = list(pending.order_by("pk")[:INDEX_BATCH])
        if not batch:
            return done
        for message in batch:
            if message.author == Message.Author.SYSTEM:
                message.lemmas = message.folded_lemmas = ""
            else:
                message.lemmas = polish.lemma_text(message.body)
                message.folded_lemmas = polish.folded_text(message.lemmas)
        with transaction.atomic():
            Message.objects.bulk_update(batch, ["lemmas", "folded_lemmas"])
        done += len(batch)


def _in_some_message(field_name: str, readings: tuple[str, ...]) -> Exists:
    """Whether one of the conversation's messages holds one of `readings` in
    its lemma field `field_name`."""
    return Exists(
        Message.objects.filter(conversation=OuterRef("pk"))
        .annotate(doc=site_search.padded(field_name))
        .filter(site_search.has_any("doc", readings))
    )


def phone_digits(text: str) -> str:
    """The digits to look for in phone numbers, or "" if `text` is not one."""
    if not _PHONE_LIKE.fullmatch(text.strip()):
        return ""
    national = phones.national_number(text)
    if national:
        return national
    digits = re.sub(r"\D", "", text)
    return digits if len(digits) >= MIN_PHONE_DIGITS else ""


def search_conversations(conversations, text: str):
    """Return `conversations` that match `text`, annotated with `exact_hits`
    (how many query words their messages hold exactly as typed).

    A conversation matches when its messages hold every word of `text`, or
    the resident's name holds every word (case and Polish letters ignored),
    or `text` is part of the resident's e-mail, or, written as a phone
    number, part of their phone. An empty query matches nothing.
    """
    query = site_search.parse_query(text)
    if not query.text:
        return conversations.none()
    conditions = []
    if query.words:
        conditions.append(
            reduce(
                and_,
                (
                    Q(_in_some_message("folded_lemmas", folded))
                    for folded in query.folded
                ),
            )
        )
    name_words = [polish.fold(word.lower()) for word in _NAME_WORD.findall(query.text)]
    if name_words:
        conversations = conversations.alias(
            folded_name=polish.fold_lower("resident_name")
        )
        conditions.append(
            reduce(and_, (Q(folded_name__contains=word) for word in name_words))
        )
    if " " not in query.text:
        conditions.append(Q(resident_email__icontains=query.text))
    digits = phone_digits(query.text)
    if digits:
        conditions.append(Q(resident_phone__contains=digits))
    exact_hits = sum(
        (
            Case(
                When(_in_some_message("lemmas", readings), then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            )
            for readings in query.words
        ),
        start=Value(0),
    )
    return conversations.filter(reduce(or_, conditions)).annotate(exact_hits=exact_hits)
