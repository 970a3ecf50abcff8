"""Every messenger admin view × every role, GET and POST; CSRF on every POST.

Roles: anonymous; dora (administrator, A); alice (editor, A); bob (author,
A); charlie (editor, B); admin (superuser). All objects belong to gmina A.

Outcomes:
    ok      200 (GET) / the change was applied (POST)
    login   redirect to the login page, nothing changed (403 for the live streams)
    denied  Wagtail's "no permission" redirect to the dashboard, nothing changed
    404     the object does not exist for this user, nothing changed
One test per cell, so a failure names its role, view and method.
"""

from asgiref.sync import async_to_sync
from django.test import Client, override_settings
from django.urls import reverse

from ratusz.gminas.models import Membership
from ratusz.gminas.tests.factory import make_member
from ratusz.messenger import services
from ratusz.messenger.models import Conversation, Holiday, OfficeHours, SavedReply
from ratusz.test import BaseTestCase, make_category


@async_to_sync
async def drain(response) -> bytes:
    return b"".join([chunk async for chunk in response.streaming_content])


ROLES = ["anonymous", "dora", "alice", "bob", "charlie", "admin"]


def _notes(t):
    return t.conversation.messages.filter(internal=True).count()


def _replies(t):
    return SavedReply.objects.filter(gmina=t.gmina).count()


def _reply_title(t):
    return (
        SavedReply.objects.filter(pk=t.saved.pk).values_list("title", flat=True).first()
    )


def _holidays(t):
    return Holiday.objects.filter(gmina=t.gmina).count()


def _available(t):
    hours = OfficeHours.objects.filter(gmina=t.gmina).first()
    return bool(hours and hours.available_until)


def _auto_reply(t):
    hours = OfficeHours.objects.filter(gmina=t.gmina).first()
    return hours and hours.auto_reply


def _conversation(t):
    return Conversation.objects.get(pk=t.conversation.pk)


def _replies_sent(t):
    return t.conversation.messages.filter(author="staff", internal=False).count()


def _conversations(t):
    return Conversation.objects.filter(gmina=t.gmina).count()


# name: (url, POST data or None, state function for POST)
VIEWS = {
    "inbox_index": (lambda t: reverse("messenger-inbox-index"), None, None),
    "inbox": (lambda t: reverse("messenger-inbox", args=[t.gmina.pk]), None, None),
    # The admin's search box with a case reference of gmina A.
    "admin_search": (
        lambda t: f"{reverse('messenger-admin-search')}?q={t.conversation.reference}",
        None,
        None,
    ),
    "conversation": (
        lambda t: reverse("messenger-conversation", args=[t.conversation.pk]),
        None,
        None,
    ),
    "reply": (
        lambda t: reverse("messenger-reply", args=[t.conversation.pk]),
        {"body": "Odpowiedź testowa"},
        _replies_sent,
    ),
    "note": (
        lambda t: reverse("messenger-note", args=[t.conversation.pk]),
        {"note": "Notatka testowa"},
        _notes,
    ),
    "assign": (
        lambda t: reverse("messenger-assign", args=[t.conversation.pk]),
        {"assignee": "_alice"},
        lambda t: _conversation(t).assignee_id,
    ),
    "categorise": (
        lambda t: reverse("messenger-categorise", args=[t.conversation.pk]),
        {"category": "_category", "village": ""},
        lambda t: _conversation(t).category_id,
    ),
    "resolve": (
        lambda t: reverse("messenger-resolve", args=[t.conversation.pk]),
        {},
        lambda t: _conversation(t).status,
    ),
    "rotate_reply_token": (
        lambda t: reverse("messenger-rotate-reply-token", args=[t.conversation.pk]),
        {},
        lambda t: _conversation(t).reply_token,
    ),
    "on_behalf": (
        lambda t: reverse("messenger-on-behalf", args=[t.gmina.pk]),
        {"body": "Sprawa z telefonu", "resident_name": "Jan Kos"},
        _conversations,
    ),
    "saved_replies": (
        lambda t: reverse("messenger-saved-replies", args=[t.gmina.pk]),
        None,
        None,
    ),
    "saved_reply_add": (
        lambda t: reverse("messenger-saved-reply-add", args=[t.gmina.pk]),
        {"title": "Nowa", "body": "Treść"},
        _replies,
    ),
    "saved_reply_edit": (
        lambda t: reverse("messenger-saved-reply-edit", args=[t.gmina.pk, t.saved.pk]),
        {"title": "Zmieniona", "body": "Treść"},
        _reply_title,
    ),
    "saved_reply_delete": (
        lambda t: reverse(
            "messenger-saved-reply-delete", args=[t.gmina.pk, t.saved.pk]
        ),
        {},
        _replies,
    ),
    "hours": (
        lambda t: reverse("messenger-hours", args=[t.gmina.pk]),
        {"auto_reply": "Odpowiemy {kiedy}.", **{f"closed_{d}": "on" for d in range(7)}},
        _auto_reply,
    ),
    "holiday_add": (
        lambda t: reverse("messenger-holiday-add", args=[t.gmina.pk]),
        {"date": "2026-12-24", "name": "Wigilia"},
        _holidays,
    ),
    "availability": (
        lambda t: reverse("messenger-availability", args=[t.gmina.pk]),
        {"available": "1"},
        _available,
    ),
    "stats": (lambda t: reverse("messenger-stats", args=[t.gmina.pk]), None, None),
    "inbox_events": (
        lambda t: reverse("messenger-inbox-events", args=[t.gmina.pk]),
        None,
        None,
    ),
    "conversation_events": (
        lambda t: reverse("messenger-conversation-events", args=[t.conversation.pk]),
        None,
        None,
    ),
}
# POST only: GET is 405 for the signed-in.
GET_ONLY = {
    "availability",
    "holiday_add",
    "reply",
    "note",
    "assign",
    "categorise",
    "resolve",
    "rotate_reply_token",
}
STREAMS = {"inbox_events", "conversation_events"}
# A GET that answers with a redirect when it works.
REDIRECTS = {"inbox_index", "admin_search"}
_RW_SAVED = ["saved_reply_add", "saved_reply_edit", "saved_reply_delete"]
_ADMIN = ["hours", "holiday_add", "availability"]
_ALL = dict.fromkeys(VIEWS, "ok")

EXPECTED = {
    "anonymous": dict.fromkeys(VIEWS, "login"),
    "dora": _ALL,
    "alice": {**_ALL, **dict.fromkeys(_ADMIN, "denied")},
    "bob": {**_ALL, **dict.fromkeys(_ADMIN + _RW_SAVED, "denied")},
    # Charlie's index goes to his own gmina; everything of A is 404, and A's
    # case reference is not found in his.
    "charlie": {
        **dict.fromkeys(VIEWS, "404"),
        "inbox_index": "own",
        "admin_search": "own",
    },
    "admin": _ALL,
}


class AccessMatrixTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.dora = make_member(cls.gmina, "dora", Membership.Role.ADMIN)
        cls.conversation, _, _ = services.open_conversation(
            cls.gmina, body="Pytanie z Zawady"
        )
        cls.saved = SavedReply.objects.create(
            gmina=cls.gmina, title="Powitanie", body="Dzień dobry {imie}"
        )
        cls.category = make_category(cls.gmina, "drogi")

    def setUp(self):
        # Streams end at once: the test is about who gets one.
        self.enterContext(override_settings(MESSENGER_SSE_LIFETIME=0.05))

    def login(self, role, client=None):
        client = client or self.client
        if role != "anonymous":
            client.force_login(getattr(self, role))
        return client

    def check_get(self, role, view):
        url = VIEWS[view][0](self)
        response = self.login(role).get(url)
        expected = EXPECTED[role][view]
        if view in GET_ONLY and expected != "login":
            self.assertEqual(response.status_code, 405)
            return
        if view in STREAMS:
            codes = {"ok": 200, "login": 403, "404": 404}
            self.assertEqual(response.status_code, codes[expected])
            if expected == "ok":
                self.assertEqual(
                    response["Content-Type"], "text/event-stream; charset=utf-8"
                )
                self.assertIn("no-store", response["Cache-Control"])
                self.assertIn(b"retry:", drain(response))
            return
        self.assert_outcome(response, expected)
        if expected == "ok" and view not in REDIRECTS:
            self.assertEqual(response.status_code, 200)
        if expected == "ok" and view == "admin_search":
            self.assertEqual(
                response["Location"],
                reverse("messenger-conversation", args=[self.conversation.pk]),
            )

    def form_data(self, data):
        """Placeholders ("_alice") become the ids of the test's rows."""
        values = {
            "_alice": lambda: self.alice.pk,
            "_category": lambda: self.category.pk,
        }
        return {k: values[v]() if v in values else v for k, v in data.items()}

    def check_post(self, role, view):
        url, data, state = VIEWS[view]
        before = state(self)
        response = self.login(role).post(url(self), self.form_data(data))
        expected = EXPECTED[role][view]
        self.assert_outcome(response, expected)
        if expected == "ok":
            self.assertNotEqual(state(self), before, "the change was not applied")
        else:
            self.assertEqual(state(self), before, "a refused change was applied")

    def check_csrf(self, view):
        url, data, state = VIEWS[view]
        client = self.login("admin", Client(enforce_csrf_checks=True))
        before = state(self)
        response = client.post(url(self), self.form_data(data))
        self.assertEqual(response.status_code, 403)
        self.assertEqual(state(self), before)

    def assert_outcome(self, response, expected):
        if expected == "login":
            self.assertEqual(response.status_code, 302)
            self.assertIn(reverse("wagtailadmin_login"), response["Location"])
        elif expected == "denied":
            self.assertEqual(response.status_code, 302)
            self.assertEqual(response["Location"], reverse("wagtailadmin_home"))
        elif expected == "404":
            self.assertEqual(response.status_code, 404)
        elif expected == "own":
            # Their own inbox (carrying what they searched for, if anything).
            self.assertEqual(response.status_code, 302)
            self.assertEqual(
                response["Location"].split("?")[0],
                reverse("messenger-inbox", args=[self.other_gmina.pk]),
            )
        else:
            self.assertIn(response.status_code, (200, 302))
            if response.status_code == 302:
                self.assertNotEqual(response["Location"], reverse("wagtailadmin_home"))
                self.assertNotIn(reverse("wagtailadmin_login"), response["Location"])


def _add_tests():
    for view, (_url, data, _state) in VIEWS.items():
        for role in ROLES:
            setattr(
                AccessMatrixTests,
                f"test_get_{view}_as_{role}",
                lambda self, r=role, v=view: self.check_get(r, v),
            )
            if data is not None:
                setattr(
                    AccessMatrixTests,
                    f"test_post_{view}_as_{role}",
                    lambda self, r=role, v=view: self.check_post(r, v),
                )
        if data is not None:
            setattr(
                AccessMatrixTests,
                f"test_csrf_{view}",
                lambda self, v=view: self.check_csrf(v),
            )


_add_tests()


class ForeignIdsTests(BaseTestCase):
    """Gmina B's ids through gmina A's staff: 404 everywhere, nothing changes."""

    def test_foreign_conversation_and_saved_reply(self):
        theirs, _, _ = services.open_conversation(self.other_gmina, body="Obce")
        saved = SavedReply.objects.create(gmina=self.other_gmina, title="B", body="B")
        mine = make_member(self.gmina, "dora", Membership.Role.ADMIN)
        self.client.force_login(mine)
        urls = [
            reverse("messenger-conversation", args=[theirs.pk]),
            reverse("messenger-saved-reply-edit", args=[self.gmina.pk, saved.pk]),
            reverse("messenger-saved-reply-delete", args=[self.gmina.pk, saved.pk]),
            reverse("messenger-inbox", args=[self.other_gmina.pk]),
        ]
        for url in urls:
            self.assertEqual(self.client.get(url).status_code, 404, url)
        posts = [
            *urls[1:],
            reverse("messenger-resolve", args=[theirs.pk]),
            reverse("messenger-note", args=[theirs.pk]),
        ]
        for url in posts:
            self.assertEqual(
                self.client.post(url, {"title": "x", "note": "x"}).status_code,
                404,
                url,
            )
        theirs.refresh_from_db()
        self.assertEqual(theirs.status, Conversation.Status.OPEN)
        self.assertTrue(SavedReply.objects.filter(pk=saved.pk).exists())

    def test_cancel_or_publish_a_message_of_another_conversation(self):
        self.client.force_login(self.alice)
        mine, _, _ = services.open_conversation(self.gmina, body="Moja")
        theirs, _, _ = services.open_conversation(self.other_gmina, body="Obca")
        from datetime import timedelta

        from django.utils import timezone

        scheduled, _ = services.reply(
            theirs,
            self.charlie,
            "Rano",
            send_at=timezone.now() + timedelta(hours=2),
        )
        self.client.post(
            reverse("messenger-cancel-scheduled", args=[mine.pk, scheduled.pk])
        )
        self.assertTrue(theirs.messages.filter(pk=scheduled.pk).exists())
