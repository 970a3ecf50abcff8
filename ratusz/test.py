"""Shared test fixtures: two gminas and a cast of staff.

alice: editor in gmina A; bob: author in gmina A (drafts only);
charlie: editor in gmina B; admin: superuser.
"""

from datetime import timedelta

from django.test import TestCase
from django.utils import timezone
from wagtail.models import Page
from wagtail.rich_text import RichText

from ratusz.gminas import services as gmina_services
from ratusz.gminas.models import Category, Gmina, Membership, User, Village
from ratusz.website.models import ArticlePage, HomePage, NewsIndexPage

_counter = iter(range(1, 10**9))


def make_user(username: str, *, password: str = "password", **fields) -> User:
    user = User.objects.create_user(
        username=username, email=f"{username}@example.org", password=password, **fields
    )
    return user


def make_gmina(
    name: str = "Gmina Zawada",
    hostname: str | None = None,
    is_default_site: bool = False,
) -> Gmina:
    """Create a gmina with its home page and news index."""
    n = next(_counter)
    root = Page.get_first_root_node()
    home = root.add_child(
        instance=HomePage(title=name, slug=f"gmina-{n}", intro=f"Witamy w: {name}")
    )
    gmina = gmina_services.create_gmina(
        name=name,
        short_name=name.replace("Gmina ", ""),
        hostname=hostname or f"gmina{n}.localhost",
        root_page=home,
        is_default_site=is_default_site,
        bip_url="https://bip.example.org/",
        email="urzad@example.org",
        phone="+48 12 345 67 89",
        address="ul. Rynek 1\n00-001 Zawada",
    )
    news = home.add_child(
        instance=NewsIndexPage(title="Aktualności", slug="aktualnosci")
    )
    news.save_revision().publish()
    return gmina


def home_of(gmina: Gmina) -> HomePage:
    return gmina.site.root_page.specific


def news_index_of(gmina: Gmina) -> NewsIndexPage:
    return NewsIndexPage.objects.child_of(gmina.site.root_page).get()


def make_article(
    gmina: Gmina,
    title: str = "Nowy artykuł",
    *,
    body: str = "",
    lead: str = "",
    publish: bool = True,
    days_ago: float = 0,
    category: Category | None = None,
    villages=(),
    tags=(),
    **fields,
) -> ArticlePage:
    index = news_index_of(gmina)
    article = ArticlePage(
        title=title,
        # A draft is never live; publishing the revision below makes it live.
        live=False,
        lead=lead,
        date=timezone.now() - timedelta(days=days_ago),
        body=[("paragraph", RichText(body or f"<p>Treść: {title}</p>"))],
        category=category,
        **fields,
    )
    index.add_child(instance=article)
    if villages:
        article.villages.set(villages)
    if tags:
        article.tags.add(*tags)
    revision = article.save_revision()
    if publish:
        revision.publish()
        article.refresh_from_db()
    return article


def make_category(gmina: Gmina, name: str, **fields) -> Category:
    return Category.objects.create(gmina=gmina, name=name, **fields)


def make_village(gmina: Gmina, name: str) -> Village:
    return Village.objects.create(gmina=gmina, name=name)


class BaseTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.gmina = make_gmina(
            "Gmina Zawada", hostname="localhost", is_default_site=True
        )
        cls.other_gmina = make_gmina("Gmina Brzezie", hostname="brzezie.localhost")
        cls.alice = make_user("alice", first_name="Alicja", last_name="Nowak")
        gmina_services.add_member(cls.gmina, cls.alice, Membership.Role.EDITOR)
        cls.bob = make_user("bob", first_name="Bogdan", last_name="Kowal")
        gmina_services.add_member(cls.gmina, cls.bob, Membership.Role.AUTHOR)
        cls.charlie = make_user("charlie", first_name="Czesław", last_name="Mazur")
        gmina_services.add_member(cls.other_gmina, cls.charlie, Membership.Role.EDITOR)
        cls.admin = User.objects.create_superuser(
            "admin", "admin@example.org", "password"
        )
