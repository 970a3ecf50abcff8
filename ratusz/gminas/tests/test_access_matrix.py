"""Every role against every admin screen of gmina A: who gets in, who does not.

Outcomes:
    ok      200, and gmina A's content is on the page
    hidden  200 (a list of the user's own rows), without any of gmina A's
    login   redirect to the login page
    denied  redirect to the dashboard (Wagtail's "no permission" answer)
    404     the object does not exist for this user

For writes (POST), the database is checked, not the status: "applied" or
"refused". One test per cell, so a regression names its role and screen.
"""

from django.test import override_settings
from django.urls import reverse
from wagtail.models import Page

from ratusz.gminas.models import Gmina, Membership, Village
from ratusz.gminas.tests.factory import (
    MEDIA,
    article_form_data,
    make_image,
    make_member,
)
from ratusz.gminas.tests.test_gmina_admin import settings_data
from ratusz.test import (
    BaseTestCase,
    home_of,
    make_article,
    make_category,
    make_village,
    news_index_of,
)

# Text that only gmina A's objects carry ("Gmina Zawada", "Wola Zawadzka", …).
MARK = "Zawad"

SCREENS = {
    "page_edit": lambda t: reverse("wagtailadmin_pages:edit", args=(t.article.pk,)),
    "page_add": lambda t: reverse(
        "wagtailadmin_pages:add", args=("website", "articlepage", t.index.pk)
    ),
    "page_add_subpage": lambda t: reverse(
        "wagtailadmin_pages:add_subpage", args=(t.home.pk,)
    ),
    "page_delete": lambda t: reverse("wagtailadmin_pages:delete", args=(t.article.pk,)),
    "page_unpublish": lambda t: reverse(
        "wagtailadmin_pages:unpublish", args=(t.article.pk,)
    ),
    "page_move": lambda t: reverse("wagtailadmin_pages:move", args=(t.article.pk,)),
    "page_history": lambda t: reverse(
        "wagtailadmin_pages:history", args=(t.article.pk,)
    ),
    "explore": lambda t: reverse("wagtailadmin_explore", args=(t.index.pk,)),
    "gmina_index": lambda t: reverse("gminas_gmina:index"),
    "gmina_edit": lambda t: reverse("gminas_gmina:edit", args=(t.gmina.pk,)),
    "gmina_history": lambda t: reverse("gminas_gmina:history", args=(t.gmina.pk,)),
    "village_index": lambda t: reverse("gminas_village:index"),
    "village_edit": lambda t: reverse("gminas_village:edit", args=(t.village.pk,)),
    "village_delete": lambda t: reverse("gminas_village:delete", args=(t.village.pk,)),
    "category_index": lambda t: reverse("gminas_category:index"),
    "category_edit": lambda t: reverse("gminas_category:edit", args=(t.category.pk,)),
    "image_index": lambda t: reverse("wagtailimages:index"),
    "image_edit": lambda t: reverse("wagtailimages:edit", args=(t.image.pk,)),
    "image_delete": lambda t: reverse("wagtailimages:delete", args=(t.image.pk,)),
    "site_history": lambda t: reverse("wagtailadmin_reports:site_history"),
    "site_history_results": lambda t: reverse(
        "wagtailadmin_reports:site_history_results"
    ),
    "site_history_csv": lambda t: (
        reverse("wagtailadmin_reports:site_history") + "?export=csv"
    ),
    "members": lambda t: reverse("gminas-members", args=(t.gmina.pk,)),
}

# Roles: anonymous; bob (author, A); alice (editor, A); dora (administrator, A);
# charlie (editor, B); erin (administrator, B); admin (superuser).
_LOGIN = dict.fromkeys(SCREENS, "login")
_PAGES = ["page_edit", "page_add", "page_add_subpage", "page_delete",
          "page_unpublish", "page_move", "page_history", "explore"]  # fmt: skip
_SETTINGS = ["gmina_index", "gmina_edit", "gmina_history", "village_index",
             "village_edit", "village_delete", "category_index",
             "category_edit"]  # fmt: skip
_IMAGES = ["image_index", "image_edit", "image_delete"]
# Each gmina's staff read their own gmina's history only.
_HISTORY = ["site_history", "site_history_results", "site_history_csv"]
_OWN_HISTORY = dict.fromkeys(_HISTORY, "ok")
_OTHER_HISTORY = dict.fromkeys(_HISTORY, "hidden")

EXPECTED = {
    "anonymous": _LOGIN,
    "bob": {
        **dict.fromkeys(_PAGES, "ok"),
        # The article is live and authors may not publish, so neither may
        # they take it down, delete it or move it.
        "page_delete": "denied",
        "page_unpublish": "denied",
        "page_move": "denied",
        **dict.fromkeys(_SETTINGS, "denied"),
        # Bob's "add" lets him list and edit only images he uploaded himself
        # (he may still choose any of the gmina's images for an article).
        "image_index": "hidden",
        "image_edit": "denied",
        "image_delete": "denied",
        "gmina_history": 404,
        "village_delete": 404,
        **_OWN_HISTORY,
        "members": "denied",
    },
    "alice": {
        **dict.fromkeys(_PAGES, "ok"),
        **dict.fromkeys(_SETTINGS, "denied"),
        "gmina_history": 404,
        "village_delete": 404,
        **dict.fromkeys(_IMAGES, "ok"),
        **_OWN_HISTORY,
        "members": "denied",
    },
    "dora": dict.fromkeys(SCREENS, "ok"),
    "charlie": {
        **dict.fromkeys(_PAGES, "denied"),
        **dict.fromkeys(_SETTINGS, "denied"),
        "gmina_history": 404,
        "village_delete": 404,
        "image_index": "hidden",
        "image_edit": "denied",
        "image_delete": "denied",
        **_OTHER_HISTORY,
        "members": 404,
    },
    "erin": {
        **dict.fromkeys(_PAGES, "denied"),
        "gmina_index": "hidden",
        "gmina_edit": 404,
        "gmina_history": 404,
        "village_index": "hidden",
        "village_edit": 404,
        "village_delete": 404,
        "category_index": "hidden",
        "category_edit": 404,
        "image_index": "hidden",
        "image_edit": "denied",
        "image_delete": "denied",
        **_OTHER_HISTORY,
        "members": 404,
    },
    "admin": dict.fromkeys(SCREENS, "ok"),
}
# The explorer sends those without access to their own part of the tree.
EXPECTED["charlie"]["explore"] = "elsewhere"
EXPECTED["erin"]["explore"] = "elsewhere"


def _publish(t):
    return (
        reverse("wagtailadmin_pages:edit", args=(t.article.pk,)),
        article_form_data("Zmieniony tytuł", "publish", slug=t.article.slug),
    )


def _published(t):
    t.article.refresh_from_db()
    return t.article.title == "Zmieniony tytuł"


def _delete_page(t):
    return reverse("wagtailadmin_pages:delete", args=(t.article.pk,)), {}


def _page_deleted(t):
    return not Page.objects.filter(pk=t.article.pk).exists()


def _edit_settings(t):
    return (
        reverse("gminas_gmina:edit", args=(t.gmina.pk,)),
        settings_data(t.gmina, name="Gmina Przejęta"),
    )


def _settings_changed(t):
    return Gmina.objects.get(pk=t.gmina.pk).name == "Gmina Przejęta"


def _edit_village(t):
    return (
        reverse("gminas_village:edit", args=(t.village.pk,)),
        {"name": "Wieś Przejęta", "slug": "przejeta"},
    )


def _village_changed(t):
    return Village.objects.get(pk=t.village.pk).name == "Wieś Przejęta"


def _delete_village(t):
    return reverse("gminas_village:delete", args=(t.village.pk,)), {}


def _village_deleted(t):
    return not Village.objects.filter(pk=t.village.pk).exists()


def _add_village(t):
    return reverse("gminas_village:add"), {
        "gmina": t.gmina.pk,
        "name": "Wieś Dopisana",
        "slug": "",
    }


def _village_added(t):
    return Village.objects.filter(name="Wieś Dopisana", gmina=t.gmina).exists()


def _delete_image(t):
    return reverse("wagtailimages:delete", args=(t.image.pk,)), {}


def _image_deleted(t):
    return not type(t.image).objects.filter(pk=t.image.pk).exists()


def _assign_role(t):
    return (
        reverse("gminas-member-role", args=(t.gmina.pk, t.bob.pk)),
        {f"m{t.bob.pk}-role": Membership.Role.COORDINATOR},
    )


def _role_assigned(t):
    return Membership.objects.filter(
        gmina=t.gmina, user=t.bob, role=Membership.Role.COORDINATOR
    ).exists()


WRITES = {
    "publish_page": (_publish, _published),
    "delete_page": (_delete_page, _page_deleted),
    "edit_settings": (_edit_settings, _settings_changed),
    "edit_village": (_edit_village, _village_changed),
    "delete_village": (_delete_village, _village_deleted),
    "add_village": (_add_village, _village_added),
    "delete_image": (_delete_image, _image_deleted),
    "assign_role": (_assign_role, _role_assigned),
}
_ADMINS = dict.fromkeys(WRITES, "applied")
WRITE_EXPECTED = {
    "anonymous": dict.fromkeys(WRITES, "refused"),
    "bob": dict.fromkeys(WRITES, "refused"),
    "alice": {
        **dict.fromkeys(WRITES, "refused"),
        "publish_page": "applied",
        "delete_page": "applied",
        "delete_image": "applied",
    },
    "dora": _ADMINS,
    "charlie": dict.fromkeys(WRITES, "refused"),
    "erin": dict.fromkeys(WRITES, "refused"),
    "admin": _ADMINS,
}


@override_settings(MEDIA_ROOT=MEDIA.name)
class AccessMatrixTest(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.dora = make_member(cls.gmina, "dora", Membership.Role.ADMIN)
        cls.erin = make_member(cls.other_gmina, "erin", Membership.Role.ADMIN)
        cls.home = home_of(cls.gmina)
        cls.index = news_index_of(cls.gmina)
        cls.article = make_article(cls.gmina, "Droga Zawadzka", publish=True)
        cls.village = make_village(cls.gmina, "Wola Zawadzka")
        cls.category = make_category(cls.gmina, "Sprawy Zawadzkie")
        cls.image = make_image(cls.gmina, "Rynek Zawadzki", by=cls.alice)
        # Something of their own on B's lists, so "hidden" is not just empty.
        make_village(cls.other_gmina, "Wólka Brzeska")
        make_category(cls.other_gmina, "Sprawy Brzeskie")
        make_image(cls.other_gmina, "Rynek Brzeski")

    def login(self, role):
        if role != "anonymous":
            self.client.force_login(getattr(self, role))

    def check_screen(self, role, screen):
        self.login(role)
        url = SCREENS[screen](self)
        response = self.client.get(url)
        expected = EXPECTED[role][screen]
        body = b"".join(response).decode()
        got = {
            200: "ok" if MARK in body else "hidden",
            404: 404,
        }.get(response.status_code)
        if response.status_code == 302:
            location = response["Location"]
            if location.startswith(reverse("wagtailadmin_login")):
                got = "login"
            elif location == reverse("wagtailadmin_home"):
                got = "denied"
            elif location.startswith(reverse("wagtailadmin_explore_root")):
                got = "elsewhere"
            else:
                got = f"302 to {location}"
        self.assertEqual(got, expected, f"{role} GET {url}")

    def check_write(self, role, write):
        self.login(role)
        request, applied = WRITES[write]
        url, data = request(self)
        self.client.post(url, data)
        got = "applied" if applied(self) else "refused"
        self.assertEqual(got, WRITE_EXPECTED[role][write], f"{role} POST {url}")


def _add_cases():
    for role, screens in EXPECTED.items():
        assert set(screens) == set(SCREENS), role
        for screen in SCREENS:
            setattr(
                AccessMatrixTest,
                f"test_it_gives_{role}_{screen}_as_expected",
                lambda self, r=role, s=screen: self.check_screen(r, s),
            )
    for role, writes in WRITE_EXPECTED.items():
        assert set(writes) == set(WRITES), role
        for write in WRITES:
            setattr(
                AccessMatrixTest,
                f"test_it_lets_{role}_{write}_as_expected",
                lambda self, r=role, w=write: self.check_write(r, w),
            )


_add_cases()


class MatrixShapeTest(BaseTestCase):
    def test_it_expects_200_only_where_a_role_may_work(self):
        # The table above is the policy; this pins down its 200s, so that a
        # change to it is a conscious one.
        oks = {
            role: sorted(s for s, outcome in screens.items() if outcome == "ok")
            for role, screens in EXPECTED.items()
        }
        self.assertEqual(oks["anonymous"], [])
        self.assertEqual(oks["charlie"], [])
        self.assertEqual(oks["erin"], [])
        self.assertFalse({"gmina_edit", "village_edit"} & set(oks["alice"]))
        self.assertFalse({"gmina_edit", "page_delete"} & set(oks["bob"]))
        self.assertEqual(len(oks["dora"]), len(SCREENS))

    def test_it_marks_only_gmina_a(self):
        self.assertIn(MARK, self.gmina.name)
        self.assertNotIn(MARK, self.other_gmina.name)
