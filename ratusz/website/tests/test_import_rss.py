from datetime import UTC, datetime
from io import StringIO

from django.core.management import CommandError, call_command
from django.test import override_settings
from wagtail.contrib.redirects.models import Redirect

from ratusz.gminas.models import Category
from ratusz.lib.tests.servers import LoopbackServer
from ratusz.test import BaseTestCase, news_index_of
from ratusz.website.models import ArticlePage, CustomImage
from ratusz.website.tests.importing import (
    ATOM,
    OLD_SITE,
    RSS,
    UPLOADS,
    TempDirMixin,
)
from ratusz.website.tests.test_import_wordpress import assert_safe_html

RSS_TYPE = {"Content-Type": "application/rss+xml; charset=utf-8"}


class ImportRssTestCase(TempDirMixin, BaseTestCase):
    def setUp(self):
        media = self.make_tempdir()
        settings = override_settings(MEDIA_ROOT=str(media))
        settings.enable()
        self.addCleanup(settings.disable)

    def run_import(self, source, **options):
        out, err = StringIO(), StringIO()
        call_command("import_rss", str(source), stdout=out, stderr=err, **options)
        return out.getvalue(), err.getvalue()

    def test_it_imports_an_rss_file(self):
        out, err = self.run_import(RSS)

        self.assertIn(
            "Zaimportowano artykułów: 3, zaktualizowano: 0, pominięto: 0", out
        )
        index = news_index_of(self.gmina)
        self.assertEqual(ArticlePage.objects.child_of(index).live().count(), 3)

        odpady = ArticlePage.objects.get(
            title="Odbiór odpadów wielkogabarytowych w marcu"
        )
        self.assertEqual(odpady.date, datetime(2015, 3, 6, 9, 0, tzinfo=UTC))
        self.assertEqual(odpady.first_published_at, odpady.date)
        self.assertEqual(odpady.author_name, "Referat Gospodarki Komunalnej")
        self.assertEqual(odpady.category.name, "Komunikaty")
        self.assertEqual(odpady.category.gmina, self.gmina)
        self.assertEqual(sorted(odpady.tags.names()), ["odpady", "Łąka"])
        self.assertEqual(odpady.import_key, "rss:https://gmina-zawada.invalid/?p=310")
        self.assertEqual(
            odpady.lead, "Zbiórka odpadów wielkogabarytowych odbędzie się 20 marca.…"
        )
        source = "".join(
            b.value.source for b in odpady.body if b.block_type == "paragraph"
        )
        self.assertIn("<strong>20 marca</strong>", source)
        self.assertIn(
            '<a href="https://bip.gmina-zawada.invalid/odpady">w BIP</a>', source
        )
        self.assertIn("Szczegóły", source)
        assert_safe_html(self, source)
        self.assertNotIn("document.cookie", source)
        # The images live on a host that cannot be reached: warned, not fatal.
        self.assertIn("smieciarka.jpg", err)
        self.assertIsNone(odpady.main_image)

        sesja = ArticlePage.objects.get(title="Sesja Rady Gminy – 12 marca 2015")
        self.assertEqual(sesja.date, datetime(2015, 3, 3, 11, 30, tzinfo=UTC))
        self.assertEqual(sesja.category.name, "Rada Gminy")
        self.assertEqual(
            sesja.lead, "Przewodniczący Rady Gminy Zawada zwołuje VI sesję."
        )

        bez_daty = ArticlePage.objects.get(title="Bez daty i bez guid")
        self.assertEqual(
            bez_daty.import_key,
            "rss:https://gmina-zawada.invalid/aktualnosci/bez-daty/",
        )

        r = self.client.get("/aktualnosci/odbior-odpadow-wielkogabarytowych/")
        self.assertEqual(r.status_code, 301)
        self.assertEqual(r["Location"], odpady.url)
        self.assertTrue(
            Redirect.objects.filter(
                site=self.gmina.site, old_path="/aktualnosci/sesja-rady-gminy-12-marca"
            ).exists()
        )

    def test_it_imports_an_atom_file(self):
        self.run_import(ATOM, gmina="brzezie.localhost")

        index = news_index_of(self.other_gmina)
        festyn = ArticlePage.objects.child_of(index).get(
            title="Festyn rodzinny w Łące & zawody sportowe"
        )
        self.assertEqual(festyn.date, datetime(2016, 5, 10, 18, 30, 2, tzinfo=UTC))
        self.assertEqual(festyn.author_name, "Sołtys Zofia Wiśniewska")
        self.assertEqual(festyn.category.name, "Kultura")
        self.assertEqual(festyn.category.gmina, self.other_gmina)
        self.assertEqual(list(festyn.tags.names()), ["festyn"])
        self.assertEqual(festyn.lead, "Zapraszamy na festyn rodzinny na boisku w Łące.")
        text = festyn.plain_text()
        self.assertIn("mecz oldbojów", text)
        for block in festyn.body:
            if block.block_type == "paragraph":
                assert_safe_html(self, block.value.source)

        zebranie = ArticlePage.objects.child_of(index).get(title="Zebranie sołeckie")
        self.assertEqual(zebranie.date, datetime(2016, 4, 2, 8, 0, tzinfo=UTC))
        self.assertEqual(
            zebranie.lead,
            "Zebranie odbędzie się w świetlicy w piątek 8 kwietnia o godz. 18:00.",
        )
        self.assertEqual(
            self.client.get(
                "/2016/05/festyn-rodzinny.html", HTTP_HOST="brzezie.localhost"
            )["Location"],
            festyn.url,
        )

    def test_it_is_idempotent(self):
        self.run_import(RSS)
        counts = (
            ArticlePage.objects.count(),
            Redirect.objects.count(),
            Category.objects.count(),
        )

        out, _err = self.run_import(RSS)

        self.assertIn(
            "Zaimportowano artykułów: 0, zaktualizowano: 0, pominięto: 3", out
        )
        self.assertEqual(
            (
                ArticlePage.objects.count(),
                Redirect.objects.count(),
                Category.objects.count(),
            ),
            counts,
        )

    def test_it_gives_articles_with_the_same_title_their_own_address(self):
        entry = (
            "<entry><title>Komunikat wójta</title><id>urn:k:{n}</id>"
            "<updated>2016-0{n}-01T10:00:00Z</updated>"
            "<content>Treść {n}.</content></entry>"
        )
        path = self.make_tempdir() / "kanal.xml"
        path.write_text(
            '<feed xmlns="http://www.w3.org/2005/Atom"><title>K</title>'
            + "".join(entry.format(n=n) for n in (1, 2, 3))
            + "</feed>"
        )

        self.run_import(path)

        slugs = ArticlePage.objects.filter(title="Komunikat wójta").values_list(
            "slug", flat=True
        )
        self.assertEqual(
            sorted(slugs), ["komunikat-wojta", "komunikat-wojta-2", "komunikat-wojta-3"]
        )

    def test_it_refuses_what_is_not_a_feed(self):
        path = self.make_tempdir() / "strona.html"
        for content in (
            "",
            "zwykły tekst, nie kanał",
            "<html><body><p>Strona</p></body></html>",
        ):
            path.write_text(content)
            with (
                self.subTest(content=content),
                self.assertRaisesRegex(CommandError, "To nie jest kanał RSS ani Atom"),
            ):
                self.run_import(path)
        with self.assertRaisesRegex(CommandError, "Nie ma pliku"):
            self.run_import("/nie/ma/kanal.xml")
        self.assertEqual(ArticlePage.objects.count(), 0)

    def test_it_refuses_entity_bombs_and_external_entities(self):
        path = self.make_tempdir() / "kanal.xml"
        bomb = (
            '<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "haha">'
            + "".join(
                f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">'
                for i in range(9)
            )
            + ']><rss version="2.0"><channel><title>x</title><item><title>&j;</title>'
            "</item></channel></rss>"
        )
        xxe = (
            '<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY x SYSTEM "file:///etc/hostname">]>'
            '<rss version="2.0"><channel><title>x</title><item><title>&x;</title>'
            "</item></channel></rss>"
        )
        for content in (bomb, xxe):
            path.write_text(content)
            with (
                self.subTest(content=content[:60]),
                self.assertRaisesRegex(CommandError, "deklaracje encji"),
            ):
                self.run_import(path)
        self.assertEqual(ArticlePage.objects.count(), 0)


@override_settings(HTTP_ALLOW_PRIVATE_HOSTS=True)
class ImportRssFromUrlTestCase(TempDirMixin, BaseTestCase):
    def setUp(self):
        media = self.make_tempdir()
        settings = override_settings(MEDIA_ROOT=str(media))
        settings.enable()
        self.addCleanup(settings.disable)
        self.server = LoopbackServer().__enter__()
        self.addCleanup(self.server.__exit__)
        feed = RSS.read_text().replace(OLD_SITE, self.server.base_url).encode()
        self.server.routes["/feed/"] = (200, RSS_TYPE, feed)
        for name, data in UPLOADS.items():
            kind = "image/png" if name.endswith(".png") else "image/jpeg"
            self.server.routes[f"/wp-content/uploads/{name}"] = (
                200,
                {"Content-Type": kind},
                data,
            )

    def test_it_fetches_the_feed_and_its_images(self):
        out = StringIO()
        call_command(
            "import_rss", self.server.url("/feed/"), stdout=out, stderr=StringIO()
        )

        self.assertIn("Zaimportowano artykułów: 3", out.getvalue())
        self.assertIn("nowych obrazów: 3", out.getvalue())
        odpady = ArticlePage.objects.get(
            title="Odbiór odpadów wielkogabarytowych w marcu"
        )
        with odpady.main_image.open_file() as f:
            self.assertEqual(f.read(), UPLOADS["2015/03/smieciarka.jpg"])
        images = [b.value["image"] for b in odpady.body if b.block_type == "image"]
        self.assertEqual(len(images), 1)
        self.assertEqual(images[0].description, "Kontener na odpady")
        sesja = ArticlePage.objects.get(title="Sesja Rady Gminy – 12 marca 2015")
        self.assertEqual(
            sesja.main_image.file_hash,
            CustomImage.objects.get(title="sala-obrad").file_hash,
        )
        self.assertIn("/wp-content/uploads/2015/03/kontener.jpg", self.server.hits)

    @override_settings(HTTP_ALLOW_PRIVATE_HOSTS=False)
    def test_it_refuses_a_feed_on_an_internal_address(self):
        with self.assertRaisesRegex(CommandError, "sieci wewnętrznej"):
            call_command("import_rss", self.server.url("/feed/"), stdout=StringIO())
        self.assertEqual(self.server.hits, [])
        self.assertEqual(ArticlePage.objects.count(), 0)

    def test_it_refuses_a_page_that_is_not_a_feed(self):
        self.server.routes["/strona"] = (
            200,
            {"Content-Type": "text/html"},
            b"<p>x</p>",
        )
        with self.assertRaisesRegex(CommandError, "Niedozwolony typ treści text/html"):
            call_command("import_rss", self.server.url("/strona"), stdout=StringIO())
