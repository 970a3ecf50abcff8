from datetime import UTC, datetime
from io import BytesIO, StringIO
from pathlib import Path

import lxml.html
from django.core.management import CommandError, call_command
from django.test import SimpleTestCase, override_settings
from PIL import Image
from wagtail.contrib.redirects.models import Redirect
from wagtail.signals import page_published

from ratusz.gminas.models import Category
from ratusz.lib.tests.servers import LoopbackServer
from ratusz.test import BaseTestCase, make_category, news_index_of
from ratusz.website.importers.common import (
    InvalidImage,
    check_image,
    collection_of,
    html_to_parts,
    is_importing,
)
from ratusz.website.models import ArticlePage, CustomImage
from ratusz.website.tests.importing import (
    OLD_SITE,
    UPLOADS,
    WXR,
    TempDirMixin,
    image_bytes,
    make_uploads,
)

# Script in every form we know of; none may survive an import.
PAYLOADS = [
    '<script>alert("x")</script>',
    "<SCRIPT SRC=//evil.invalid/x.js></SCRIPT>",
    '<img src="x" onerror="alert(1)">',
    "<img src=x onerror=alert(1)//",
    '<img src="javascript:alert(1)">',
    '<a href="javascript:alert(1)">klik</a>',
    '<a href="JaVaScRiPt:alert(1)">klik</a>',
    '<a href=" javascript:alert(1)">klik</a>',
    '<a href="java&#x09;script:alert(1)">klik</a>',
    '<a href="&#106;avascript:alert(1)">klik</a>',
    '<a href="&#x6A;avascript:alert(1)">klik</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">klik</a>',
    '<a href="vbscript:msgbox(1)">klik</a>',
    '<a href="https://ok.invalid/" onclick="alert(1)">klik</a>',
    '<a href="https://ok.invalid/" target="_blank" style="x">klik</a>',
    '<svg onload="alert(1)"><circle r="1"/></svg>',
    "<svg><script>alert(1)</script></svg>",
    '<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>',
    '<math><maction actiontype="statusline" xlink:href="javascript:alert(1)">'
    "x</maction></math>",
    '<iframe src="https://evil.invalid/"></iframe>',
    '<iframe srcdoc="&lt;script&gt;alert(1)&lt;/script&gt;"></iframe>',
    '<p style="background:url(javascript:alert(1))">styl</p>',
    '<div onmouseover="alert(1)">najedź</div>',
    '<body onload="alert(1)">',
    '<object data="evil.swf"></object>',
    '<embed src="evil.swf">',
    '<form action="https://evil.invalid/">'
    '<button formaction="javascript:alert(1)">wyślij</button></form>',
    '<input onfocus="alert(1)" autofocus>',
    '<details open ontoggle="alert(1)">',
    '<video><source onerror="alert(1)"></video>',
    '<audio src="x" onerror="alert(1)"></audio>',
    '<base href="https://evil.invalid/">',
    '<meta http-equiv="refresh" content="0;url=https://evil.invalid/">',
    '<link rel="stylesheet" href="https://evil.invalid/x.css">',
    "<style>body{display:none}</style>",
    '"><script>alert(1)</script>',
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "<!--<script>alert(1)//-->",
    "<![CDATA[<script>alert(1)</script>]]>",
    '<a href="https://ok.invalid/" data-x="1" id="x" class="y">ok</a>',
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>',
    '<table background="javascript:alert(1)"><tr><td>x</td></tr></table>',
    '<blockquote cite="javascript:alert(1)">cytat</blockquote>',
    '<h2 onclick="alert(1)">nagłówek</h2>',
    "<template><script>alert(1)</script></template>",
    '<marquee onstart="alert(1)">x</marquee>',
    '<isindex action="javascript:alert(1)" type=image>',
    '[caption]<img src="x" onerror="alert(1)">"><script>alert(1)</script>[/caption]',
    '<img src="https://ok.invalid/a.jpg" alt="&quot; onerror=&quot;alert(1)">',
]
BAD_TAGS = {
    "script", "iframe", "object", "embed", "svg", "math", "style", "form", "input",
    "button", "base", "meta", "link", "img", "video", "audio", "template", "body",
    "details", "marquee", "noscript", "table", "div", "span",
}  # fmt: skip


def assert_safe_html(testcase, html):
    doc = lxml.html.fragment_fromstring(html or "<p></p>", create_parent="div")
    for el in doc.iterdescendants():
        if not isinstance(el.tag, str):
            continue
        testcase.assertNotIn(el.tag, BAD_TAGS, html)
        for name, value in el.attrib.items():
            testcase.assertFalse(name.lower().startswith("on"), html)
            testcase.assertIn(name, {"href"}, html)
            testcase.assertRegex(
                value.strip().lower(), r"^(https?:|mailto:|tel:|/|#|$)"
            )


class ImportWordpressTestCase(TempDirMixin, BaseTestCase):
    def setUp(self):
        media = self.make_tempdir()
        self.media_settings = override_settings(MEDIA_ROOT=str(media))
        self.media_settings.enable()
        self.addCleanup(self.media_settings.disable)
        self.media = media
        self.uploads = make_uploads(self.make_tempdir() / "uploads")

    def run_import(self, path=WXR, **options):
        out, err = StringIO(), StringIO()
        call_command("import_wordpress", str(path), stdout=out, stderr=err, **options)
        return out.getvalue(), err.getvalue()

    def counts(self):
        return (
            ArticlePage.objects.count(),
            CustomImage.objects.count(),
            Redirect.objects.count(),
            Category.objects.count(),
        )

    def article(self, title):
        return ArticlePage.objects.get(title=title)

    def test_it_imports_published_posts(self):
        out, err = self.run_import(uploads=str(self.uploads))

        self.assertIn(
            "Zaimportowano artykułów: 4, zaktualizowano: 0, pominięto: 4, "
            "nowych obrazów: 4, przekierowań: 7.",
            out,
        )
        index = news_index_of(self.gmina)
        articles = ArticlePage.objects.child_of(index).live()
        self.assertEqual(
            sorted(a.title for a in articles),
            [
                "Dożynki gminne w Zawadzie",
                "Ogłoszenie o naborze do żłobka",
                "Remont drogi w Łące – utrudnienia",
                "Zebranie wiejskie & konsultacje",
            ],
        )
        # Drafts, private and password-protected posts and pages stay behind.
        for title in ("Szkic", "Notatka", "Kontakt", "Wiadomość z hasłem"):
            self.assertFalse(ArticlePage.objects.filter(title__startswith=title))

        dozynki = self.article("Dożynki gminne w Zawadzie")
        published = datetime(2013, 8, 26, 7, 30, tzinfo=UTC)
        self.assertEqual(dozynki.date, published)
        self.assertEqual(dozynki.first_published_at, published)
        self.assertEqual(dozynki.last_published_at, published)
        self.assertEqual(dozynki.slug, "dozynki-gminne-w-zawadzie")
        self.assertEqual(dozynki.author_name, "Urząd Gminy Zawada")
        self.assertEqual(
            dozynki.lead, "Relacja z tegorocznych Dożynek Gminnych w Zawadzie."
        )
        self.assertEqual(dozynki.category.name, "Kultura")
        self.assertEqual(dozynki.category.gmina, self.gmina)
        self.assertEqual(sorted(dozynki.tags.names()), ["dożynki", "festyn"])
        self.assertTrue(dozynki.featured)
        self.assertEqual(dozynki.import_key, "wp:https://gmina-zawada.invalid/?p=101")
        self.assertEqual(dozynki.main_image.title, "Wieniec dożynkowy")
        self.assertEqual(dozynki.main_image.collection, collection_of(self.gmina))
        self.assertNotEqual(collection_of(self.gmina), collection_of(self.other_gmina))

        blocks = list(dozynki.body)
        self.assertEqual(
            [b.block_type for b in blocks], ["paragraph", "image", "paragraph"]
        )
        self.assertIn("<strong>Dożynki Gminne</strong>", blocks[0].value.source)
        self.assertEqual(
            blocks[1].value["caption"], "Korowód przeszedł ulicami Zawady."
        )
        self.assertEqual(
            blocks[1].value["image"].contextual_alt_text, "Korowód dożynkowy"
        )
        self.assertEqual(blocks[1].value["image"].title, "Korowód dożynkowy")
        self.assertEqual(
            blocks[2].value.source,
            "<p>Dziękujemy wszystkim sołectwom za przygotowanie wieńców.<br>\n"
            "Wyniki konkursu ogłosi wójt.</p><p>Zapraszamy za rok!</p>",
        )

        droga = self.article("Remont drogi w Łące – utrudnienia")
        self.assertEqual(droga.slug, "remont-drogi-w-lace")
        self.assertEqual(droga.author_name, "Joanna Kowalska")
        self.assertEqual(
            droga.lead, "Od poniedziałku 14 października trwa remont ul. Polnej w Łące."
        )
        self.assertEqual(droga.category.slug, "komunikaty")
        # One category per article: the others become tags.
        self.assertEqual(sorted(droga.tags.names()), ["Drogi i inwestycje", "żłobek"])
        blocks = list(droga.body)
        self.assertEqual(
            [b.block_type for b in blocks], ["paragraph", "image", "paragraph"]
        )
        self.assertIn("<h2>Harmonogram prac</h2>", blocks[0].value.source)
        self.assertIn("<li>etap I – do 31 października,</li>", blocks[0].value.source)
        self.assertEqual(blocks[1].value["caption"], "Prace na ul. Polnej")
        self.assertIn("<p>Polna 1–20 | 31.10</p>", blocks[2].value.source)
        self.assertIn(
            '<a href="https://bip.gmina-zawada.invalid/przetargi/">BIP</a>',
            blocks[2].value.source,
        )

        nabor = self.article("Ogłoszenie o naborze do żłobka")
        # post_date_gmt was empty: the local post_date is Warsaw time.
        self.assertEqual(nabor.date, datetime(2015, 3, 2, 7, 15, tzinfo=UTC))
        self.assertEqual(nabor.category.name, "Ogłoszenia")
        self.assertEqual(nabor.category.slug, "ogloszenia")
        self.assertIsNone(nabor.main_image)

        zebranie = self.article("Zebranie wiejskie & konsultacje")
        self.assertIsNone(zebranie.category)  # "Bez kategorii" means none
        self.assertEqual(
            zebranie.lead, "Sołtys zaprasza na zebranie wiejskie [sic] w świetlicy."
        )
        # The gallery: the two attachments as image blocks, the korowód image
        # shared with the other post (one image, not two).
        images = [b.value["image"] for b in zebranie.body if b.block_type == "image"]
        self.assertEqual(
            [i.title for i in images], ["Korowód dożynkowy", "Boisko w Łące"]
        )
        self.assertEqual(images[0].pk, list(dozynki.body)[1].value["image"].pk)
        text = zebranie.plain_text()
        self.assertIn("Zapraszamy wszystkich mieszkańców.", text)
        self.assertNotIn("contact-form", text)
        self.assertNotIn("vc_row", text)

        self.assertEqual(CustomImage.objects.count(), 4)
        for image in CustomImage.objects.all():
            self.assertTrue(image.file_hash)
            self.assertTrue((self.media / image.file.name).is_file())
        self.assertIn("zlosliwy.jpg", err)
        self.assertIn("etc/hostname", err)

    def test_it_renders_imported_articles_without_script(self):
        self.run_import(uploads=str(self.uploads))

        for article in ArticlePage.objects.all():
            r = self.client.get(article.url)
            self.assertEqual(r.status_code, 200)
            main = lxml.html.fromstring(r.content).get_element_by_id("tresc")
            self.assertIn(article.title, main.text_content())
            for el in main.iter():
                if not isinstance(el.tag, str):
                    continue
                self.assertNotIn(el.tag, {"script", "iframe", "object", "embed", "svg"})
                for name, value in el.attrib.items():
                    self.assertFalse(name.startswith("on"))
                    self.assertNotIn("javascript:", value.lower())
        r = self.client.get(self.article("Dożynki gminne w Zawadzie").url)
        self.assertContains(r, 'alt="Korowód dożynkowy"')
        self.assertContains(r, "Korowód przeszedł ulicami Zawady.")

    def test_it_strips_every_payload(self):
        html = "".join(f"<p>Akapit {i}</p>{p}\n\n" for i, p in enumerate(PAYLOADS))
        parts = html_to_parts(html, lambda src, classes, alt: None)
        joined = "".join(p.html for p in parts)
        self.assertIn("Akapit 0", joined)
        self.assertIn(f"Akapit {len(PAYLOADS) - 1}", joined)
        assert_safe_html(self, joined)
        # Payload text may remain as text ("alert(1)"), never as markup.
        for word in ("<script", "javascript:", "evil.invalid", "onerror=", "vbscript:"):
            self.assertNotIn(word, joined.lower())

    def test_it_strips_payloads_from_the_export(self):
        self.run_import(uploads=str(self.uploads))

        zebranie = self.article("Zebranie wiejskie & konsultacje")
        self.assertNotIn("<", zebranie.title)
        self.assertNotIn("alert", zebranie.title)
        for block in zebranie.body:
            if block.block_type == "paragraph":
                assert_safe_html(self, block.value.source)
                self.assertNotIn("alert", block.value.source)
        self.assertIn("kliknij tu albo tu dane", zebranie.plain_text())

    def test_it_creates_redirects_from_old_addresses(self):
        self.run_import(uploads=str(self.uploads))
        dozynki = self.article("Dożynki gminne w Zawadzie")
        droga = self.article("Remont drogi w Łące – utrudnienia")
        nabor = self.article("Ogłoszenie o naborze do żłobka")

        for path, article in [
            ("/2013/08/dozynki-gminne-w-zawadzie/", dozynki),
            ("/2013/08/dozynki-gminne-w-zawadzie", dozynki),
            ("/?p=101", dozynki),
            ("/?utm_source=facebook&p=101", dozynki),
            ("/2014/10/remont-drogi-w-%C5%82%C4%85ce/", droga),
            ("/?p=102", droga),
            ("/?p=107", nabor),
        ]:
            with self.subTest(path=path):
                r = self.client.get(path)
                self.assertEqual(r.status_code, 301)
                self.assertEqual(r["Location"], article.url)
                self.assertEqual(self.client.get(r["Location"]).status_code, 200)

        self.assertEqual(self.client.get("/?p=999").status_code, 200)
        self.assertEqual(self.client.get("/").status_code, 200)
        # Redirects belong to the importing gmina's site only.
        self.assertEqual(
            self.client.get("/?p=101", HTTP_HOST="brzezie.localhost").status_code, 200
        )
        self.assertEqual(
            self.client.get(
                "/2013/08/dozynki-gminne-w-zawadzie/", HTTP_HOST="brzezie.localhost"
            ).status_code,
            404,
        )
        self.assertTrue(
            Redirect.objects.filter(site=self.gmina.site, old_path="/?p=101").exists()
        )

    def test_it_is_idempotent(self):
        self.run_import(uploads=str(self.uploads))
        before = self.counts()
        dozynki = self.article("Dożynki gminne w Zawadzie")
        revisions = dozynki.revisions.count()

        out, _err = self.run_import(uploads=str(self.uploads))

        self.assertIn(
            "Zaimportowano artykułów: 0, zaktualizowano: 0, pominięto: 8, "
            "nowych obrazów: 0, przekierowań: 0.",
            out,
        )
        self.assertEqual(self.counts(), before)
        dozynki.refresh_from_db()
        self.assertEqual(dozynki.revisions.count(), revisions)

    def test_it_updates_changed_posts(self):
        self.run_import(uploads=str(self.uploads))
        before = self.counts()
        dozynki = self.article("Dożynki gminne w Zawadzie")
        changed = self.write_variant(
            WXR,
            ("Dożynki gminne w Zawadzie]]></title>", "Dożynki Gminne 2013]]></title>"),
            ("Zapraszamy za rok!", "Zapraszamy za rok! Do zobaczenia."),
        )

        out, _err = self.run_import(changed, uploads=str(self.uploads))

        self.assertIn(
            "Zaimportowano artykułów: 0, zaktualizowano: 1, pominięto: 7", out
        )
        self.assertEqual(self.counts(), before)
        dozynki.refresh_from_db()
        self.assertEqual(dozynki.title, "Dożynki Gminne 2013")
        self.assertEqual(dozynki.slug, "dozynki-gminne-w-zawadzie")
        self.assertIn("Do zobaczenia.", dozynki.plain_text())
        self.assertEqual(
            dozynki.last_published_at, datetime(2013, 8, 26, 7, 30, tzinfo=UTC)
        )
        self.assertFalse(dozynki.has_unpublished_changes)

    def test_it_keeps_articles_edited_in_ratusz(self):
        self.run_import(uploads=str(self.uploads))
        dozynki = self.article("Dożynki gminne w Zawadzie")
        dozynki.title = "Dożynki – poprawione w redakcji"
        dozynki.save_revision(user=self.alice).publish(user=self.alice)
        changed = self.write_variant(
            WXR, ("Dożynki gminne w Zawadzie]]></title>", "Inny tytuł]]></title>")
        )

        out, _err = self.run_import(changed, uploads=str(self.uploads))

        self.assertIn("zaktualizowano: 0", out)
        dozynki.refresh_from_db()
        self.assertEqual(dozynki.title, "Dożynki – poprawione w redakcji")

    def test_it_does_not_republish_what_was_unpublished_in_ratusz(self):
        self.run_import(uploads=str(self.uploads))
        self.article("Dożynki gminne w Zawadzie").unpublish(user=self.alice)
        changed = self.write_variant(
            WXR, ("Zapraszamy za rok!", "Zapraszamy za rok! Do zobaczenia.")
        )

        out, _err = self.run_import(changed, uploads=str(self.uploads))

        self.assertIn("zaktualizowano: 0", out)
        dozynki = self.article("Dożynki gminne w Zawadzie")
        self.assertFalse(dozynki.live)
        self.assertNotIn("Do zobaczenia.", dozynki.plain_text())

    def test_it_reuses_an_existing_category(self):
        kultura = make_category(self.gmina, "Kultura i sport", slug="kultura")

        self.run_import(uploads=str(self.uploads))

        self.assertEqual(self.article("Dożynki gminne w Zawadzie").category, kultura)
        self.assertEqual(
            Category.objects.filter(gmina=self.gmina, slug="kultura").count(), 1
        )

    def test_it_imports_into_the_named_gmina(self):
        self.run_import(uploads=str(self.uploads), gmina="brzezie.localhost")

        index = news_index_of(self.other_gmina)
        self.assertEqual(ArticlePage.objects.child_of(index).count(), 4)
        self.assertFalse(ArticlePage.objects.child_of(news_index_of(self.gmina)))
        self.assertEqual(
            set(
                Category.objects.filter(articles__isnull=False).values_list(
                    "gmina", flat=True
                )
            ),
            {self.other_gmina.pk},
        )
        self.assertEqual(
            set(CustomImage.objects.values_list("collection", flat=True)),
            {collection_of(self.other_gmina).pk},
        )
        r = self.client.get("/?p=101", HTTP_HOST="brzezie.localhost")
        self.assertEqual(r.status_code, 301)

        # By id, the same articles (same keys) are recognised in that gmina.
        out, _err = self.run_import(
            uploads=str(self.uploads), gmina=str(self.other_gmina.pk)
        )
        self.assertIn("Zaimportowano artykułów: 0", out)

    def test_it_refuses_an_unknown_gmina(self):
        with self.assertRaisesRegex(CommandError, "Nie ma gminy nieznana.localhost"):
            self.run_import(gmina="nieznana.localhost")

    def test_a_dry_run_writes_nothing(self):
        before = self.counts()

        out, _err = self.run_import(uploads=str(self.uploads), dry_run=True)

        self.assertIn("Zaimportowano artykułów: 4", out)
        self.assertIn("Próba: niczego nie zapisano", out)
        self.assertEqual(self.counts(), before)
        stored = [p for p in self.media.rglob("*") if p.is_file()]
        self.assertEqual(stored, [])

    def test_it_does_not_read_outside_the_uploads_folder(self):
        secret = self.uploads.parent / "poza" / "tajne.jpg"
        secret.parent.mkdir()
        secret.write_bytes(image_bytes("JPEG", (1, 2, 3)))
        variant = self.write_variant(
            WXR, ("../../../../../../etc/hostname", "../poza/tajne.jpg")
        )

        _out, err = self.run_import(variant, uploads=str(self.uploads))

        self.assertIn("../poza/tajne.jpg", err)
        self.assertIsNone(self.article("Ogłoszenie o naborze do żłobka").main_image)
        self.assertEqual(CustomImage.objects.count(), 4)

    def test_it_announces_that_it_is_importing(self):
        seen = []

        def receiver(sender, instance, **kwargs):
            seen.append((instance.title, is_importing()))

        page_published.connect(receiver)
        self.addCleanup(page_published.disconnect, receiver)

        self.run_import(uploads=str(self.uploads))

        self.assertEqual(len(seen), 4)
        self.assertTrue(all(flag for _title, flag in seen))
        self.assertFalse(is_importing())


@override_settings(HTTP_ALLOW_PRIVATE_HOSTS=True)
class ImportWordpressDownloadTestCase(TempDirMixin, BaseTestCase):
    """Without --uploads, images come from the attachment URLs."""

    def setUp(self):
        media = self.make_tempdir()
        settings = override_settings(MEDIA_ROOT=str(media))
        settings.enable()
        self.addCleanup(settings.disable)
        routes = {
            f"/wp-content/uploads/{name}": (200, {"Content-Type": "image/jpeg"}, data)
            for name, data in UPLOADS.items()
        }
        self.server = LoopbackServer(routes).__enter__()
        self.addCleanup(self.server.__exit__)
        self.wxr = self.write_variant(WXR, (OLD_SITE, self.server.base_url))

    def test_it_downloads_images_from_the_old_site(self):
        out = StringIO()
        call_command("import_wordpress", str(self.wxr), stdout=out, stderr=StringIO())

        self.assertIn("nowych obrazów: 4", out.getvalue())
        self.assertIn("/wp-content/uploads/2013/08/dozynki.jpg", self.server.hits)
        dozynki = ArticlePage.objects.get(title="Dożynki gminne w Zawadzie")
        self.assertEqual(dozynki.main_image.title, "Wieniec dożynkowy")
        with dozynki.main_image.open_file() as f:
            self.assertEqual(f.read(), UPLOADS["2013/08/wieniec.png"])

    @override_settings(HTTP_ALLOW_PRIVATE_HOSTS=False)
    def test_it_downloads_nothing_from_internal_addresses(self):
        err = StringIO()
        call_command("import_wordpress", str(self.wxr), stdout=StringIO(), stderr=err)

        self.assertEqual(self.server.hits, [])
        self.assertEqual(CustomImage.objects.count(), 0)
        self.assertIn("sieci wewnętrznej", err.getvalue())
        # The articles themselves are imported, without their images.
        self.assertEqual(ArticlePage.objects.count(), 4)


class ImportWordpressBrokenFileTestCase(TempDirMixin, BaseTestCase):
    def assert_refused(self, content, message):
        path = self.make_tempdir() / "eksport.xml"
        path.write_bytes(content.encode() if isinstance(content, str) else content)
        before = (
            ArticlePage.objects.count(),
            Category.objects.count(),
            Redirect.objects.count(),
        )
        with self.assertRaisesRegex(CommandError, message):
            call_command(
                "import_wordpress", str(path), stdout=StringIO(), stderr=StringIO()
            )
        after = (
            ArticlePage.objects.count(),
            Category.objects.count(),
            Redirect.objects.count(),
        )
        self.assertEqual(after, before)

    def test_it_refuses_malformed_xml(self):
        text = WXR.read_text()
        self.assert_refused(
            text[: len(text) // 2], r"nie jest poprawnym XML-em \(wiersz \d+"
        )
        self.assert_refused("", "nie jest poprawnym XML-em")
        self.assert_refused("to nie jest XML", "nie jest poprawnym XML-em")

    def test_it_refuses_what_is_not_a_wordpress_export(self):
        self.assert_refused(
            '<?xml version="1.0"?><html><body/></html>', "główny element to <html>"
        )
        self.assert_refused("<rss version='2.0'></rss>", "brak elementu <channel>")
        self.assert_refused(
            Path(__file__).with_name("fixtures").joinpath("rss-zawada.xml").read_text(),
            "brak danych WordPressa",
        )

    def test_it_refuses_entity_bombs_and_external_entities(self):
        laughs = (
            '<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "hahahahahahaha">'
            + "".join(
                f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">'
                for i in range(9)
            )
            + "]><rss><channel><title>&j;</title></channel></rss>"
        )
        self.assert_refused(laughs, "deklaracje encji")
        xxe = (
            '<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/hostname">]>'
            '<rss xmlns:wp="http://wordpress.org/export/1.2/"><channel><wp:wxr_version>1.2'
            "</wp:wxr_version><item><title>&xxe;</title></item></channel></rss>"
        )
        self.assert_refused(xxe, "deklaracje encji")

    def test_it_validates_every_post_before_writing_any(self):
        # The last post has a date WordPress could not have written: the
        # posts before it must not be imported either.
        text = (
            WXR.read_text()
            .replace(
                "<wp:post_date><![CDATA[2015-03-02 08:15:00]]></wp:post_date>",
                "<wp:post_date><![CDATA[2015-13-45 99:00:00]]></wp:post_date>",
            )
            .replace("Mon, 02 Mar 2015 07:15:00 +0000", "wczoraj")
        )
        self.assert_refused(
            text,
            "Wpis „Ogłoszenie o naborze do żłobka” \\(id 107\\) ma nieprawidłową datę",
        )

    def test_it_refuses_a_missing_file_or_uploads_folder(self):
        with self.assertRaisesRegex(CommandError, "Nie ma pliku"):
            call_command("import_wordpress", "/nie/ma/takiego.xml", stdout=StringIO())
        with self.assertRaisesRegex(CommandError, "Folder z obrazami"):
            call_command(
                "import_wordpress",
                str(WXR),
                uploads="/nie/ma/uploads",
                stdout=StringIO(),
            )


class ImageCheckTestCase(SimpleTestCase):
    def test_it_accepts_web_images(self):
        for fmt in ("JPEG", "PNG", "GIF", "WEBP"):
            with self.subTest(fmt=fmt):
                self.assertEqual(check_image(image_bytes(fmt)), fmt)

    def test_it_refuses_what_is_not_a_web_image(self):
        jpeg = image_bytes("JPEG", size=(200, 200))
        cases = {
            "<html><script>alert(1)</script></html>": "to nie jest obraz",
            b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>': (
                "to nie jest obraz"
            ),
            b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n": "to nie jest obraz",
            image_bytes("TIFF"): "nieobsługiwany format TIFF",
            image_bytes("BMP"): "nieobsługiwany format BMP",
            jpeg[: len(jpeg) // 2]: "uszkodzony obraz",
            b"GIF89a<script>alert(1)</script>": "",
        }
        for data, message in cases.items():
            data = data.encode() if isinstance(data, str) else data
            with self.subTest(data=data[:20]):
                with self.assertRaisesRegex(InvalidImage, message):
                    check_image(data)

    def test_it_refuses_images_over_the_limits(self):
        with self.assertRaisesRegex(InvalidImage, "10 MB"):
            check_image(image_bytes("JPEG") + b"\0" * (10 * 1024 * 1024))
        # 144 megapixels that compress to a few kilobytes.
        buffer = BytesIO()
        Image.new("1", (12000, 12000)).save(buffer, "PNG")
        self.assertLess(len(buffer.getvalue()), 100_000)
        with self.assertRaisesRegex(InvalidImage, "128 megapikseli"):
            check_image(buffer.getvalue())
