"""Every URL under /admin/ and /django-admin/, asked by an anonymous visitor.

The role matrices (`test_access_matrix.py` here and in the messenger) name
the screens one by one; this walk needs no list. It resolves the URLconf,
fills each path parameter with the id of one of gmina A's real objects (so
that a view which forgot its access check would find something to show)
and sends a GET and a POST without logging in. The only acceptable answers
are a redirect to a login page, or 401/403/404/405; never a 200, never a
redirect elsewhere. The few screens that must work before login (the login
forms themselves, password reset, the admin's JavaScript catalogue and icon
sprite) are listed in PUBLIC by URL name.

The same walk, signed in as an administrator of gmina B, asks every screen
for gmina A's objects: no 200 may show them (the matrices' "hidden", 404 or
"denied", for every URL rather than the listed ones).
"""

import logging
import re
from itertools import product

# The regex parser behind `re` (sre_parse is deprecated under that name).
from re import _constants as sre_constants
from re import _parser as sre_parse

from django.test import override_settings
from django.urls import URLResolver, get_resolver, reverse
from django.urls.resolvers import RegexPattern, RoutePattern
from wagtail.models import Collection, Page

from ratusz.gminas.models import Membership
from ratusz.gminas.tests.factory import (
    MEDIA,
    make_document,
    make_image,
    make_member,
)
from ratusz.messenger import services as messenger_services
from ratusz.messenger.models import SavedReply
from ratusz.test import (
    BaseTestCase,
    home_of,
    make_article,
    make_category,
    make_village,
    news_index_of,
)

PREFIXES = ("admin/", "django-admin/")

# Names of admin URLs that answer before login, by design.
PUBLIC = {
    "wagtailadmin_login",
    "wagtailadmin_password_reset",
    "wagtailadmin_password_reset_done",
    "wagtailadmin_password_reset_confirm",
    "wagtailadmin_password_reset_complete",
    "wagtailadmin_javascript_catalog",
    "wagtailadmin_sprite",
    "login",  # django-admin
    "logout",  # django-admin: logging out nobody shows nothing
}
LOGIN_PAGES = ("/admin/login/", "/django-admin/login/")
# Text that only gmina A's objects carry ("Gmina Zawada", "Droga Zawadzka").
MARK = b"Zawad"
# Not walked signed in: Wagtail's deliberate error page (for testing the 500
# page), and the inbox's event streams, which run until their lifetime ends
# and read the database from another thread (their access, 404 for another
# gmina, is tested in messenger/tests/test_access_matrix.py).
NOT_FOR_STAFF_WALK = {
    "wagtailadmin_error_test",
    "messenger-inbox-events",
    "messenger-conversation-events",
    # Wagtail signs out on a GET too: the walk would go on signed out.
    "wagtailadmin_logout",
}


def walk(patterns=None, chain=()):
    """(chain of patterns from the root, URL name) for every view."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            yield from walk(pattern.url_patterns, (*chain, pattern))
        else:
            yield (*chain, pattern), pattern.name


def _sample_of_regex(regex: str, value: str) -> str:
    """A string the regex matches; named groups of digits get `value`."""

    def build(items) -> str:
        out = []
        for op, arg in items:
            if op == sre_constants.LITERAL:
                out.append(chr(arg))
            elif op == sre_constants.NOT_LITERAL:
                out.append("x" if chr(arg) != "x" else "y")
            elif op == sre_constants.ANY:
                out.append("x")
            elif op == sre_constants.AT:
                continue
            elif op == sre_constants.IN:
                out.append(_one_of(arg))
            elif op in (sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT):
                low, _high, sub = arg
                out.append(build(sub) * max(low, 1))
            elif op == sre_constants.SUBPATTERN:
                sub = arg[-1]
                text = build(sub)
                if text.isdigit():
                    text = value
                out.append(text)
            elif op == sre_constants.BRANCH:
                out.append(build(arg[1][0]))
            else:
                raise AssertionError(f"cannot sample {op} in {regex}")
        return "".join(out)

    return build(sre_parse.parse(regex))


def _one_of(items) -> str:
    for op, arg in items:
        if op == sre_constants.LITERAL:
            return chr(arg)
        if op == sre_constants.RANGE:
            return chr(arg[0])
        if op == sre_constants.CATEGORY:
            return "1" if arg == sre_constants.CATEGORY_DIGIT else "a"
        if op == sre_constants.NEGATE:
            return "x"
    return "x"


_PARAM = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")


def sample_path(chain, value: str) -> str:
    """The URL of a chain of patterns, path parameters filled in."""
    parts = []
    for pattern in chain:
        pattern = pattern.pattern
        if isinstance(pattern, RoutePattern):

            def fill(match):
                converter = match["converter"] or "str"
                # Wagtail's choosers take ids as `str`: give them real ids too.
                return {
                    "int": value,
                    "str": value,
                    "uuid": "6f0d7e1a-7b0e-4d6e-9b3a-2f4a9b1c0d11",
                }.get(converter, "x")

            parts.append(_PARAM.sub(fill, str(pattern._route)))
        elif isinstance(pattern, RegexPattern):
            parts.append(_sample_of_regex(pattern._regex, value))
        else:  # a LocalePrefixPattern: admin URLs have none
            parts.append(str(pattern))
    return "/" + "".join(parts)


def admin_chains():
    for chain, name in walk():
        first = chain[0].pattern
        route = getattr(first, "_route", None) or getattr(first, "_regex", "")
        if route.lstrip("^").startswith(PREFIXES):
            yield chain, name


def _has_parameter(chain) -> bool:
    return any(
        pattern.pattern.regex.groups or "<" in str(pattern.pattern) for pattern in chain
    )


@override_settings(MEDIA_ROOT=MEDIA.name)
class AdminUrlWalkTest(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        article = make_article(cls.gmina, "Droga Zawadzka", publish=False)
        conversation, _, _ = messenger_services.open_conversation(
            cls.gmina, body="Pytanie z Zawady"
        )
        objects = [
            cls.gmina,
            cls.gmina.site,
            cls.gmina.collection,
            home_of(cls.gmina),
            news_index_of(cls.gmina),
            article,
            make_village(cls.gmina, "Wola Zawadzka"),
            make_category(cls.gmina, "Sprawy Zawadzkie"),
            make_image(cls.gmina, "Rynek Zawadzki"),
            make_document(cls.gmina, "Uchwała Zawadzka"),
            conversation,
            SavedReply.objects.create(gmina=cls.gmina, title="Powitanie", body="x"),
            cls.alice,
            cls.alice.groups.first(),
        ]
        cls.ids = sorted({str(obj.pk) for obj in objects})

    def ids_for_staff_of_b(self, erin) -> list[str]:
        """A's ids that are not also the id of something B's staff may see.

        Ids of different tables coincide (gmina A's village may have the id
        of gmina B's home page): a screen of B's own page must not count as
        showing gmina A.
        """
        own = [
            *Page.objects.exclude(path__startswith=self.gmina.root_page.path),
            self.other_gmina,
            self.other_gmina.site,
            self.other_gmina.collection,
            *Collection.objects.filter(depth=1),
            erin,
            self.charlie,
            *erin.groups.all(),
            *self.charlie.groups.all(),
        ]
        taken = {str(obj.pk) for obj in own}
        ids = [value for value in self.ids if value not in taken]
        self.assertTrue(ids)
        return ids

    def outcome(self, response) -> str:
        status = response.status_code
        if status in (301, 302, 303, 307, 308):
            location = response["Location"]
            if location.startswith(LOGIN_PAGES):
                return "login"
            return f"{status} to {location}"
        if status in (401, 403, 404, 405):
            return "refused"
        return str(status)

    def test_it_walks_many_admin_urls(self):
        # A broken walk (nothing resolved) must not pass quietly.
        names = {name for _, name in admin_chains()}
        self.assertGreater(len(names), 100)
        self.assertIn("wagtailadmin_home", names)
        self.assertIn("facebook-settings", names)

    def _quiet(self):
        # Hundreds of refusals would each log a warning.
        logger = logging.getLogger("django.request")
        level = logger.level
        logger.setLevel(logging.CRITICAL)
        self.addCleanup(logger.setLevel, level)

    def test_no_admin_url_answers_an_anonymous_visitor(self):
        self._quiet()
        failures = []
        for chain, name in admin_chains():
            if name in PUBLIC:
                continue
            values = self.ids if _has_parameter(chain) else ["1"]
            requests = [
                (method, sample_path(chain, value))
                for value, method in product(values, ("get", "post"))
            ]
            # Reports and listings export their rows as files.
            url = sample_path(chain, values[0])
            requests += [("get", f"{url}?export=csv"), ("get", f"{url}?export=xlsx")]
            for method, url in requests:
                response = getattr(self.client, method)(url)
                got = self.outcome(response)
                if got not in ("login", "refused"):
                    failures.append(f"{method.upper()} {url} ({name}): {got}")
                if getattr(response, "streaming", False):
                    response.close()
        self.assertEqual(failures, [], "\n".join(failures))

    def test_no_admin_url_shows_gmina_a_to_staff_of_gmina_b(self):
        # Erin administers gmina B: every admin screen is open to her, and
        # none may show her gmina A's objects, whatever id she puts in a URL.
        erin = make_member(self.other_gmina, "erin", Membership.Role.ADMIN)
        self.client.force_login(erin)
        # On her own gmina's host, so that previews of her own pages show
        # gmina B's header (the default site would be gmina A's).
        self.client.defaults["HTTP_HOST"] = self.other_gmina.site.hostname
        self._quiet()
        ids = self.ids_for_staff_of_b(erin)
        leaks = set()
        for chain, name in admin_chains():
            if name in NOT_FOR_STAFF_WALK:
                continue
            for value in ids if _has_parameter(chain) else ["1"]:
                url = sample_path(chain, value)
                response = self.client.get(url)
                if getattr(response, "streaming", False):
                    response.close()
                elif response.status_code == 200 and MARK in response.content:
                    leaks.add(f"{name} {url}")

        self.assertEqual(leaks, set(), "gmina A shown to B")
        # Still signed in at the end: a walk that lost its session half-way
        # would have seen only login redirects.
        self.assertEqual(self.client.get("/admin/").status_code, 200)

    def test_the_public_ones_are_only_forms(self):
        for name in ("wagtailadmin_login", "wagtailadmin_password_reset"):
            response = self.client.get(reverse(name))
            self.assertEqual(response.status_code, 200)
            self.assertNotIn("Zawad", response.content.decode())
