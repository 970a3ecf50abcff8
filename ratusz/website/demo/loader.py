"""Create (or complete) the demo gmina; `manage.py load_demo` calls `load`.

Idempotent: the demo gmina is found by name, and every village, category,
image and page by its slug or title, so a second run adds only what is
missing and never duplicates. Texts come from `content`, drawings from
`images`; the random choices (publication hours, block ids) are seeded, so
every run makes the same site.
"""

import io
import os
import random
import secrets
import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.core.files.images import ImageFile
from django.db import transaction
from django.utils import timezone
from django.utils.html import escape
from wagtail.models import Collection, Page, Site

from ratusz.gminas import services as gmina_services
from ratusz.gminas.models import Category, Gmina, Membership, User, Village
from ratusz.lib import demo as demo_steps
from ratusz.lib.tasks import inline_tasks
from ratusz.website.models import (
    AccessibilityStatementPage,
    ArticlePage,
    CustomImage,
    HomePage,
    NewsIndexPage,
    ProcedureIndexPage,
    ProcedurePage,
    StandardPage,
)

from . import content, images
from . import procedures as procedure_content

EDITOR_USERNAME = "redaktor"
HOME_SLUG = "zawada-gorna"


@dataclass
class Result:
    gmina: Gmina
    created: bool
    editor: User
    # Set only when the password was just created or reset.
    password: str | None
    new_articles: int
    live_articles: int


def load(*, reset_password: bool = False, today: date | None = None) -> Result:
    """Create or complete the demo gmina and its editor; return what was done."""
    with inline_tasks():  # see ratusz.lib.tasks
        return _load(reset_password=reset_password, today=today)


def _load(*, reset_password: bool, today: date | None) -> Result:
    rng = random.Random(2026)
    now = timezone.localtime()
    today = today or now.date()
    with transaction.atomic():
        gmina, created = _ensure_gmina()
        editor, password = _ensure_editor(gmina, reset_password)
        villages = _ensure_villages(gmina)
        categories = _ensure_categories(gmina)
        pictures = _ensure_images(gmina)
        if gmina.coat_of_arms_id is None:
            gmina.coat_of_arms = pictures["herb"]
            gmina.save(update_fields=["coat_of_arms"])
        home = gmina.site.root_page.specific
        news = _ensure_child(
            home,
            NewsIndexPage,
            "aktualnosci",
            title="Aktualności",
            intro=content.NEWS_INTRO,
            show_in_menus=True,
        )
        new_articles = _ensure_articles(
            news, editor, villages, categories, pictures, rng, now, today
        )
        pages = _ensure_pages(home, villages)
        pages.update(_ensure_procedures(home, categories, editor))
        _ensure_home(home, news, pages)
        # Other apps' demo data (e-inclusion, …): lib/demo.py.
        demo_steps.run_steps(gmina, today=today)
    live = ArticlePage.objects.live().descendant_of(news).count()
    return Result(gmina, created, editor, password, new_articles, live)


def _ensure_gmina() -> tuple[Gmina, bool]:
    fields = {k: v for k, v in content.GMINA.items() if k not in ("name", "short_name")}
    gmina = Gmina.objects.filter(name=content.GMINA["name"]).first()
    if gmina is not None:
        # Refresh the office's details, in case the demo texts changed.
        for name, value in fields.items():
            setattr(gmina, name, value)
        gmina.save(update_fields=list(fields))
        return gmina, False

    root = Page.get_first_root_node()
    home = root.get_children().filter(slug=HOME_SLUG).first()
    if home is None:
        home = root.add_child(
            instance=HomePage(
                title=content.GMINA["name"],
                slug=HOME_SLUG,
                intro=content.HOME_INTRO,
                live=False,
            )
        )
    home.save_revision().publish()
    # The demo answers on http://127.0.0.1:8000 as the default site, unless the
    # installation already has a site of its own there. The site's address is
    # the one `make run` prints, so links in feeds, the sitemap and canonical
    # tags work as they are.
    hostname, port, is_default = "127.0.0.1", _demo_port(), True
    if Site.objects.filter(is_default_site=True).exists():
        hostname, port, is_default = "zawada-gorna.localhost", 80, False
    elif Site.objects.filter(hostname=hostname, port=port).exists():
        hostname = "zawada-gorna.localhost"
    gmina = gmina_services.create_gmina(
        name=content.GMINA["name"],
        short_name=content.GMINA["short_name"],
        hostname=hostname,
        port=port,
        root_page=home,
        is_default_site=is_default,
        **fields,
    )
    return gmina, True


def _demo_port() -> int:
    try:
        return int(os.environ.get("PORT") or 8000)
    except ValueError:
        return 8000


def _ensure_editor(gmina: Gmina, reset_password: bool) -> tuple[User, str | None]:
    editor = User.objects.filter(username=EDITOR_USERNAME).first()
    password = None
    if editor is None:
        editor = User(
            username=EDITOR_USERNAME,
            first_name="Magdalena",
            last_name="Wiśniewska",
            email="promocja@zawada-gorna.example",
        )
        reset_password = True
    if reset_password:
        password = secrets.token_urlsafe(12)
        editor.set_password(password)
        editor.save()
    gmina_services.add_member(gmina, editor, Membership.Role.EDITOR)
    return editor, password


def _ensure_villages(gmina: Gmina) -> dict[str, Village]:
    villages = {}
    for name, *_ in content.VILLAGES:
        village = Village.objects.filter(gmina=gmina, name=name).first()
        village = village or Village.objects.create(gmina=gmina, name=name)
        villages[village.slug] = village
    return villages


def _ensure_categories(gmina: Gmina) -> dict[str, Category]:
    categories = {}
    for name, is_urgent in content.CATEGORIES:
        category, _ = Category.objects.get_or_create(
            gmina=gmina, name=name, defaults={"is_urgent": is_urgent}
        )
        categories[name] = category
    return categories


def _collection(gmina: Gmina) -> Collection:
    collection = getattr(gmina, "collection", None)
    if collection is not None:
        return collection
    collection_for = getattr(gmina_services, "collection_for", None)
    return collection_for(gmina) if collection_for else Collection.get_first_root_node()


def _ensure_images(gmina: Gmina) -> dict[str, CustomImage]:
    collection = _collection(gmina)
    pictures = {}
    for key, (_, title, alt) in images.ILLUSTRATIONS.items():
        image = CustomImage.objects.filter(collection=collection, title=title).first()
        if image is None:
            image = CustomImage(title=title, description=alt, collection=collection)
            image.file = ImageFile(io.BytesIO(images.render(key)), name=f"{key}.png")
            image.save()
        pictures[key] = image
    return pictures


def _ensure_child(parent: Page, model, slug: str, **fields) -> Page:
    existing = parent.get_children().filter(slug=slug).first()
    if existing is not None:
        return existing.specific
    page = parent.add_child(instance=model(slug=slug, live=False, **fields))
    page.save_revision().publish()
    return page


def _anchored(month: int, day: int, today: date) -> date:
    """Return the latest `day`.`month` that is not after `today`."""
    for year in (today.year, today.year - 1):
        try:
            candidate = date(year, month, day)
        except ValueError:  # 29 February
            candidate = date(year, month, 28)
        if candidate <= today:
            return candidate
    raise AssertionError("unreachable")


def _article_specs(today: date) -> list[content.Article]:
    specs = []
    for spec in content.ARTICLES:
        if spec.when:
            spec.published = _anchored(*spec.when, today)
        else:
            spec.published = today - timedelta(days=spec.days_ago or 0)
        specs.append(spec)
    for month in content.WASTE_PERIODS:
        start = date(today.year, month, 1)
        if start - timedelta(days=4) > today:
            start = date(today.year - 1, month, 1)
        specs.append(content.waste_schedule(start))
    notices = sorted(_anchored(m, d, today) for m, d in content.SESSION_NOTICES)
    specs += [content.council_session(n, day) for n, day in enumerate(notices)]
    return specs


def _ensure_articles(news, editor, villages, categories, pictures, rng, now, today):
    existing = set(ArticlePage.objects.child_of(news).values_list("slug", flat=True))
    created = 0
    for spec in sorted(_article_specs(today), key=lambda s: s.published):
        # Draw for every spec, created or not, so that the choices of one
        # article do not depend on which others already exist.
        hour, minute = rng.randint(8, 15), rng.choice((0, 10, 20, 30, 40, 50))
        block_seed = rng.getrandbits(64)
        if spec.slug in existing:
            continue
        when = timezone.make_aware(datetime.combine(spec.published, time(hour, minute)))
        when = min(when, now - timedelta(minutes=5))
        page = ArticlePage(
            title=spec.title,
            slug=spec.slug,
            lead=spec.lead,
            date=when,
            author_name=spec.author,
            category=categories[spec.category],
            featured=spec.featured,
            is_urgent=spec.urgent_days is not None,
            urgent_until=(
                when + timedelta(days=spec.urgent_days) if spec.urgent_days else None
            ),
            main_image=pictures[spec.image] if spec.image else None,
            body=_body(spec, pictures, random.Random(block_seed)),
            owner=editor,
            live=False,
            first_published_at=when,
        )
        page.tags.add(*spec.tags)
        page.villages = [villages[slug] for slug in spec.villages]
        news.add_child(instance=page)
        page.save_revision(user=editor).publish(user=editor)
        # The demo's history: publication times as if published on the day.
        ArticlePage.objects.filter(pk=page.pk).update(
            first_published_at=when, last_published_at=when
        )
        created += 1
    return created


def _block_id(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def _body(spec: content.Article, pictures, rng: random.Random) -> list[dict]:
    blocks: list[dict] = []
    html: list[str] = []

    def flush():
        if html:
            blocks.append(
                {"type": "paragraph", "value": "".join(html), "id": _block_id(rng)}
            )
            html.clear()

    for i, part in enumerate(spec.body):
        if isinstance(part, tuple):
            flush()
            _, text, source = part
            blocks.append(
                {
                    "type": "quote",
                    "value": {"text": text, "source": source},
                    "id": _block_id(rng),
                }
            )
        elif part.startswith("<"):
            html.append(part)
        else:
            html.append(f"<p>{escape(part)}</p>")
        if i == 0 and spec.body_image:
            flush()
            key, caption = spec.body_image
            image = pictures[key]
            blocks.append(
                {
                    "type": "image",
                    "value": {
                        "image": {
                            "image": image.pk,
                            "decorative": False,
                            "alt_text": image.description,
                        },
                        "caption": caption,
                    },
                    "id": _block_id(rng),
                }
            )
    flush()
    return blocks


def _rich_page_body(parts: list[str]) -> list[dict]:
    return [{"type": "paragraph", "value": "".join(parts)}]


def _ensure_pages(home: HomePage, villages: dict[str, Village]) -> dict[str, Page]:
    soltysi = "".join(
        f"<li><strong>{escape(name)}</strong> – sołtys: {escape(soltys)}</li>"
        for name, _, _, soltys in content.VILLAGES
    )
    pages = {
        "kontakt": _ensure_child(
            home,
            StandardPage,
            "kontakt",
            title="Kontakt",
            show_in_menus=True,
            summary="Adres, telefony, godziny pracy urzędu i numery referatów.",
            body=_rich_page_body(content.CONTACT),
        ),
        "solectwa": _ensure_child(
            home,
            StandardPage,
            "solectwa",
            title="Sołectwa i sołtysi",
            show_in_menus=True,
            summary="Jedenaście sołectw gminy i ich sołtysi.",
            body=_rich_page_body([content.SOLECTWA_INTRO, f"<ul>{soltysi}</ul>"]),
        ),
        "rodo": _ensure_child(
            home,
            StandardPage,
            "ochrona-danych-osobowych",
            title="Ochrona danych osobowych (RODO)",
            summary="Klauzula informacyjna: kto przetwarza Twoje dane, po co i "
            "jakie masz prawa.",
            body=_rich_page_body(content.PRIVACY),
        ),
        "dostepnosc": _ensure_child(
            home,
            AccessibilityStatementPage,
            "deklaracja-dostepnosci",
            title="Deklaracja dostępności",
            **_accessibility_fields(),
        ),
    }
    return pages


def _accessibility_fields() -> dict:
    """Return the statement's values for the fields the model has."""
    today = timezone.localdate()
    values = {
        **content.ACCESSIBILITY,
        "published_on": date(today.year - 1, 3, 1),
        "updated_on": date(today.year - 1, 3, 1),
        "prepared_on": date(today.year - 1, 3, 28),
        "reviewed_on": date(today.year, 3, 20) if today.month > 3 else None,
    }
    names = {f.name for f in AccessibilityStatementPage._meta.get_fields()}
    return {k: v for k, v in values.items() if k in names}


def _ensure_procedures(home: HomePage, categories, editor) -> dict[str, Page]:
    """Create the "Jak załatwić sprawę" list and its missing procedures."""
    index = _ensure_child(
        home,
        ProcedureIndexPage,
        procedure_content.INDEX_SLUG,
        title=procedure_content.INDEX_TITLE,
        intro=procedure_content.INDEX_INTRO,
        summary="Gdzie pójść, co zabrać, ile to kosztuje i jak długo trwa.",
        show_in_menus=True,
    )
    existing = set(index.get_children().values_list("slug", flat=True))
    for spec in procedure_content.PROCEDURES:
        if spec.slug in existing:
            continue
        page = ProcedurePage(
            slug=spec.slug,
            title=spec.title,
            summary=spec.summary,
            category=categories.get(spec.category),
            documents_needed="\n".join(spec.documents),
            fees=spec.fees,
            duration=spec.duration,
            legal_deadline=spec.legal_deadline,
            online_service_url=spec.online_url,
            online_service_label=spec.online_label,
            legal_basis="\n".join(spec.legal_basis),
            body=[{"type": "paragraph", "value": "".join(spec.body)}],
            reviewed_on=spec.reviewed_on,
            owner=editor,
            live=False,
            **spec.contact,
        )
        index.add_child(instance=page)
        page.save_revision(user=editor).publish(user=editor)
    children = ProcedurePage.objects.child_of(index)
    return {
        "procedury": index,
        **{f"procedura:{p.slug}": p for p in children},
    }


def _ensure_home(home: HomePage, news: NewsIndexPage, pages: dict[str, Page]) -> None:
    procedures = pages.get("procedury")
    if home.matters:
        linked = {
            block.value["page"].pk
            for block in home.matters
            if block.value.get("page") is not None
        }
        # A demo loaded before the procedures existed: link the list once.
        if procedures is not None and procedures.pk not in linked:
            matter = {"title": "Jak załatwić sprawę", "page": procedures.pk, "url": ""}
            home.matters = [
                *home.matters.raw_data,
                {"type": "matter", "value": matter},
            ]
            home.save_revision().publish()
        return
    waste = (
        ArticlePage.objects.live()
        .child_of(news)
        .filter(slug__startswith="harmonogram-odbioru-odpadow-")
        .order_by("-date")
        .first()
    )
    internet = ArticlePage.objects.child_of(news).filter(slug="internet-radiowy-zapisy")
    matters = [
        ("Harmonogram odbioru odpadów", waste, ""),
        ("Jak załatwić sprawę", procedures, ""),
        ("Dowód osobisty", pages.get("procedura:dowod-osobisty"), ""),
        (
            "Podatek od nieruchomości",
            pages.get("procedura:podatek-od-nieruchomosci"),
            "",
        ),
        ("Kontakt i godziny pracy urzędu", pages["kontakt"], ""),
        ("Sprawy przez internet (ePUAP)", None, "https://epuap.gov.pl/"),
        ("Internet radiowy – zapisy", internet.first(), ""),
        ("Sołectwa i sołtysi", pages["solectwa"], ""),
    ]
    home.intro = content.HOME_INTRO
    home.matters = [
        {
            "type": "matter",
            "value": {"title": title, "page": page.pk if page else None, "url": url},
        }
        for title, page, url in matters
        if page is not None or url
    ]
    home.save_revision().publish()
