"""The inbox search (message text with or without Polish letters, resident
name, e-mail, phone, case reference), the admin search opening a case, the
default status filter and the filters each staff member's inbox remembers."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from wagtail.admin.search import admin_search_areas

from ratusz.messenger import services
from ratusz.messenger.models import Conversation, Message
from ratusz.messenger.search import index_messages, phone_digits
from ratusz.test import BaseTestCase, make_category


class InboxSearchTestCase(BaseTestCase):
    def setUp(self):
        self.client.force_login(self.alice)
        self.url = reverse("messenger-inbox", args=[self.gmina.pk])

    def open(self, body, gmina=None, **fields):
        conversation, _message, _created = services.open_conversation(
            gmina or self.gmina, body=body, **fields
        )
        return conversation

    def found(self, text, **filters):
        response = self.client.get(self.url, {"q": text, **filters})
        self.assertEqual(response.status_code, 200)
        return [c.pk for c in response.context["page"].object_list]

    def test_it_finds_message_text_with_or_without_polish_letters(self):
        polish = self.open("Kiedy będzie wywóz śmieci na Zawadzie?")
        plain = self.open("kiedy bedzie wywoz smieci w Lipniku")
        self.open("Dziura w drodze przy szkole")

        for text in ("wywóz śmieci", "wywoz smieci", "śmieciami", "SMIECI"):
            with self.subTest(text=text):
                self.assertCountEqual(self.found(text), [polish.pk, plain.pk])
        self.assertEqual(self.found("dziura"), self.found("dziury"))
        self.assertEqual(self.found("festyn"), [])

    def test_exact_polish_forms_rank_first(self):
        polish = self.open("Proszę o wywóz śmieci")
        plain = self.open("prosze o wywoz smieci")  # newer activity

        self.assertEqual(self.found("wywóz śmieci"), [polish.pk, plain.pk])
        self.assertEqual(self.found("wywoz smieci"), [plain.pk, polish.pk])

    def test_every_word_may_be_in_another_message_of_the_conversation(self):
        conversation = self.open("Pytanie o wywóz")
        services.receive(conversation, "i jeszcze o smieci")
        services.reply(conversation, self.alice, "Harmonogram jest na stronie.")
        self.open("Pytanie o wywóz mebli")

        self.assertEqual(self.found("wywoz smieci"), [conversation.pk])
        # Staff replies and notes are searched too.
        self.assertEqual(self.found("harmonogram"), [conversation.pk])

    def test_it_never_matches_automatic_replies(self):
        conversation = self.open("Pytanie")
        services.add_system_message(conversation, "Odpowiemy w poniedziałek.")

        self.assertEqual(self.found("poniedziałek"), [])
        system = conversation.messages.get(author=Message.Author.SYSTEM)
        self.assertEqual((system.lemmas, system.folded_lemmas), ("", ""))

    def test_it_indexes_new_messages_when_it_searches(self):
        conversation = self.open("Wywóz gabarytów")
        message = conversation.messages.get()
        self.assertIsNone(message.lemmas)

        self.assertEqual(self.found("gabaryty"), [conversation.pk])

        message.refresh_from_db()
        self.assertIn("wywóz", message.lemmas.split())
        self.assertIn("wywoz", message.folded_lemmas.split())
        self.assertEqual(index_messages(Conversation.objects.all()), 0)

    def test_it_finds_the_resident_by_name_with_or_without_letters(self):
        anna = self.open("Pytanie", resident_name="Anna Łukasiewicz-Żak")
        self.open("Pytanie", resident_name="Jan Kowalski")

        for text in ("łukasiewicz", "lukasiewicz", "ANNA zak", "Żak"):
            with self.subTest(text=text):
                self.assertEqual(self.found(text), [anna.pk])

    def test_it_finds_the_resident_by_email_or_phone(self):
        by_email = self.open("Pytanie", resident_email="anna.nowak@example.org")
        by_phone = self.open("Pytanie", resident_phone="+48600100200")

        self.assertEqual(self.found("anna.nowak@example"), [by_email.pk])
        self.assertEqual(self.found("NOWAK@EXAMPLE.ORG"), [by_email.pk])
        for text in ("600 100 200", "+48 600-100-200", "600100", "48600100200"):
            with self.subTest(text=text):
                self.assertEqual(self.found(text), [by_phone.pk])
        self.assertEqual(self.found("2026"), [])

    def test_it_keeps_to_the_gmina_and_the_other_filters(self):
        odpady = make_category(self.gmina, "Odpady")
        mine = self.open("wywóz śmieci", category=odpady)
        self.open("wywóz śmieci")
        self.open("wywóz śmieci", gmina=self.other_gmina)

        self.assertEqual(self.found("smieci", category=odpady.pk), [mine.pk])
        self.assertEqual(len(self.found("smieci", category="")), 2)

    def test_it_keeps_the_other_filters_in_its_links(self):
        for i in range(27):
            self.open(f"wywóz śmieci {i}")

        response = self.client.get(self.url, {"q": "smieci", "status": "open"})

        self.assertContains(response, "?q=smieci&amp;status=open&amp;p=2")
        self.assertContains(response, 'value="smieci"')
        second = self.client.get(self.url, {"q": "smieci", "p": 2})
        self.assertEqual(len(second.context["page"].object_list), 2)

    def test_the_query_count_does_not_grow_with_the_results(self):
        def queries():
            with CaptureQueriesContext(connection) as captured:
                self.client.get(self.url, {"q": "wywoz smieci"})
            return len(captured)

        for i in range(3):
            self.open(f"Wywóz śmieci {i}")
        self.client.get(self.url, {"q": "wywoz smieci"})  # index them
        few = queries()
        for i in range(10):
            self.open(f"Wywóz śmieci {i}")
        self.client.get(self.url, {"q": "wywoz smieci"})
        self.assertEqual(queries(), few)

    def test_phone_digits(self):
        self.assertEqual(phone_digits("+48 600 100 200"), "600100200")
        self.assertEqual(phone_digits("600-100"), "600100")
        self.assertEqual(phone_digits("12345"), "")
        self.assertEqual(phone_digits("wywóz 600100"), "")


class CaseReferenceTestCase(BaseTestCase):
    def setUp(self):
        self.client.force_login(self.alice)
        self.case, _m, _c = services.open_conversation(self.gmina, body="Pytanie")
        self.foreign, _m, _c = services.open_conversation(
            self.other_gmina, body="Sprawa z Brzezia o numerze"
        )
        self.inbox = reverse("messenger-inbox", args=[self.gmina.pk])
        self.conversation = reverse("messenger-conversation", args=[self.case.pk])

    def test_the_inbox_search_opens_the_case(self):
        for text in (
            self.case.reference,
            f"sprawa {self.case.reference.lower()} pilne",
            f"RZ/{self.case.year}/{self.case.number}",
        ):
            with self.subTest(text=text):
                response = self.client.get(self.inbox, {"q": text})
                self.assertRedirects(response, self.conversation)

    def test_the_admin_search_box_opens_the_case(self):
        search = reverse("wagtailadmin_pages:search")
        self.assertEqual(search, "/admin/pages/search/")

        response = self.client.get(search, {"q": self.case.reference})

        self.assertRedirects(response, self.conversation)

    def test_the_admin_search_still_searches_pages(self):
        response = self.client.get(reverse("wagtailadmin_pages:search"), {"q": "x"})

        self.assertEqual(response.status_code, 200)
        # "Rozmowy" is among the search areas, after the pages.
        areas = [
            area.name
            for area in admin_search_areas.search_items_for_request(
                response.wsgi_request
            )
        ]
        self.assertLess(areas.index("pages"), areas.index("rozmowy"))
        self.assertContains(response, f'href="{reverse("messenger-inbox-index")}?q=x"')

    def test_the_search_area_searches_the_inbox(self):
        response = self.client.get(reverse("messenger-inbox-index"), {"q": "pytanie"})

        self.assertRedirects(response, f"{self.inbox}?q=pytanie")

    def test_another_gminas_reference_is_not_found(self):
        # Both gminas' first case: make the numbers differ.
        Conversation.objects.filter(pk=self.foreign.pk).update(
            number=77, reference=services.case_reference(self.foreign.year, 77)
        )
        foreign = services.case_reference(self.foreign.year, 77)

        response = self.client.get(self.inbox, {"q": foreign})

        self.assertEqual(response.status_code, 200)
        self.assertContains(response, f"Nie znaleziono sprawy {foreign}")
        self.assertEqual(list(response.context["page"].object_list), [])
        self.assertNotContains(response, "Brzezi")
        for url in (
            reverse("wagtailadmin_pages:search"),
            reverse("messenger-inbox-index"),
        ):
            with self.subTest(url=url):
                response = self.client.get(url, {"q": foreign}, follow=True)
                self.assertEqual(response.status_code, 200)
                self.assertNotIn(
                    reverse("messenger-conversation", args=[self.foreign.pk]),
                    [url for url, _status in response.redirect_chain],
                )
                self.assertContains(response, f"Nie znaleziono sprawy {foreign}")
                self.assertNotContains(response, "Brzezi")

    def test_the_same_number_in_another_gmina_opens_only_ones_own(self):
        # Both gminas' first case of the year is RZ/<year>/000001.
        self.assertEqual(self.case.reference, self.foreign.reference)

        response = self.client.get(
            reverse("wagtailadmin_pages:search"), {"q": self.case.reference}
        )

        self.assertRedirects(response, self.conversation)
        self.client.force_login(self.charlie)
        response = self.client.get(
            reverse("wagtailadmin_pages:search"), {"q": self.case.reference}
        )
        self.assertRedirects(
            response, reverse("messenger-conversation", args=[self.foreign.pk])
        )

    def test_a_user_of_several_gminas_picks_where_a_shared_number_is(self):
        self.client.force_login(self.admin)

        response = self.client.get(
            reverse("messenger-inbox-index"), {"q": self.case.reference}
        )

        self.assertTemplateUsed(response, "messenger/admin/pick_gmina.html")
        query = f"?q={self.case.reference.replace('/', '%2F')}"
        self.assertContains(response, f"{self.inbox}{query}")


class DefaultAndRememberedFiltersTestCase(BaseTestCase):
    def setUp(self):
        self.client.force_login(self.alice)
        self.url = reverse("messenger-inbox", args=[self.gmina.pk])
        self.open_case, _m, _c = services.open_conversation(self.gmina, body="Otwarta")
        self.waiting, _m, _c = services.open_conversation(self.gmina, body="Czeka")
        services.set_status(self.waiting, Conversation.Status.WAITING)
        self.resolved, _m, _c = services.open_conversation(self.gmina, body="Gotowe")
        services.set_status(self.resolved, Conversation.Status.RESOLVED)

    def listed(self, **query):
        response = self.client.get(self.url, query)
        self.assertEqual(response.status_code, 200)
        return {c.pk for c in response.context["page"].object_list}

    def test_the_default_shows_open_and_waiting_not_resolved(self):
        self.assertEqual(self.listed(), {self.open_case.pk, self.waiting.pk})
        self.assertEqual(self.listed(status="active"), self.listed())
        self.assertEqual(
            self.listed(status="all"),
            {self.open_case.pk, self.waiting.pk, self.resolved.pk},
        )
        self.assertEqual(self.listed(status="resolved"), {self.resolved.pk})

    def test_the_filters_remember_their_last_state(self):
        self.assertEqual(self.listed(status="resolved"), {self.resolved.pk})

        self.assertEqual(self.listed(), {self.resolved.pk})
        response = self.client.get(self.url)
        self.assertContains(response, 'value="resolved" selected')
        self.assertContains(response, "Wyczyść filtry")
        # The live fragment carries them in its address.
        self.assertContains(response, "?status=resolved&amp;fragment=1")

    def test_a_search_goes_with_the_remembered_filters_and_is_not_remembered(self):
        self.listed(status="resolved")

        self.assertEqual(self.listed(q="gotowe"), {self.resolved.pk})
        self.assertEqual(self.listed(q="otwarta"), set())
        response = self.client.get(self.url)
        self.assertNotContains(response, 'value="gotowe"')

    def test_the_live_fragment_does_not_change_what_is_remembered(self):
        self.listed(status="resolved")

        self.client.get(self.url, {"status": "all", "fragment": 1})

        self.assertEqual(self.listed(), {self.resolved.pk})

    def test_the_reset_link_brings_back_the_default(self):
        self.listed(status="resolved", assignee="none")

        response = self.client.get(self.url, {"reset": 1})

        self.assertRedirects(response, self.url)
        self.assertEqual(self.listed(), {self.open_case.pk, self.waiting.pk})
        self.assertNotContains(self.client.get(self.url), "Wyczyść filtry")

    def test_each_gmina_and_each_staff_member_remembers_their_own(self):
        self.listed(status="resolved")
        self.client.force_login(self.admin)
        other = reverse("messenger-inbox", args=[self.other_gmina.pk])

        self.assertEqual(
            self.listed(), {self.open_case.pk, self.waiting.pk}, "another user"
        )
        self.client.get(other, {"status": "all"})
        self.assertEqual(
            self.listed(), {self.open_case.pk, self.waiting.pk}, "another gmina"
        )

    def test_a_stale_remembered_filter_falls_back_to_the_default(self):
        odpady = make_category(self.gmina, "Odpady")
        self.listed(category=odpady.pk, status="all")
        odpady.delete()

        response = self.client.get(self.url)

        self.assertEqual(response.status_code, 200)
        self.assertEqual(
            {c.pk for c in response.context["page"].object_list},
            {self.open_case.pk, self.waiting.pk},
        )
