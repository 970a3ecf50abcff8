"""Realistic public content for tests that look at whole pages: categories,
villages, tags, fifteen articles (the newest with a main image and an image
block), an accessibility statement and a standard page."""

import io

from django.core.files.images import ImageFile
from PIL import Image, ImageDraw
from wagtail.rich_text import RichText

from ratusz.test import (
    home_of,
    make_article,
    make_category,
    make_gmina,
    make_village,
    news_index_of,
)
from ratusz.website.models import (
    AccessibilityStatementPage,
    CustomImage,
    StandardPage,
)


def make_image(title: str, description: str, colour: tuple[int, int, int]):
    """Create a CustomImage from a generated JPEG; its description is the alt."""
    picture = Image.new("RGB", (1200, 675), colour)
    draw = ImageDraw.Draw(picture)
    for i in range(0, 1200, 60):
        draw.line([(i, 0), (1200 - i, 675)], fill=(255, 255, 255), width=3)
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG", quality=80)
    return CustomImage.objects.create(
        title=title,
        description=description,
        file=ImageFile(buffer, name=f"{title.lower().replace(' ', '-')}.jpg"),
    )


TITLES = [
    ("Remont drogi gminnej w Zawadzie", "drogi"),
    ("Zebranie wiejskie w sołectwie Brzózki", "sprawy"),
    ("Harmonogram odbioru odpadów na marzec", "odpady"),
    ("Przerwa w dostawie wody na ulicy Polnej", "komunikaty"),
    ("Dożynki gminne – zaproszenie", "kultura"),
    ("Nabór wniosków o dofinansowanie wymiany pieca", "sprawy"),
    ("Nowe godziny pracy urzędu", "sprawy"),
    ("Turniej piłki nożnej o puchar wójta", "kultura"),
    ("Zbiórka elektrośmieci w Łąkach", "odpady"),
    ("Ostrzeżenie przed silnym wiatrem", "komunikaty"),
    ("Budowa chodnika przy szkole w Brzózkach", "drogi"),
    ("Koncert kolęd w kościele parafialnym", "kultura"),
    ("Podatek od nieruchomości – terminy płatności", "sprawy"),
    ("Bezpłatne badania mammograficzne", "zdrowie"),
    ("Spotkanie z dzielnicowym w świetlicy", "sprawy"),
]


def make_site_content(**gmina_fields) -> dict:
    """Create a gmina on `localhost` (the default site) and fill its website.

    Returns the gmina, its pages and articles by name.
    """
    gmina = make_gmina("Gmina Zawada", hostname="localhost", is_default_site=True)
    if gmina_fields:
        for name, value in gmina_fields.items():
            setattr(gmina, name, value)
        gmina.save()
    home = home_of(gmina)
    home.intro = "Oficjalny serwis gminy: aktualności, komunikaty i sprawy urzędowe."
    home.save_revision().publish()
    news = news_index_of(gmina)
    news.show_in_menus = True
    news.save_revision().publish()

    categories = {
        slug: make_category(gmina, name, is_urgent=(slug == "komunikaty"))
        for slug, name in [
            ("drogi", "Drogi i inwestycje"),
            ("sprawy", "Sprawy urzędowe"),
            ("odpady", "Odpady"),
            ("komunikaty", "Komunikaty"),
            ("kultura", "Kultura i sport"),
            ("zdrowie", "Zdrowie"),
        ]
    }
    villages = [make_village(gmina, n) for n in ("Brzózki", "Łąki", "Zawada")]
    main_image = make_image(
        "Droga w Zawadzie",
        "Nowa nawierzchnia asfaltowa na drodze gminnej w Zawadzie",
        (40, 90, 60),
    )
    body_image = make_image(
        "Plan objazdu", "Mapa objazdu na czas remontu drogi", (120, 80, 40)
    )

    articles = []
    for i, (title, category) in enumerate(reversed(TITLES)):
        articles.append(
            make_article(
                gmina,
                title,
                lead=f"{title}. Szczegóły w komunikacie urzędu gminy.",
                body=(
                    f"<p>Informujemy mieszkańców: {title.lower()}. "
                    "Więcej informacji udziela sekretariat urzędu.</p>"
                ),
                days_ago=len(TITLES) - i,
                category=categories[category],
                villages=[villages[i % 3]],
                tags=["gmina", category],
                featured=(i == len(TITLES) - 3),
            )
        )
    # The newest article: a main image and an image block in the body.
    article = articles[-1]
    article.main_image = main_image
    article.author_name = "Referat Inwestycji"
    article.body = [
        (
            "paragraph",
            RichText(
                "<p>Od poniedziałku trwa remont drogi gminnej. Prace potrwają "
                "do końca miesiąca.</p><h2>Objazdy</h2><p>Objazd prowadzi przez "
                '<a href="https://example.org/mapa">drogę powiatową</a>.</p>'
            ),
        ),
        ("image", {"image": body_image, "caption": "Plan objazdu"}),
        ("quote", {"text": "Prosimy o cierpliwość.", "source": "Wójt gminy"}),
    ]
    article.save_revision().publish()
    article.refresh_from_db()

    statement = home.add_child(
        instance=AccessibilityStatementPage(
            title="Deklaracja dostępności",
            slug="deklaracja-dostepnosci",
            body="<p>Gmina Zawada zobowiązuje się zapewnić dostępność serwisu.</p>",
        )
    )
    statement.save_revision().publish()
    standard = home.add_child(
        instance=StandardPage(
            title="Polityka prywatności",
            slug="polityka-prywatnosci",
            body=[("paragraph", RichText("<p>Serwis nie używa ciasteczek.</p>"))],
        )
    )
    standard.save_revision().publish()

    return {
        "gmina": gmina,
        "home": home,
        "news": news,
        "article": article,
        "articles": articles,
        "categories": categories,
        "villages": villages,
        "statement": statement,
        "standard": standard,
    }
