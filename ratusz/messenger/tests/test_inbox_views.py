"""The staff inbox: the list, one conversation and its actions, a
conversation on a resident's behalf, office hours and the mayor's switch."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from ratusz.gminas.models import Membership
from ratusz.gminas.tests.factory import make_member
from ratusz.messenger import services
from ratusz.messenger.models import (
    Conversation,
    Holiday,
    Message,
    OfficeHours,
    SavedReply,
)
from ratusz.messenger.staff.forms import default_send_time
from ratusz.test import BaseTestCase, home_of, make_category, make_village

from .inbox_helpers import FakeSuggestion, procedures

WARSAW = ZoneInfo("Europe/Warsaw")


class InboxListTests(BaseTestCase):
    def setUp(self):
        self.client.force_login(self.alice)
        self.odpady = make_category(self.gmina, "odpady")
        self.wola = make_village(self.gmina, "Wola Zawadzka")

    def test_lists_newest_activity_first_with_unread_counts(self):
        old, _, _ = services.open_conversation(self.gmina, body="Stara sprawa")
        new, _, _ = services.open_conversation(self.gmina, body="Nowa sprawa")
        services.receive(old, "Jeszcze jedno pytanie")  # old is now the newest
        services.open_conversation(self.other_gmina, body="Sprawa z Brzezia")
        response = self.client.get(reverse("messenger-inbox", args=[self.gmina.pk]))
        self.assertEqual(response.status_code, 200)
        body = response.content.decode()
        self.assertLess(body.index(old.reference), body.index(new.reference))
        self.assertNotIn("Sprawa z Brzezia", body)
        rows = {c.pk: c.unread for c in response.context["page"].object_list}
        self.assertEqual(rows, {old.pk: 2, new.pk: 1})
        self.assertEqual(response.context["unread"], 3)

    def test_filters(self):
        a, _, _ = services.open_conversation(
            self.gmina, body="Odbiór gabarytów", category=self.odpady
        )
        b, _, _ = services.open_conversation(self.gmina, body="Dziura w drodze")
        c, _, _ = services.open_conversation(
            self.gmina, body="Wola: latarnia", village=self.wola
        )
        Conversation.objects.filter(pk=b.pk).update(assignee=self.alice)
        services.set_status(c, Conversation.Status.RESOLVED)
        url = reverse("messenger-inbox", args=[self.gmina.pk])

        def listed(**query):
            response = self.client.get(url, query)
            return {conv.pk for conv in response.context["page"].object_list}

        self.assertEqual(listed(category=self.odpady.pk), {a.pk})
        self.assertEqual(listed(assignee="me"), {b.pk})
        # Resolved conversations only when asked for (the default hides them).
        self.assertEqual(listed(assignee="none"), {a.pk})
        self.assertEqual(listed(assignee="none", status="all"), {a.pk, c.pk})
        self.assertEqual(listed(assignee=str(self.alice.pk)), {b.pk})
        self.assertEqual(listed(status="resolved"), {c.pk})
        self.assertEqual(listed(status="open"), {a.pk, b.pk})
        self.assertEqual(listed(village=self.wola.pk, status="all"), {c.pk})

    def test_fragment_and_pagination(self):
        for i in range(27):
            services.open_conversation(self.gmina, body=f"Sprawa numer {i}")
        url = reverse("messenger-inbox", args=[self.gmina.pk])
        first = self.client.get(url)
        self.assertEqual(len(first.context["page"].object_list), 25)
        second = self.client.get(url, {"p": 2, "fragment": 1})
        self.assertEqual(len(second.context["page"].object_list), 2)
        self.assertTemplateUsed(second, "messenger/admin/_inbox_rows.html")
        self.assertTemplateNotUsed(second, "messenger/admin/inbox.html")
        self.assertIn("private", first["Cache-Control"])

    def test_query_count_does_not_grow_with_the_list(self):
        url = reverse("messenger-inbox", args=[self.gmina.pk])

        def queries():
            with CaptureQueriesContext(connection) as captured:
                self.client.get(url)
            return len(captured)

        for i in range(3):
            services.open_conversation(
                self.gmina, body=f"Pytanie {i}", category=self.odpady, village=self.wola
            )
        few = queries()
        for i in range(12):
            services.open_conversation(
                self.gmina, body=f"Więcej {i}", category=self.odpady, village=self.wola
            )
        self.assertEqual(queries(), few)

    def test_index_redirects_a_one_gmina_user_and_lets_others_pick(self):
        response = self.client.get(reverse("messenger-inbox-index"))
        self.assertRedirects(response, reverse("messenger-inbox", args=[self.gmina.pk]))
        self.client.force_login(self.admin)
        response = self.client.get(reverse("messenger-inbox-index"))
        self.assertContains(response, "Gmina Brzezie")
        self.assertContains(response, "Gmina Zawada")

    def test_menu_item_shows_the_unread_count(self):
        services.open_conversation(self.gmina, body="Pytanie")
        services.open_conversation(self.other_gmina, body="Obce pytanie")
        response = self.client.get(reverse("wagtailadmin_home"))
        self.assertContains(response, "Rozmowy (1 nieprzeczytana)")
        for _ in range(3):
            services.open_conversation(self.gmina, body="Kolejne pytanie")
        response = self.client.get(reverse("wagtailadmin_home"))
        self.assertContains(response, "Rozmowy (4 nieprzeczytane)")


class ConversationTests(BaseTestCase):
    def setUp(self):
        self.client.force_login(self.alice)
        self.conversation, self.first, _ = services.open_conversation(
            self.gmina, body="Jak zgłosić dziurę w drodze?", resident_name="Anna Nowak"
        )
        self.url = reverse("messenger-conversation", args=[self.conversation.pk])

    def post(self, view, *ids, **data):
        """POST to one of the conversation's action views."""
        url = reverse(f"messenger-{view}", args=[self.conversation.pk, *ids])
        return self.client.post(url, data)

    def test_opening_marks_it_seen(self):
        response = self.client.get(self.url)
        self.assertContains(response, "Jak zgłosić dziurę w drodze?")
        self.conversation.refresh_from_db()
        # Everything shown counts as seen (an automatic reply may follow).
        latest = self.conversation.messages.latest("pk").pk
        self.assertGreaterEqual(latest, self.first.pk)
        self.assertEqual(self.conversation.staff_seen_message_id, latest)

    def test_reply_and_note_are_shown_distinctly(self):
        response = self.post("reply", body="Proszę zgłosić w BOI.")
        self.assertRedirects(response, self.url, fetch_redirect_response=False)
        self.post("note", note="Sprawdzić w ZDP")
        reply = self.conversation.messages.get(internal=False, author="staff")
        self.assertIsNotNone(reply.published_at)
        self.assertEqual(reply.staff_user, self.alice)
        note = self.conversation.messages.get(internal=True)
        page = self.client.get(self.url).content.decode()
        self.assertIn("Notatka wewnętrzna — mieszkaniec jej nie widzi", page)
        self.assertIn("rz-message--note", page)
        self.assertIn(f'id="m{note.pk}"', page)
        self.conversation.refresh_from_db()
        self.assertEqual(self.conversation.status, Conversation.Status.WAITING)

    def test_empty_reply_gets_a_polish_error(self):
        response = self.post("reply", body="   ")
        self.assertContains(response, "Wpisz treść odpowiedzi.")
        self.assertFalse(self.conversation.messages.filter(author="staff").exists())

    def test_send_later_and_cancel(self):
        when = timezone.localtime(timezone.now() + timedelta(days=1), WARSAW)
        self.post(
            "reply",
            body="Odpowiem rano",
            send_later="on",
            send_date=when.strftime("%Y-%m-%d"),
            send_time="07:30",
        )
        scheduled = self.conversation.messages.get(author="staff")
        self.assertIsNone(scheduled.published_at)
        self.assertEqual(
            timezone.localtime(scheduled.send_at, WARSAW).strftime("%H:%M"), "07:30"
        )
        self.assertContains(self.client.get(self.url), "zaplanowana na")
        self.post("cancel-scheduled", scheduled.pk)
        self.assertFalse(Message.objects.filter(pk=scheduled.pk).exists())

    def test_send_later_in_the_past_is_refused(self):
        response = self.post(
            "reply",
            body="Za późno",
            send_later="on",
            send_date="2020-01-01",
            send_time="07:30",
        )
        self.assertContains(response, "Termin wysyłki musi być w przyszłości.")
        self.assertFalse(self.conversation.messages.filter(author="staff").exists())

    def test_assign_only_to_staff_of_the_same_gmina(self):
        self.post("assign", assignee=self.charlie.pk)
        self.conversation.refresh_from_db()
        self.assertIsNone(self.conversation.assignee)
        self.post("assign", assignee=self.bob.pk)
        self.conversation.refresh_from_db()
        self.assertEqual(self.conversation.assignee, self.bob)

    def test_category_and_village_of_this_gmina_only(self):
        mine = make_category(self.gmina, "drogi")
        foreign = make_category(self.other_gmina, "drogi")
        village = make_village(self.gmina, "Zawada Mała")
        self.post("categorise", category=foreign.pk, village="")
        self.conversation.refresh_from_db()
        self.assertIsNone(self.conversation.category)
        self.post("categorise", category=mine.pk, village=village.pk)
        self.conversation.refresh_from_db()
        self.assertEqual(
            (self.conversation.category, self.conversation.village), (mine, village)
        )

    def test_resolve_in_chat_and_reopen(self):
        self.post("resolve", resolved_in_chat="on")
        self.conversation.refresh_from_db()
        self.assertEqual(self.conversation.status, Conversation.Status.RESOLVED)
        self.assertTrue(self.conversation.resolved_in_chat)
        self.post("reopen")
        self.conversation.refresh_from_db()
        self.assertEqual(self.conversation.status, Conversation.Status.OPEN)
        self.assertIsNone(self.conversation.resolved_at)

    def test_suggestions_inserted_without_javascript(self):
        found = [
            FakeSuggestion(
                None,
                "Zgłoszenie uszkodzenia drogi",
                "/jak-zalatwic/droga/",
                "Zgłoś uszkodzenie przez formularz.",
                1.0,
            )
        ]
        with procedures(found) as calls:
            page = self.client.get(self.url)
            self.assertContains(page, "Zgłoszenie uszkodzenia drogi")
            response = self.post("insert-suggestion", 0, body="Dzień dobry,")
        draft = response.context["reply_form"].initial["body"]
        root = self.gmina.site.root_url
        self.assertEqual(
            draft,
            "Dzień dobry,\n\nZgłoszenie uszkodzenia drogi — Zgłoś uszkodzenie przez "
            f"formularz.\n{root}/jak-zalatwic/droga/",
        )
        self.assertIn("Jak zgłosić dziurę w drodze?", calls[0][2])
        self.assertEqual(calls[0][3], 3)

    def test_make_a_knowledge_base_page_from_a_reply(self):
        services.reply(self.conversation, self.alice, "Zgłasza się w pokoju 12.")
        reply = self.conversation.messages.get(author="staff")
        draft = home_of(self.gmina)
        with procedures(page=draft) as calls:
            response = self.post("make-page", reply.pk)
        self.assertRedirects(
            response,
            reverse("wagtailadmin_pages:edit", args=[draft.pk]),
            fetch_redirect_response=False,
        )
        _, site, title, text, user = next(c for c in calls if c[0] == "draft")
        self.assertEqual(
            (site, title, text, user),
            (self.gmina.site, self.conversation.subject, reply.body, self.alice),
        )
        # A resident's message is not an answer.
        with procedures(page=draft):
            self.assertEqual(self.post("make-page", self.first.pk).status_code, 404)


class KnowledgeBaseWithoutIndexTests(BaseTestCase):
    def test_a_gmina_without_the_list_gets_a_polish_message(self):
        # The real module: this gmina has no "Jak załatwić sprawę" list yet.
        self.client.force_login(self.alice)
        conversation, _, _ = services.open_conversation(self.gmina, body="Pytanie")
        reply, _ = services.reply(conversation, self.alice, "Odpowiedź")
        url = reverse("messenger-conversation", args=[conversation.pk])
        response = self.client.post(
            reverse("messenger-make-page", args=[conversation.pk, reply.pk]),
            follow=True,
        )
        self.assertRedirects(response, url)
        self.assertContains(response, "nie ma jeszcze strony")


class SendLaterDefaultTests(BaseTestCase):
    def test_next_working_day_at_half_past_seven(self):
        friday_night = datetime(2026, 11, 27, 23, 30, tzinfo=WARSAW)
        self.assertEqual(
            default_send_time(self.gmina, friday_night),
            datetime(2026, 11, 30, 7, 30, tzinfo=WARSAW),
        )
        Holiday.objects.create(gmina=self.gmina, date=datetime(2026, 11, 30).date())
        self.assertEqual(
            default_send_time(self.gmina, friday_night).date(),
            datetime(2026, 12, 1).date(),
        )


class OnBehalfTests(BaseTestCase):
    def test_staff_opens_a_conversation_for_a_resident_who_phoned(self):
        self.client.force_login(self.bob)
        url = reverse("messenger-on-behalf", args=[self.gmina.pk])
        response = self.client.post(
            url,
            {
                "body": "Pani dzwoniła w sprawie podatku od nieruchomości.",
                "resident_name": "Halina Wiśniewska",
                "resident_phone": "600 100 200",
                "resident_email": "",
            },
        )
        conversation = Conversation.objects.get()
        self.assertRedirects(
            response,
            reverse("messenger-conversation", args=[conversation.pk]),
            fetch_redirect_response=False,
        )
        self.assertEqual(conversation.source, Conversation.Source.STAFF)
        self.assertEqual(conversation.created_by, self.bob)
        self.assertEqual(conversation.resident_phone, "600 100 200")
        self.assertEqual(conversation.gmina, self.gmina)

    def test_bad_phone_gets_a_polish_error(self):
        self.client.force_login(self.bob)
        response = self.client.post(
            reverse("messenger-on-behalf", args=[self.gmina.pk]),
            {"body": "Sprawa", "resident_name": "Jan", "resident_phone": "abc"},
        )
        self.assertContains(response, "Podaj numer telefonu")
        self.assertFalse(Conversation.objects.exists())


class OfficeHoursTests(BaseTestCase):
    def setUp(self):
        self.dora = make_member(self.gmina, "dora", Membership.Role.ADMIN)
        self.client.force_login(self.dora)
        self.url = reverse("messenger-hours", args=[self.gmina.pk])

    def week(self, **overrides):
        data = {"auto_reply": "Odpowiemy {kiedy}."}
        for day in range(5):
            data[f"from_{day}"] = "07:30"
            data[f"to_{day}"] = "15:30"
        data["closed_5"] = data["closed_6"] = "on"
        data.update(overrides)
        return data

    def test_weekly_table_and_auto_reply(self):
        self.client.post(self.url, self.week(to_4="13:00"))
        hours = OfficeHours.objects.get(gmina=self.gmina)
        self.assertEqual(hours.weekly["0"], [["07:30", "15:30"]])
        self.assertEqual(hours.weekly["4"], [["07:30", "13:00"]])
        self.assertEqual(hours.weekly["6"], [])
        self.assertEqual(hours.auto_reply, "Odpowiemy {kiedy}.")

    def test_bad_hours_get_polish_errors(self):
        response = self.client.post(self.url, self.week(from_1="16:00", from_2=""))
        self.assertContains(response, "wtorek: godzina „do” musi być późniejsza")
        self.assertContains(response, "środa: podaj godziny od–do")

    def test_holidays(self):
        self.client.post(
            reverse("messenger-holiday-add", args=[self.gmina.pk]),
            {"date": "2026-12-24", "name": "Wigilia"},
        )
        holiday = Holiday.objects.get(gmina=self.gmina)
        self.assertEqual(holiday.name, "Wigilia")
        self.client.post(
            reverse("messenger-holiday-delete", args=[self.gmina.pk, holiday.pk])
        )
        self.assertFalse(Holiday.objects.exists())

    def test_available_tonight_switch(self):
        url = reverse("messenger-availability", args=[self.gmina.pk])
        self.client.post(url, {"available": "1", "next": "inbox"})
        until = timezone.localtime(
            OfficeHours.objects.get(gmina=self.gmina).available_until, WARSAW
        )
        self.assertEqual(
            until.date(), timezone.localtime(timezone.now(), WARSAW).date()
        )
        self.assertEqual((until.hour, until.minute), (23, 59))
        inbox = self.client.get(reverse("messenger-inbox", args=[self.gmina.pk]))
        self.assertContains(inbox, "Wyłącz „Dostępny(-a) dziś wieczorem”")
        self.client.post(url, {"available": "0"})
        self.assertIsNone(OfficeHours.objects.get(gmina=self.gmina).available_until)


class SavedReplyPlaceholderTests(BaseTestCase):
    def test_inserted_with_placeholders_filled_without_javascript(self):
        self.client.force_login(self.alice)
        reply = SavedReply.objects.create(
            gmina=self.gmina,
            title="Powitanie",
            body="{imie}, w sprawie {sygnatura} ({gmina}) odpowiada {urzednik}.",
        )
        named, _, _ = services.open_conversation(
            self.gmina, body="Pytanie", resident_name="Anna Nowak"
        )
        anonymous, _, _ = services.open_conversation(self.gmina, body="Pytanie")
        for conversation, name in (
            (named, "Anna"),  # {imie}: the first name only
            (anonymous, "Szanowni Państwo"),
        ):
            response = self.client.post(
                reverse("messenger-insert-saved", args=[conversation.pk]),
                {"saved_reply": reply.pk, "body": ""},
            )
            self.assertEqual(
                response.context["reply_form"].initial["body"],
                f"{name}, w sprawie {conversation.reference} (Gmina Zawada) "
                "odpowiada Alicja Nowak.",
            )
