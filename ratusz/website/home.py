"""A new gmina's site: the home page and its news index.

`gminas.services.create_gmina` asks for it through the builder that
`WebsiteConfig.ready` registers, so the tenant app knows no page type.
"""

from django.utils.text import slugify
from wagtail.models import Page

from ratusz.lib import polish

from .models import HomePage, NewsIndexPage


def create_home(name: str) -> HomePage:
    """A published home page named `name`, with a published news index under it."""
    tree_root = Page.get_first_root_node()
    base = slugify(polish.fold(name)) or "gmina"
    slug, n = base, 1
    while tree_root.get_children().filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    home = tree_root.add_child(instance=HomePage(title=name, slug=slug))
    home.save_revision().publish()
    news = home.add_child(
        instance=NewsIndexPage(title="Aktualności", slug="aktualnosci")
    )
    news.save_revision().publish()
    return home
