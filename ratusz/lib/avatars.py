"""Initials avatars for the admin, drawn inline: no call to Gravatar.

The admin's Content-Security-Policy allows images from 'self' and data: only,
so a Gravatar URL shows a broken image (and would tell Gravatar who works
in the office).
"""

from __future__ import annotations

import hashlib
from urllib.parse import quote
from xml.sax.saxutils import escape

# Dark enough for white text at WCAG AA (4.5:1).
BACKGROUNDS = ("#0b4f8a", "#6b3fa0", "#1d6b3a", "#8a3b12", "#4a4a4a", "#7a1f47")


def initials(first_name: str, last_name: str, fallback: str = "") -> str:
    """Return up to two capital letters: "Alicja Nowak" -> "AN"."""
    letters = [w[0] for w in (first_name.strip(), last_name.strip()) if w]
    if not letters and fallback.strip():
        letters = [fallback.strip()[0]]
    return "".join(letters).upper()[:2] or "?"


def initials_data_uri(text: str, key: str) -> str:
    """Return an SVG data: URI of `text` on a colour chosen from `key`."""
    digest = hashlib.sha256(key.encode()).digest()
    colour = BACKGROUNDS[digest[0] % len(BACKGROUNDS)]
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64">'
        f'<rect width="64" height="64" fill="{colour}"/>'
        '<text x="32" y="32" dy="0.35em" text-anchor="middle" fill="#ffffff" '
        'font-family="Arial,Helvetica,sans-serif" font-size="26" font-weight="bold">'
        f"{escape(text)}</text></svg>"
    )
    return "data:image/svg+xml," + quote(svg)
