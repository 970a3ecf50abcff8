from django import template
from django.urls import translate_url
from django.utils import formats, timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from wagtail.models import Site
from wagtail.rich_text import RichText, expand_db_html

from ratusz.lib.html import clean_html
from ratusz.website.models import NewsIndexPage, StandardPage

register = template.Library()


def _site(context):
    request = context.get("request")
    return context.get("site") or (Site.find_for_request(request) if request else None)


@register.simple_tag(takes_context=True)
def main_menu(context):
    site = _site(context)
    if site is None:
        return ""
    request = context.get("request")
    current = context.get("page")
    items = site.root_page.get_children().live().in_menu().specific()
    return format_html_join(
        "\n",
        '<li><a href="{}"{}>{}</a></li>',
        (
            (
                item.get_url(request),
                mark_safe(' aria-current="page"')
                if current
                and (current.pk == item.pk or current.path.startswith(item.path))
                else "",
                item.title,
            )
            for item in items
        ),
    )


@register.simple_tag(takes_context=True)
def footer_links(context):
    """Standard pages marked "show in menus" are header links; the rest of the
    top-level standard pages (privacy, contact) go in the footer."""
    site = _site(context)
    if site is None:
        return ""
    request = context.get("request")
    pages = (
        StandardPage.objects.live().child_of(site.root_page).filter(show_in_menus=False)
    )
    return format_html_join(
        "\n",
        '<li><a href="{}">{}</a></li>',
        ((p.get_url(request), p.title) for p in pages),
    )


@register.simple_tag(takes_context=True)
def news_index(context):
    # Every page asks several times (feed links in <head> and footer): look
    # it up once per request.
    request = context.get("request")
    if request is not None and hasattr(request, "_ratusz_news_index"):
        return request._ratusz_news_index
    site = _site(context)
    if site is None:
        return None
    index = NewsIndexPage.objects.live().child_of(site.root_page).first()
    if request is not None:
        request._ratusz_news_index = index
    return index


@register.simple_tag(takes_context=True)
def feed_url(context, kind="rss", category=None):
    index = news_index(context)
    if index is None:
        return ""
    url = index.get_url(context.get("request"))
    if category is not None:
        return f"{url}kategoria/{category.slug}/{kind}/"
    return f"{url}{kind}/"


@register.simple_tag(takes_context=True)
def language_links(context):
    request = context.get("request")
    if request is None:
        return ""
    current = get_language()
    links = []
    for code, name in (("pl", "Polski"), ("en", "English")):
        url = translate_url(request.path, code)
        if code == current:
            links.append(
                format_html(
                    '<li><a href="{}" aria-current="true" lang="{}">{}</a></li>',
                    url,
                    code,
                    name,
                )
            )
        else:
            links.append(
                format_html(
                    '<li><a href="{}" lang="{}" hreflang="{}">{}</a></li>',
                    url,
                    code,
                    code,
                    name,
                )
            )
    return format_html_join("", "{}", ((link,) for link in links))


@register.filter
def polish_date(value):
    """Format a date the Polish way: "5 marca 2026"."""
    if not value:
        return ""
    if hasattr(value, "tzinfo"):
        value = timezone.localtime(value)
    return formats.date_format(value, "j E Y")


@register.filter
def safe_richtext(value):
    """Render rich text, then sanitize it: a crafted POST that bypasses the
    editor (or an imported post) must not get `javascript:` links or script
    into a page."""
    source = value.source if isinstance(value, RichText) else str(value or "")
    return clean_html(expand_db_html(source))
