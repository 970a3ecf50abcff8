"""Tags for the article page: sharing, structured data, list links."""

from django import template

from ratusz.website import seo

register = template.Library()


@register.simple_tag(takes_context=True)
def article_meta(context, page):
    """Return what the article's <head> and share box need.

    Both the `meta` and the `content` blocks ask; compute it once a request.
    """
    request = context["request"]
    cache = request.__dict__.setdefault("_article_meta", {})
    if page.pk not in cache:
        cache[page.pk] = {
            "og_image": seo.og_image(page, request),
            "share": seo.share_links(page, request),
            "links": seo.taxonomy_links(page, request),
            "follow": seo.follow_link(page),
        }
    return cache[page.pk]


@register.simple_tag(takes_context=True)
def article_json_ld(context, page):
    request = context["request"]
    nonce = getattr(request, "csp_nonce", "")
    return seo.json_ld_script(seo.article_json_ld(page, request), str(nonce))
