"""Gmina settings, villages and categories in the admin, per gmina."""

from io import StringIO

from django.contrib.auth.models import Group
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from wagtail.models import Site

from ratusz.gminas import services
from ratusz.gminas.models import Category, Gmina, Membership, Village
from ratusz.gminas.tests.factory import (
    MEDIA,
    assert_not_shown,
    make_image,
    make_member,
)
from ratusz.test import BaseTestCase, make_category, make_gmina, make_village


def settings_data(gmina: Gmina, **changes) -> dict:
    data = {
        "name": gmina.name,
        "short_name": gmina.short_name,
        "name_genitive": gmina.name_genitive,
        "name_locative": gmina.name_locative,
        "teryt": gmina.teryt,
        "coat_of_arms": gmina.coat_of_arms_id or "",
        "primary_colour": gmina.primary_colour,
        "accent_colour": gmina.accent_colour,
        "address": gmina.address,
        "phone": gmina.phone,
        "email": gmina.email,
        "office_hours": gmina.office_hours,
        "epuap_address": gmina.epuap_address,
        "iod_email": gmina.iod_email,
        "bip_url": gmina.bip_url,
        "facebook_url": gmina.facebook_url,
        "mastodon_url": gmina.mastodon_url,
    }
    data.update(changes)
    return data


class GminaAdminTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.dora = make_member(cls.gmina, "dora")  # administrator of A
        cls.erin = make_member(cls.other_gmina, "erin")  # administrator of B
        cls.village_a = make_village(cls.gmina, "Wola Zawadzka")
        cls.village_b = make_village(cls.other_gmina, "Wólka Brzeska")
        cls.category_a = make_category(cls.gmina, "Drogi")
        cls.category_b = make_category(cls.other_gmina, "Sport Brzezie")

    def url(self, viewset, view, *args):
        return reverse(f"gminas_{viewset}:{view}", args=args)


class SettingsTest(GminaAdminTestCase):
    def test_it_lists_only_the_gminas_the_user_administers(self):
        self.client.force_login(self.dora)

        response = self.client.get(self.url("gmina", "index"))

        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Gmina Zawada")
        assert_not_shown(response, "Brzezie")

    def test_it_lists_all_gminas_for_superusers(self):
        self.client.force_login(self.admin)

        response = self.client.get(self.url("gmina", "index"))

        self.assertContains(response, "Gmina Zawada")
        self.assertContains(response, "Gmina Brzezie")

    def test_it_saves_settings(self):
        self.client.force_login(self.dora)

        response = self.client.post(
            self.url("gmina", "edit", self.gmina.pk),
            settings_data(
                self.gmina,
                office_hours="pon.–pt. 7:30–15:30",
                iod_email="iod@zawada.example.org",
                mastodon_url="https://mastodon.example.org/@zawada",
                primary_colour="#1a3d6b",
            ),
        )

        self.assertEqual(response.status_code, 302)
        self.gmina.refresh_from_db()
        self.assertEqual(self.gmina.office_hours, "pon.–pt. 7:30–15:30")
        self.assertEqual(self.gmina.iod_email, "iod@zawada.example.org")
        self.assertEqual(self.gmina.primary_colour, "#1a3d6b")

    def test_it_renames_groups_with_the_gmina(self):
        self.client.force_login(self.dora)

        self.client.post(
            self.url("gmina", "edit", self.gmina.pk),
            settings_data(self.gmina, name="Gmina Zawada Wielka"),
        )

        self.gmina.refresh_from_db()
        self.assertEqual(self.gmina.site.site_name, "Gmina Zawada Wielka")
        self.assertEqual(self.gmina.collection.name, "Gmina Zawada Wielka")
        self.assertEqual(
            self.dora.groups.get().name,
            "Gmina Zawada Wielka (localhost) – administrator",
        )

    def test_it_declines_the_name_and_keeps_forms_written_by_hand(self):
        self.assertEqual(
            (self.gmina.name_genitive, self.gmina.name_locative),
            ("Gminy Zawada", "Gminie Zawada"),
        )
        self.client.force_login(self.dora)
        url = self.url("gmina", "edit", self.gmina.pk)
        # A rename declines the new name: the stored forms were computed.
        self.client.post(url, settings_data(self.gmina, name="Gmina Zawada Górna"))
        self.gmina.refresh_from_db()
        self.assertEqual(self.gmina.name_genitive, "Gminy Zawada Górna")
        self.assertEqual(self.gmina.name_locative, "Gminie Zawada Górna")
        # A form written by hand survives the next rename.
        self.client.post(
            url, settings_data(self.gmina, name_locative="Gminie Zawadzie Górnej")
        )
        self.gmina.refresh_from_db()
        self.client.post(url, settings_data(self.gmina, name="Miasto i Gmina Zawada"))
        self.gmina.refresh_from_db()
        self.assertEqual(self.gmina.name_genitive, "Miasta i Gminy Zawada")
        self.assertEqual(self.gmina.name_locative, "Gminie Zawadzie Górnej")
        # An emptied field is computed again.
        self.client.post(url, settings_data(self.gmina, name_locative=""))
        self.gmina.refresh_from_db()
        self.assertEqual(self.gmina.name_locative, "Mieście i Gminie Zawada")

    def test_it_rejects_a_primary_colour_too_light_for_white_text(self):
        self.client.force_login(self.dora)

        response = self.client.post(
            self.url("gmina", "edit", self.gmina.pk),
            settings_data(self.gmina, primary_colour="#ffcc00"),
        )

        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Biały tekst na tym kolorze ma kontrast")
        self.gmina.refresh_from_db()
        self.assertEqual(self.gmina.primary_colour, "#0b4f8a")

    def test_it_rejects_an_accent_too_light_on_white(self):
        self.client.force_login(self.dora)

        response = self.client.post(
            self.url("gmina", "edit", self.gmina.pk),
            settings_data(self.gmina, accent_colour="#88aaff"),
        )

        self.assertContains(response, "Ten kolor na białym tle ma kontrast")
        self.gmina.refresh_from_db()
        self.assertEqual(self.gmina.accent_colour, "#b3261e")

    def test_it_rejects_a_malformed_colour(self):
        self.client.force_login(self.dora)

        response = self.client.post(
            self.url("gmina", "edit", self.gmina.pk),
            settings_data(self.gmina, primary_colour="navy"),
        )

        self.assertContains(response, "Podaj kolor w zapisie #RRGGBB.")

    @override_settings(MEDIA_ROOT=MEDIA.name)
    def test_it_takes_the_coat_of_arms_from_own_collection_only(self):
        own = make_image(self.gmina, "Herb Zawady")
        foreign = make_image(self.other_gmina, "Herb Brzezia")
        self.client.force_login(self.dora)
        url = self.url("gmina", "edit", self.gmina.pk)

        response = self.client.post(
            url, settings_data(self.gmina, coat_of_arms=foreign.pk)
        )

        self.assertEqual(response.status_code, 200)
        self.gmina.refresh_from_db()
        self.assertIsNone(self.gmina.coat_of_arms)

        self.client.post(url, settings_data(self.gmina, coat_of_arms=own.pk))
        self.gmina.refresh_from_db()
        self.assertEqual(self.gmina.coat_of_arms, own)

    def test_it_checks_ownership(self):
        self.client.force_login(self.erin)
        url = self.url("gmina", "edit", self.gmina.pk)

        self.assertEqual(self.client.get(url).status_code, 404)
        response = self.client.post(url, settings_data(self.gmina, name="Przejęta"))

        self.assertEqual(response.status_code, 404)
        self.gmina.refresh_from_db()
        self.assertEqual(self.gmina.name, "Gmina Zawada")
        for view in ("history", "usage", "delete"):
            with self.subTest(view=view):
                response = self.client.get(self.url("gmina", view, self.gmina.pk))
                self.assertIn(response.status_code, (302, 404))

    def test_it_requires_the_administrator_role(self):
        for user in (self.alice, self.bob, self.charlie):
            with self.subTest(user=user.username):
                self.client.force_login(user)
                for url in (
                    self.url("gmina", "index"),
                    self.url("gmina", "edit", self.gmina.pk),
                ):
                    response = self.client.get(url)
                    self.assertEqual(response.status_code, 302)
                    self.assertEqual(response["Location"], reverse("wagtailadmin_home"))

    def test_it_does_not_let_administrators_create_gminas(self):
        self.client.force_login(self.dora)

        response = self.client.post(
            self.url("gmina", "add"),
            {"name": "Gmina Nowa", "short_name": "Nowa", "hostname": "nowa.localhost"},
        )

        self.assertEqual(response.status_code, 302)
        self.assertFalse(Gmina.objects.filter(name="Gmina Nowa").exists())

    def test_it_hides_the_menu_from_editors(self):
        self.client.force_login(self.alice)

        response = self.client.get(reverse("wagtailadmin_home"))

        assert_not_shown(response, self.url("gmina", "index"))
        assert_not_shown(response, self.url("village", "index"))

    def test_it_shows_the_menu_to_administrators(self):
        self.client.force_login(self.dora)

        response = self.client.get(reverse("wagtailadmin_home"))

        self.assertContains(response, self.url("gmina", "index"))
        self.assertContains(response, self.url("village", "index"))
        self.assertContains(response, self.url("category", "index"))


class CreateGminaTest(GminaAdminTestCase):
    def test_it_lets_superuser_create_a_gmina(self):
        self.client.force_login(self.admin)
        self.assertEqual(self.client.get(self.url("gmina", "add")).status_code, 200)

        response = self.client.post(
            self.url("gmina", "add"),
            {"name": "Gmina Łąka", "short_name": "Łąka", "hostname": "Laka.Localhost"},
        )

        self.assertEqual(response.status_code, 302)
        gmina = Gmina.objects.get(name="Gmina Łąka")
        self.assertEqual(gmina.site.hostname, "laka.localhost")
        home = gmina.site.root_page.specific
        self.assertEqual(home.slug, "gmina-laka")
        self.assertTrue(home.live)
        self.assertEqual([p.title for p in home.get_children()], ["Aktualności"])
        self.assertEqual(gmina.role_groups.count(), 4)
        self.assertEqual(gmina.collection.name, "Gmina Łąka")

    def test_it_refuses_a_host_name_in_use(self):
        self.client.force_login(self.admin)

        response = self.client.post(
            self.url("gmina", "add"),
            {"name": "Gmina Druga", "short_name": "Druga", "hostname": "localhost"},
        )

        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Ta domena jest już używana.")
        self.assertFalse(Gmina.objects.filter(name="Gmina Druga").exists())

    def test_it_creates_a_gmina_from_the_command_line(self):
        out = StringIO()

        call_command(
            "create_gmina", "--name", "Gmina Lipno", "--host", "lipno.localhost",
            stdout=out,
        )  # fmt: skip

        gmina = Gmina.objects.get(site__hostname="lipno.localhost")
        self.assertEqual(gmina.short_name, "Lipno")
        self.assertIn("Utworzono: Gmina Lipno", out.getvalue())
        groups = Group.objects.filter(gmina_role__gmina=gmina)
        self.assertEqual(
            set(groups.values_list("name", flat=True)),
            {
                "Gmina Lipno (lipno.localhost) – administrator",
                "Gmina Lipno (lipno.localhost) – redaktor (publikuje)",
                "Gmina Lipno (lipno.localhost) – autor (szkice do akceptacji)",
                "Gmina Lipno (lipno.localhost) – koordynator e-Integracji",
            },
        )
        self.assertFalse(Site.objects.get(hostname="lipno.localhost").is_default_site)


class VillageTest(GminaAdminTestCase):
    def test_it_lists_only_own_villages(self):
        self.client.force_login(self.dora)

        response = self.client.get(self.url("village", "index"))

        self.assertContains(response, "Wola Zawadzka")
        assert_not_shown(response, "Wólka Brzeska")

    def test_it_creates_a_village_in_the_only_gmina_administered(self):
        self.client.force_login(self.dora)

        response = self.client.post(
            self.url("village", "add"),
            # The gmina field is fixed: a forged value is ignored.
            {"gmina": self.other_gmina.pk, "name": "Zawadka Górna", "slug": ""},
        )

        self.assertEqual(response.status_code, 302)
        village = Village.objects.get(name="Zawadka Górna")
        self.assertEqual(village.gmina, self.gmina)
        self.assertEqual(village.slug, "zawadka-gorna")

    def test_it_rejects_a_forged_gmina_for_multi_gmina_administrators(self):
        third = make_gmina("Gmina Trzecia", hostname="trzecia.localhost")
        services.add_member(third, self.dora, Membership.Role.ADMIN)
        self.client.force_login(self.dora)
        form = self.client.get(self.url("village", "add"))
        self.assertContains(form, "Gmina Trzecia")
        assert_not_shown(form, "Gmina Brzezie")

        response = self.client.post(
            self.url("village", "add"),
            {"gmina": self.other_gmina.pk, "name": "Podrzutek", "slug": ""},
        )

        self.assertEqual(response.status_code, 200)
        self.assertFalse(Village.objects.filter(name="Podrzutek").exists())

        self.client.post(
            self.url("village", "add"),
            {"gmina": third.pk, "name": "Trzecia Wieś", "slug": ""},
        )
        self.assertEqual(Village.objects.get(name="Trzecia Wieś").gmina, third)

    def test_it_does_not_move_a_village_to_another_gmina(self):
        self.client.force_login(self.dora)

        self.client.post(
            self.url("village", "edit", self.village_a.pk),
            {"gmina": self.other_gmina.pk, "name": "Wola Nowa", "slug": "wola"},
        )

        self.village_a.refresh_from_db()
        self.assertEqual(self.village_a.gmina, self.gmina)
        self.assertEqual(self.village_a.name, "Wola Nowa")

    def test_it_reports_a_duplicate_slug_as_a_form_error(self):
        self.client.force_login(self.dora)

        response = self.client.post(
            self.url("village", "add"), {"name": "Wola Zawadzka", "slug": ""}
        )

        self.assertEqual(response.status_code, 200)
        self.assertEqual(Village.objects.filter(name="Wola Zawadzka").count(), 1)

    def test_it_checks_ownership(self):
        self.client.force_login(self.erin)

        for view in ("edit", "delete", "history", "usage"):
            with self.subTest(view=view):
                url = self.url("village", view, self.village_a.pk)
                self.assertEqual(self.client.get(url).status_code, 404)

        response = self.client.post(
            self.url("village", "edit", self.village_a.pk),
            {"name": "Przejęta", "slug": "przejeta"},
        )
        self.assertEqual(response.status_code, 404)
        response = self.client.post(self.url("village", "delete", self.village_a.pk))
        self.assertEqual(response.status_code, 404)
        self.village_a.refresh_from_db()
        self.assertEqual(self.village_a.name, "Wola Zawadzka")

    def test_it_requires_the_administrator_role(self):
        self.client.force_login(self.charlie)

        for url in (
            self.url("village", "index"),
            self.url("village", "add"),
            self.url("village", "edit", self.village_a.pk),
        ):
            with self.subTest(url=url):
                response = self.client.get(url)
                self.assertEqual(response.status_code, 302)
                assert_not_shown(response, "Wola Zawadzka")

        response = self.client.post(
            self.url("village", "add"), {"gmina": self.gmina.pk, "name": "Obca"}
        )
        self.assertEqual(response.status_code, 302)
        self.assertFalse(Village.objects.filter(name="Obca").exists())


class CategoryTest(GminaAdminTestCase):
    def test_it_lists_only_own_categories(self):
        self.client.force_login(self.dora)

        response = self.client.get(self.url("category", "index"))

        self.assertContains(response, "Drogi")
        assert_not_shown(response, "Sport Brzezie")

    def test_it_creates_an_urgent_category(self):
        self.client.force_login(self.dora)

        self.client.post(
            self.url("category", "add"),
            {"name": "Komunikaty pilne", "slug": "", "is_urgent": "on"},
        )

        category = Category.objects.get(name="Komunikaty pilne")
        self.assertEqual(category.gmina, self.gmina)
        self.assertTrue(category.is_urgent)

    def test_it_checks_ownership(self):
        self.client.force_login(self.erin)

        response = self.client.get(self.url("category", "edit", self.category_a.pk))
        self.assertEqual(response.status_code, 404)
        response = self.client.post(
            self.url("category", "edit", self.category_a.pk),
            {"name": "Przejęta", "slug": "drogi", "is_urgent": "on"},
        )
        self.assertEqual(response.status_code, 404)
        self.category_a.refresh_from_db()
        self.assertFalse(self.category_a.is_urgent)

    def test_it_hides_categories_from_another_gminas_editor(self):
        self.client.force_login(self.charlie)

        response = self.client.get(self.url("category", "index"))

        self.assertEqual(response.status_code, 302)
        response = self.client.get(self.url("category", "edit", self.category_a.pk))
        self.assertEqual(response.status_code, 302)
