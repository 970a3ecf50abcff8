"""Wagtail pages and the image model, one module per kind of page.

Django registers the models on import, so every module is imported here; the
names stay importable from `ratusz.website.models`.
"""

from ..cache_models import PageCacheDependency, PageCacheEntry
from .accessibility import AccessibilityStatementPage
from .articles import ArticlePage, ArticlePageQuerySet, ArticleTag, NewsIndexPage
from .base import BasePage
from .blocks import (
    RICH_TEXT_FEATURES,
    BodyBlock,
    CaptionedImageBlock,
    QuoteBlock,
    stream_text,
)
from .home import HomePage
from .images import CARD_RENDITION, CustomImage, CustomRendition
from .lemmas import LemmatizedPage
from .procedures import ProcedureForm, ProcedureIndexPage, ProcedurePage, validate_https
from .standard import StandardPage

__all__ = [
    "CARD_RENDITION",
    "RICH_TEXT_FEATURES",
    "AccessibilityStatementPage",
    "ArticlePage",
    "ArticlePageQuerySet",
    "ArticleTag",
    "BasePage",
    "BodyBlock",
    "CaptionedImageBlock",
    "CustomImage",
    "CustomRendition",
    "HomePage",
    "LemmatizedPage",
    "NewsIndexPage",
    "PageCacheDependency",
    "PageCacheEntry",
    "ProcedureForm",
    "ProcedureIndexPage",
    "ProcedurePage",
    "QuoteBlock",
    "StandardPage",
    "stream_text",
    "validate_https",
]
