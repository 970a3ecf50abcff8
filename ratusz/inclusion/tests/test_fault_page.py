"""QR label → "Zgłoś usterkę" → a messenger conversation about the item,
shown in the item's history and in the staff conversation."""

from django.core.cache import cache
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import translation

from ratusz.gminas.models import Membership
from ratusz.gminas.tests.factory import make_member
from ratusz.inclusion import equipment as register
from ratusz.inclusion import faults
from ratusz.inclusion.equipment import Equipment, Status
from ratusz.inclusion.faults import FaultReport
from ratusz.inclusion.tests.factory import (
    hand_over,
    make_household,
    make_item,
    make_programme,
)
from ratusz.messenger import services as messenger
from ratusz.messenger.models import Conversation, Message
from ratusz.test import BaseTestCase


class LabelTokenTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.programme = make_programme(cls.gmina)

    def test_every_item_gets_its_own_unguessable_token(self):
        items = [
            make_item(self.gmina, self.programme, f"EI/{n:03d}") for n in range(50)
        ]
        tokens = {item.label_token for item in items}
        self.assertEqual(len(tokens), 50)
        for item in items:
            # 128 random bits in URL-safe base64, not the id in any form.
            self.assertEqual(len(item.label_token), 22)
            self.assertRegex(item.label_token, r"^[A-Za-z0-9_-]{22}$")
            self.assertNotIn(str(item.pk), {item.label_token, item.label_token[:3]})
        # The form cannot set it: it is not editable.
        self.assertFalse(Equipment._meta.get_field("label_token").editable)

    def test_the_label_url_is_on_the_items_gmina_host(self):
        item = make_item(self.gmina, self.programme)
        other = make_item(self.other_gmina, make_programme(self.other_gmina))
        self.assertEqual(
            faults.label_url(item),
            f"http://localhost/zglos-usterke/{item.label_token}/",
        )
        self.assertEqual(
            faults.label_url(other),
            f"http://brzezie.localhost/zglos-usterke/{other.label_token}/",
        )
        self.assertEqual(
            faults.short_url(item), f"localhost/zglos-usterke/{item.label_token}/"
        )

    def test_the_label_url_is_polish_in_an_english_admin(self):
        item = make_item(self.gmina, self.programme)
        with translation.override("en"):
            self.assertNotIn("/en/", faults.label_url(item))


class FaultPageTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.cora = make_member(cls.gmina, "cora", Membership.Role.COORDINATOR)
        cls.programme = make_programme(cls.gmina)
        cls.household = make_household(
            cls.gmina,
            cls.programme,
            "Brzęczyszczykiewicz",
            first_name="Grzegorz",
            address="ul. Tajna 7",
            phone="+48 600 700 800",
        )
        cls.item = make_item(cls.gmina, cls.programme, "EI/042", model="Dell E6410")
        hand_over(cls.household, cls.item)

    def setUp(self):
        cache.clear()

    def url(self, item=None):
        return f"/zglos-usterke/{(item or self.item).label_token}/"

    def post(self, client=None, **data):
        payload = {
            "body": "Laptop się nie włącza.",
            "name": "Jan",
            "client_id": "fault-submit-0001",
        }
        payload.update(data)
        return (client or self.client).post(self.url(), payload)

    def test_the_page_names_the_item_and_nothing_of_its_household(self):
        response = self.client.get(self.url())
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Zgłoś usterkę")
        self.assertContains(response, "EI/042")
        self.assertContains(response, "Laptop Dell E6410")
        for private in [
            "Brzęczyszczykiewicz",
            "Grzegorz",
            "Tajna",
            "700 800",
            self.programme.name,
            self.item.serial_number,
            "PP/2026/",
        ]:
            self.assertNotContains(response, private)
        self.assertContains(response, 'name="csrfmiddlewaretoken"')
        self.assertContains(response, f'action="{self.url()}"')
        self.assertEqual(response["X-Robots-Tag"], "noindex")
        self.assertIn("no-cache", response["Cache-Control"])
        # No inline scripts or handlers: the strict CSP would block them.
        self.assertNotIn(b"<script>", response.content)
        self.assertNotIn(b"onclick", response.content)

    def test_a_report_opens_a_linked_conversation_and_its_private_page(self):
        response = self.post(email="jan@example.pl", consent="1")
        conversation = Conversation.objects.get()
        self.assertEqual(response.status_code, 303)
        self.assertEqual(response["Location"], f"/napisz/r/{conversation.token}/")
        self.assertEqual(conversation.gmina, self.gmina)
        self.assertEqual(conversation.subject, "Usterka sprzętu EI/042")
        self.assertEqual(conversation.resident_email, "jan@example.pl")
        message = conversation.messages.get(author=Message.Author.RESIDENT)
        self.assertEqual(message.body, "Laptop się nie włącza.")
        report = FaultReport.objects.get()
        self.assertEqual(
            (report.equipment, report.conversation), (self.item, conversation)
        )
        page = self.client.get(response["Location"])
        self.assertContains(page, conversation.reference)

    def test_a_double_submit_opens_one_linked_conversation(self):
        first = self.post()
        again = self.post()
        self.assertEqual(first["Location"], again["Location"])
        self.assertEqual(Conversation.objects.count(), 1)
        self.assertEqual(FaultReport.objects.count(), 1)

    def test_the_form_validates_like_the_messenger(self):
        response = self.post(body="   ")
        self.assertContains(response, "Wpisz treść wiadomości.", status_code=400)
        response = self.post(email="jan@example.pl")
        self.assertContains(response, "Zaznacz zgodę", status_code=400)
        self.assertContains(response, "EI/042", status_code=400)
        self.assertFalse(Conversation.objects.exists())

    def test_the_honeypot_opens_nothing(self):
        response = self.post(website="http://spam.example/")
        self.assertContains(response, "Dziękujemy")
        self.assertFalse(FaultReport.objects.exists())

    @override_settings(MESSENGER_RATE_PER_IP=2)
    def test_it_shares_the_messengers_limit_per_address(self):
        self.client.post("/napisz/", {"body": "Pytanie", "client_id": "general-0001"})
        self.assertEqual(self.post(client_id="fault-submit-0001").status_code, 303)
        response = self.post(client_id="fault-submit-0002")
        self.assertContains(response, "Za dużo wiadomości", status_code=429)
        self.assertEqual(FaultReport.objects.count(), 1)

    def test_a_post_without_the_csrf_token_is_refused(self):
        client = Client(enforce_csrf_checks=True)
        response = self.post(client=client)
        self.assertEqual(response.status_code, 403)
        self.assertFalse(Conversation.objects.exists())

    def test_an_unknown_or_malformed_token_is_404(self):
        for token in ["A" * 22, "x", "../../admin", str(self.item.pk)]:
            with self.subTest(token=token):
                response = self.client.get(f"/zglos-usterke/{token}/")
                self.assertEqual(response.status_code, 404)
        self.assertEqual(
            self.client.post("/zglos-usterke/" + "B" * 22 + "/").status_code, 404
        )

    def test_another_gminas_label_is_404_on_this_site(self):
        other = make_item(self.other_gmina, make_programme(self.other_gmina))
        self.assertEqual(self.client.get(self.url(other)).status_code, 404)
        on_its_site = self.client.get(self.url(other), HTTP_HOST="brzezie.localhost")
        self.assertEqual(on_its_site.status_code, 200)

    def test_a_written_off_item_says_what_to_do_and_takes_no_report(self):
        item = make_item(self.gmina, self.programme, "EI/099")
        register.change_status(item, Status.WRITTEN_OFF)
        response = self.client.get(self.url(item))
        self.assertContains(response, "wycofany z użytku")
        self.assertContains(response, 'href="/napisz/"')
        self.assertNotContains(response, 'name="body"')
        response = self.client.post(
            self.url(item), {"body": "Nie działa", "client_id": "retired-000001"}
        )
        self.assertEqual(response.status_code, 410)
        self.assertFalse(Conversation.objects.exists())

    def test_a_lost_item_still_takes_a_report(self):
        register.change_status(self.item, Status.LOST)
        response = self.post(body="Znalazłem ten laptop na przystanku.")
        self.assertEqual(response.status_code, 303)
        self.assertEqual(FaultReport.objects.get().equipment, self.item)

    def test_the_report_is_in_the_items_history_and_the_staff_conversation(self):
        self.post()
        conversation = Conversation.objects.get()
        register.change_status(self.item, Status.IN_REPAIR, note="serwis")
        self.client.force_login(self.cora)
        detail = self.client.get(
            reverse("inclusion-equipment", args=[self.gmina.pk, self.item.pk])
        )
        conversation_url = reverse("messenger-conversation", args=[conversation.pk])
        self.assertContains(detail, f'href="{conversation_url}"')
        self.assertContains(detail, conversation.reference)
        # In time order with the status events: the repair came after.
        kinds = [
            "report" if entry.report else entry.event.to_status
            for entry in detail.context["history"]
        ]
        self.assertEqual(
            kinds, [Status.IN_REPAIR, "report", Status.LENT, Status.IN_STOCK]
        )
        staff = self.client.get(conversation_url)
        item_url = reverse("inclusion-equipment", args=[self.gmina.pk, self.item.pk])
        self.assertContains(staff, "Dotyczy sprzętu")
        self.assertContains(staff, f'<a href="{item_url}">EI/042</a>', html=True)

    def test_an_editor_sees_the_item_named_but_not_linked(self):
        self.post()
        conversation = Conversation.objects.get()
        self.client.force_login(self.alice)
        response = self.client.get(
            reverse("messenger-conversation", args=[conversation.pk])
        )
        self.assertContains(response, "Dotyczy sprzętu")
        self.assertContains(response, "EI/042")
        item_url = reverse("inclusion-equipment", args=[self.gmina.pk, self.item.pk])
        self.assertNotContains(response, item_url)

    def test_an_ordinary_conversation_names_no_item(self):
        conversation, _m, _c = messenger.open_conversation(self.gmina, body="Pytanie")
        self.client.force_login(self.cora)
        response = self.client.get(
            reverse("messenger-conversation", args=[conversation.pk])
        )
        self.assertNotContains(response, "Dotyczy sprzętu")
