"""How Mastodon counts a status against its limit: one rule for sending and previews.

Mastodon's `StatusLengthValidator` (app/validators/status_length_validator.rb)
counts `[spoiler_text, countable_text(text)].join.each_grapheme_cluster.size`
(older releases: `mb_chars.grapheme_length`), i.e. extended grapheme clusters,
so 👩‍👩‍👧, 🇵🇱 and 👍🏽 are one character each. `countable_text` replaces every
URL its extractor finds (with a protocol: `extract_url_without_protocol:
false`) by `URL_PLACEHOLDER_CHARS = 23` characters, and a remote mention
`@user@domain` by `@user`. Instances publish the 23 as
`configuration.statuses.characters_reserved_per_url`.

The URL pattern follows Mastodon's override of twitter-text
(config/initializers/twitter_regex.rb): a path runs to the first white space,
`<`, `>`, `(`, `)` or `?` (balanced parentheses allowed) and does not end on
punctuation such as `.`, `,`, `!`, `:` or `;`; a query string may follow.
One deliberate difference: twitter-text wants a known top-level domain, so
Mastodon counts `http://localhost/…` in full; here any host is a link, so a
development site's previews read like production ones (real gmina sites
always have a TLD).

`URL_PATTERN` is written so that JavaScript (`new RegExp(p, "giu")`) reads it
the same way: ratusz/static/js/outbox-counter.js carries a copy, checked by
ratusz/integrations/mastodon/tests/test_text.py.
"""

from __future__ import annotations

import regex

LIMIT = 500
URL_LENGTH = 23

_PATH_CHAR = r"[^\p{White_Space}<>()?]"
_PATH_END = r"[^\p{White_Space}()?!*" '"' r"'「」<>;:=,.$%\[\]~&|@]"
_PARENS = rf"\({_PATH_CHAR}+\)"
URL_PATTERN = (
    r"(?<![A-Za-z0-9@$#＠＃])https?://"
    r"(?:[\p{L}\p{N}](?:[\p{L}\p{N}_-]*[\p{L}\p{N}])?\.)*"
    r"[\p{L}\p{N}](?:[\p{L}\p{N}_-]*[\p{L}\p{N}])?"
    r"(?::[0-9]+)?"
    rf"(?:/(?:{_PATH_CHAR}*(?:{_PARENS}{_PATH_CHAR}*)*(?:{_PATH_END}|{_PARENS})"
    rf"|{_PATH_CHAR}+/)*)?"
    r"(?:\?[a-z0-9!?*'();:&=+$/%#\[\]\-_.,~|@]*[a-z0-9_&=#/\-])?"
)
_URL = regex.compile(URL_PATTERN, regex.IGNORECASE)
# Account::MENTION_RE: a remote mention counts as its local part.
_MENTION = regex.compile(
    r"(?<![=/\w])@([a-z0-9_]+(?:[.-]+[a-z0-9_]+)*)@[\w.-]+\w", regex.IGNORECASE
)


def graphemes(text: str) -> int:
    """User-perceived characters (Unicode extended grapheme clusters)."""
    return len(regex.findall(r"\X", text))


def countable_text(text: str) -> str:
    text = _URL.sub("x" * URL_LENGTH, text)
    return _MENTION.sub(lambda m: "@" + m.group(1), text)


def length(text: str, spoiler_text: str = "") -> int:
    """The length Mastodon checks against its limit."""
    return graphemes(spoiler_text + countable_text(text))


def status_text(text: str, url: str, limit: int = LIMIT) -> str:
    """Text, a blank line and the link, shortened with "…" to fit `limit`."""
    suffix = f"\n\n{url}" if url else ""
    text = text.strip()
    if length(text + suffix) <= limit:
        return text + suffix
    # Cut whole grapheme clusters, so an emoji sequence is never split.
    clusters = regex.findall(r"\X", text)
    size = min(len(clusters), limit)
    while size > 0:
        cut = "".join(clusters[:size]).rstrip() + "…"
        if length(cut + suffix) <= limit:
            return cut + suffix
        size -= 1
    return url
