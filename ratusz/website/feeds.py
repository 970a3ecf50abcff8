"""RSS 2.0 and Atom feeds of a gmina's news, all or one category.

Routed through `NewsIndexPage` (RoutablePageMixin), so each feed belongs to
the site (gmina) whose news index serves it.

RSS `<description>` and Atom `<summary type="html">` hold HTML that readers
render: our leads and summaries are plain text, so they are HTML-escaped here
and XML-escaped again by Django. A lead reading "<script>" then shows as those
characters in a reader, never as markup.

Titles are plain text in both formats (RSS 2.0 gives `<title>` no markup;
Atom's is written without a type) and are XML-escaped once: feedparser and
the readers built on it show "Fish & Chips" and "<b>" literally. Escaping
them twice, for readers that render titles as HTML, would show "&amp;" to
every reader that does not (tried: the feed tests' reader read
"Bez kategorii &lt;b&gt;").
"""

from django.contrib.syndication.views import Feed
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.html import escape
from django.utils.translation import gettext as _

FEED_ITEMS = 30


class NewsRssFeed(Feed):
    feed_type = Rss201rev2Feed

    def get_object(self, request, index, category=None):
        self.request = request
        return {"index": index, "category": category}

    def title(self, obj):
        gmina = obj["index"].gmina
        parts = [gmina.name if gmina else obj["index"].title, _("Aktualności")]
        if obj["category"] is not None:
            parts.append(obj["category"].name)
        return " – ".join(parts)

    def link(self, obj):
        index = obj["index"]
        if obj["category"] is not None:
            return index.category_url(obj["category"], self.request)
        return index.get_url(self.request)

    def feed_url(self, obj):
        return self.request.build_absolute_uri(self.request.path)

    def description(self, obj):
        # The channel's <description> is HTML to readers, like an item's.
        return escape(self.description_text(obj))

    def description_text(self, obj):
        index = obj["index"]
        return index.intro or index.get_summary() or self.title(obj)

    def feed_copyright(self, obj):
        gmina = obj["index"].gmina
        return gmina.name if gmina else ""

    def items(self, obj):
        articles = obj["index"].articles()
        if obj["category"] is not None:
            articles = articles.filter(category=obj["category"])
        return articles.select_related("category").prefetch_related("tags")[:FEED_ITEMS]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return escape(item.lead or item.get_summary())

    def item_link(self, item):
        return item.get_url(self.request)

    def item_guid(self, item):
        # Stable across slug changes and moves, so readers never see a
        # renamed article as a new one.
        return f"urn:uuid:{item.translation_key}"

    item_guid_is_permalink = False

    def item_pubdate(self, item):
        return item.date

    def item_updateddate(self, item):
        return item.last_published_at or item.date

    def item_author_name(self, item):
        return item.author_name or None

    def item_categories(self, item):
        names = [item.category.name] if item.category else []
        return names + [tag.name for tag in item.tags.all()]


class NewsAtomFeed(NewsRssFeed):
    feed_type = Atom1Feed

    def subtitle(self, obj):
        # Atom's <subtitle> is written without a type: plain text.
        return self.description_text(obj)
