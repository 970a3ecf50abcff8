"""Every role against every view of gmina A's article's "Powiadomienia" screen,
GET and POST.

Outcomes: "ok" 200; "login" redirect to the login page; "denied" Wagtail's
"no permission" redirect to the dashboard; 404. For the retry POSTs the
database is checked: "applied" or "refused".
"""

from django.urls import reverse

from ratusz.gminas.models import Membership
from ratusz.gminas.tests.factory import make_member
from ratusz.outbox.models import Channel, Delivery
from ratusz.test import BaseTestCase, make_article

State = Delivery.State

READS = ("panel", "progress", "preview")
WRITES = ("retry_failed", "retry_unknown")
EXPECTED = {
    "anonymous": {**dict.fromkeys(READS, "login"), **dict.fromkeys(WRITES, "refused")},
    "bob": {**dict.fromkeys(READS, "ok"), **dict.fromkeys(WRITES, "refused")},
    "alice": {**dict.fromkeys(READS, "ok"), **dict.fromkeys(WRITES, "applied")},
    "dora": {**dict.fromkeys(READS, "ok"), **dict.fromkeys(WRITES, "applied")},
    "charlie": {**dict.fromkeys(READS, 404), **dict.fromkeys(WRITES, "refused")},
    "erin": {**dict.fromkeys(READS, 404), **dict.fromkeys(WRITES, "refused")},
    "admin": {**dict.fromkeys(READS, "ok"), **dict.fromkeys(WRITES, "applied")},
}
# What a refused POST answers, per role.
REFUSAL = {"anonymous": "login", "bob": "denied", "charlie": 404, "erin": 404}


class AccessMatrixTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.dora = make_member(cls.gmina, "dora", Membership.Role.ADMIN)
        cls.erin = make_member(cls.other_gmina, "erin", Membership.Role.ADMIN)
        cls.article = make_article(cls.gmina, "Zebranie w Zawadzie")

    def setUp(self):
        common = {
            "gmina": self.gmina,
            "item": f"article:{self.article.pk}",
            "page": self.article,
            "channel": Channel.EMAIL,
        }
        self.failed = Delivery.objects.create(
            **common, recipient="follower:1", state=State.FAILED
        )
        self.unknown = Delivery.objects.create(
            **common, recipient="follower:2", state=State.UNKNOWN
        )

    def url(self, name):
        return reverse(name, args=[self.article.pk])

    def login(self, role):
        if role != "anonymous":
            self.client.force_login(getattr(self, role))

    def check_get(self, role, view):
        self.login(role)
        name = {
            "panel": "fans-notifications",
            "progress": "fans-notifications-progress",
            "preview": "fans-notifications-preview",
        }[view]
        response = self.client.get(self.url(name))
        self.assert_outcome(response, EXPECTED[role][view])
        if EXPECTED[role][view] == "ok" and view == "progress":
            self.assertEqual(response.json()["failed"], 1)
        elif EXPECTED[role][view] == "ok":
            self.assertContains(response, "Zebranie w Zawadzie")

    def assert_outcome(self, response, expected):
        if expected == "ok":
            self.assertEqual(response.status_code, 200)
        elif expected == "login":
            self.assertEqual(response.status_code, 302)
            self.assertTrue(
                response["Location"].startswith(reverse("wagtailadmin_login"))
            )
        elif expected == "denied":
            self.assertRedirects(response, reverse("wagtailadmin_home"))
        else:
            self.assertEqual(response.status_code, expected)

    def check_post(self, role, view):
        self.login(role)
        state = "failed" if view == "retry_failed" else "unknown"
        response = self.client.post(
            self.url("fans-notifications-retry"), {"state": state, "confirm": "yes"}
        )
        row = self.failed if view == "retry_failed" else self.unknown
        row.refresh_from_db()
        if EXPECTED[role][view] == "applied":
            self.assertEqual(row.state, State.PENDING)
            self.assertRedirects(response, self.url("fans-notifications"))
        else:
            self.assertEqual(row.state, state)
            self.assert_outcome(response, REFUSAL[role])


def _add(role, view):
    check = (
        AccessMatrixTestCase.check_get
        if view in READS
        else AccessMatrixTestCase.check_post
    )

    def test(self):
        check(self, role, view)

    test.__name__ = f"test_{role}_{view}_{EXPECTED[role][view]}"
    setattr(AccessMatrixTestCase, test.__name__, test)


for _role in EXPECTED:
    for _view in READS + WRITES:
        _add(_role, _view)
