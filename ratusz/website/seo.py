"""What an article tells machines: Open Graph image, JSON-LD, share links."""

import json
from urllib.parse import quote, urlencode

from django.core.serializers.json import DjangoJSONEncoder
from django.templatetags.static import static
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.timezone import localtime

# Facebook and most readers crop a 1.91:1 image; this is their preferred size.
OG_RENDITION = "fill-1200x630"
LOGO_RENDITION = "max-512x512"
FACEBOOK_SHARER = "https://www.facebook.com/sharer/sharer.php"

# As django.utils.html.json_script: no "<", ">" or "&" survives, so no
# "</script>" or "<!--" inside a value can end the script element early.
_JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def og_image(page, request):
    """Return {url, width, height, alt} of the sharing image, or None."""
    image = page.get_share_image()
    if image is None:
        return None
    rendition = image.get_rendition(OG_RENDITION)
    return {
        "url": request.build_absolute_uri(rendition.url),
        "width": rendition.width,
        "height": rendition.height,
        "alt": image.default_alt_text,
    }


def publisher_logo(gmina, request) -> str:
    if gmina is not None and gmina.coat_of_arms_id:
        rendition = gmina.coat_of_arms.get_rendition(LOGO_RENDITION)
        return request.build_absolute_uri(rendition.url)
    return request.build_absolute_uri(static("img/favicon.svg"))


def absolute_url(page, request) -> str:
    """Return the page's URL on the host the request came to.

    The request's scheme and host, not the Site record's: behind a TLS proxy
    the Site may say port 80 while residents use https.
    """
    return request.build_absolute_uri(page.get_url(request))


def article_json_ld(page, request) -> dict:
    """Return the schema.org NewsArticle of an article page."""
    gmina = page.gmina
    url = absolute_url(page, request)
    publisher = {
        "@type": "GovernmentOrganization",
        "name": gmina.name if gmina else page.get_site().site_name,
        "url": request.build_absolute_uri("/"),
        "logo": {"@type": "ImageObject", "url": publisher_logo(gmina, request)},
    }
    if page.author_name:
        author = {"@type": "Person", "name": page.author_name}
    else:
        author = {"@type": "GovernmentOrganization", "name": publisher["name"]}
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": page.title,
        "description": page.lead or page.get_summary(),
        "datePublished": localtime(page.date).isoformat(),
        "dateModified": localtime(page.last_published_at or page.date).isoformat(),
        "author": author,
        "publisher": publisher,
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "url": url,
        "inLanguage": "pl-PL",
    }
    image = og_image(page, request)
    if image:
        data["image"] = [image["url"]]
    if page.category_id:
        data["articleSection"] = page.category.name
    return data


def json_ld_script(data: dict, nonce: str = ""):
    """Render `data` as a JSON-LD <script> that no value can break out of."""
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False)
    text = text.translate(_JSON_SCRIPT_ESCAPES)
    return format_html(
        '<script type="application/ld+json" nonce="{}">{}</script>',
        nonce,
        mark_safe(text),
    )


def share_links(page, request) -> dict:
    """Return the Facebook, e-mail and plain links for sharing an article."""
    url = absolute_url(page, request)
    body = "\n\n".join(p for p in [page.lead, url] if p)
    # RFC 6068: percent-encoded, spaces as %20 (mail programs show "+").
    subject, body = quote(page.title, safe=""), quote(body, safe="")
    return {
        "url": url,
        "facebook": f"{FACEBOOK_SHARER}?u={quote(url, safe='')}",
        "email": f"mailto:?subject={subject}&body={body}",
    }


def follow_link(page) -> dict:
    """The article's call to follow: the follow page with its category and
    villages preselected (`?kategoria=…&solectwo=…`, as on the news list).

    The same for every visitor, so the page stays cacheable.
    """
    params = []
    if page.category_id:
        params.append(("kategoria", page.category.slug))
    villages = list(page.villages.all())
    params += [("solectwo", v.slug) for v in villages]
    url = reverse("fans-follow")
    return {
        "url": f"{url}?{urlencode(params)}" if params else url,
        "category": page.category.name if page.category_id else "",
        "villages": [v.name for v in villages],
    }


def taxonomy_links(page, request) -> dict:
    """Return the article's category, tags and villages as links to the list."""
    index = page.get_parent().specific
    base = index.get_url(request)
    category = None
    if page.category_id:
        url = index.category_url(page.category, request)
        category = {"name": page.category.name, "url": url}
    return {
        "category": category,
        "villages": [
            {"name": v.name, "url": f"{base}?solectwo={quote(v.slug)}"}
            for v in page.villages.all()
        ],
        "tags": [
            {"name": t.name, "url": f"{base}?tag={quote(t.slug)}"}
            for t in page.tags.all()
        ],
    }
