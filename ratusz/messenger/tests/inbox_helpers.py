"""Shared bits of the staff inbox tests."""

import sys
import types
from contextlib import contextmanager
from dataclasses import dataclass
from unittest import mock


@dataclass(frozen=True)
class FakeSuggestion:
    page: object
    title: str
    url: str
    summary: str
    score: float


@contextmanager
def procedures(suggestions=(), page=None):
    """Stand in for ratusz.website.procedures (H4's module) where the test is
    about the inbox's wiring, not about ranking; records the calls."""
    try:
        from ratusz.website import procedures as module
    except ImportError:
        module = types.ModuleType("ratusz.website.procedures")
        sys.modules["ratusz.website.procedures"] = module
        added = True
    else:
        added = False
    calls = []

    def suggest(site, text, limit=3):
        calls.append(("suggest", site, text, limit))
        return list(suggestions)[:limit]

    def draft(site, title, text, user):
        calls.append(("draft", site, title, text, user))
        return page

    try:
        with (
            mock.patch.object(module, "suggest_procedures", suggest, create=True),
            mock.patch.object(
                module, "draft_procedure_from_answer", draft, create=True
            ),
        ):
            yield calls
    finally:
        if added:
            sys.modules.pop("ratusz.website.procedures", None)
