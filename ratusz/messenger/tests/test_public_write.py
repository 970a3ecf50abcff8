"""'Napisz do urzędu': the form, its errors, limits and a double submit."""

from django.core import signing
from django.core.cache import cache
from django.test import override_settings

from ratusz.messenger import challenge
from ratusz.messenger.forms import CONSENT_VERSION
from ratusz.messenger.models import Conversation, Message
from ratusz.test import BaseTestCase

URL = "/napisz/"


class WriteTests(BaseTestCase):
    def setUp(self):
        cache.clear()

    def _post(self, **data):
        payload = {"body": "Jak zgłosić odbiór gabarytów?", "client_id": ""}
        payload.update(data)
        return self.client.post(URL, payload)

    def test_every_page_links_to_the_form(self):
        response = self.client.get("/")
        self.assertContains(response, 'href="/napisz/"', count=2)

    def test_it_shows_the_form_with_the_rodo_clause(self):
        response = self.client.get(URL)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Informacja o przetwarzaniu danych osobowych")
        self.assertContains(response, "Administratorem Twoich danych jest Gmina Zawada")
        self.assertContains(response, 'name="website"')
        self.assertContains(response, 'name="consent" value="1"\n')
        self.assertNotContains(response, " checked")
        # A fresh submit id in every form, so a double submit is stored once.
        first = response.context["form"]["client_id"].value()
        second = self.client.get(URL).context["form"]["client_id"].value()
        self.assertGreaterEqual(len(first), 20)
        self.assertNotEqual(first, second)

    def test_it_opens_a_conversation_and_redirects_to_it(self):
        response = self._post(client_id="abcdefgh12345678", name="Jan Kowalski")
        conversation = Conversation.objects.get()
        self.assertEqual(response.status_code, 303)
        self.assertEqual(response["Location"], f"/napisz/r/{conversation.token}/")
        self.assertEqual(conversation.gmina, self.gmina)
        self.assertEqual(conversation.resident_name, "Jan Kowalski")
        self.assertEqual(conversation.notify, "")
        self.assertEqual(conversation.resident_email, "")
        message = conversation.messages.get(author=Message.Author.RESIDENT)
        self.assertEqual(message.body, "Jak zgłosić odbiór gabarytów?")
        self.assertEqual(message.client_id, "abcdefgh12345678")

    def test_a_double_submit_is_stored_once(self):
        first = self._post(client_id="same-submit-0001")
        for _ in range(4):
            again = self._post(client_id="same-submit-0001")
            self.assertEqual(again["Location"], first["Location"])
        self.assertEqual(Conversation.objects.count(), 1)
        self.assertEqual(Message.objects.filter(author="resident").count(), 1)

    def test_it_stores_the_notification_channel_with_consent(self):
        self._post(email="jan@example.pl", consent="1", client_id="with-consent-01")
        conversation = Conversation.objects.get()
        self.assertEqual(conversation.notify, Conversation.Notify.EMAIL)
        self.assertEqual(conversation.resident_email, "jan@example.pl")
        self.assertEqual(conversation.notify_consent_version, CONSENT_VERSION)
        self.assertIsNotNone(conversation.notify_consent_at)

        self._post(phone="600 123 456", consent="1", client_id="with-consent-02")
        sms = Conversation.objects.get(notify=Conversation.Notify.SMS)
        self.assertEqual(sms.resident_phone, "+48600123456")

    def test_a_contact_without_consent_is_an_error_and_keeps_the_text(self):
        response = self._post(
            body="Moje <b>pytanie</b> o podatek", email="jan@example.pl"
        )
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "Zaznacz zgodę", status_code=400)
        self.assertContains(
            response, "Moje &lt;b&gt;pytanie&lt;/b&gt; o podatek", status_code=400
        )
        self.assertContains(response, 'value="jan@example.pl"', status_code=400)
        self.assertFalse(Conversation.objects.exists())

    def test_consent_without_a_contact_is_an_error(self):
        response = self._post(consent="1")
        self.assertContains(response, "Podaj adres e-mail albo numer", status_code=400)
        self.assertFalse(Conversation.objects.exists())

    def test_bad_input_gets_polish_errors(self):
        cases = [
            ({"body": "   "}, "Wpisz treść wiadomości."),
            ({"body": "x" * 5001}, "najwyżej 5000 znaków (jest 5001)"),
            ({"email": "nie-adres", "consent": "1"}, "Podaj poprawny adres e-mail"),
            ({"phone": "123", "consent": "1"}, "Polski numer komórkowy ma 9 cyfr"),
            ({"name": "x" * 101}, "najwyżej 100 znaków"),
        ]
        for data, error in cases:
            with self.subTest(data=data):
                response = self._post(**data)
                self.assertContains(response, error, status_code=400)
                self.assertContains(response, 'role="alert"', status_code=400)
        self.assertFalse(Conversation.objects.exists())

    def test_the_honeypot_stores_nothing(self):
        response = self._post(website="http://spam.example/")
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Dziękujemy")
        self.assertFalse(Conversation.objects.exists())

    @override_settings(MESSENGER_RATE_PER_IP=3)
    def test_it_limits_one_address(self):
        for n in range(3):
            self.assertEqual(
                self._post(client_id=f"rate-limit-{n:04d}").status_code, 303
            )
        response = self._post(body="Czwarta wiadomość", client_id="rate-limit-9999")
        self.assertContains(response, "Za dużo wiadomości", status_code=429)
        self.assertContains(response, "Czwarta wiadomość", status_code=429)
        self.assertEqual(Conversation.objects.count(), 3)
        # Another address is not affected.
        other = self.client.post(
            URL,
            {"body": "Pytanie", "client_id": "other-address-1"},
            REMOTE_ADDR="10.0.0.9",
        )
        self.assertEqual(other.status_code, 303)

    @override_settings(MESSENGER_RATE_PER_GMINA=2, MESSENGER_RATE_PER_IP=100)
    def test_it_limits_one_gmina(self):
        for n in range(2):
            self.client.post(
                URL,
                {"body": "Pytanie", "client_id": f"per-gmina-{n:04d}"},
                REMOTE_ADDR=f"10.0.0.{n + 1}",
            )
        response = self.client.post(
            URL,
            {"body": "Pytanie", "client_id": "per-gmina-9999"},
            REMOTE_ADDR="10.0.1.1",
        )
        self.assertEqual(response.status_code, 429)
        self.assertEqual(Conversation.objects.count(), 2)

    @override_settings(MESSENGER_RATE_PER_IP=2)
    def test_an_ipv6_client_is_counted_by_its_64_network(self):
        for n in range(2):
            response = self.client.post(
                URL,
                {"body": "Pytanie", "client_id": f"ipv6-limit-{n:04d}"},
                REMOTE_ADDR=f"2001:db8:1:2::{n + 1}",
            )
            self.assertEqual(response.status_code, 303)
        # Another address of the same /64 is the same client...
        response = self.client.post(
            URL,
            {"body": "Pytanie", "client_id": "ipv6-limit-0003"},
            REMOTE_ADDR="2001:db8:1:2:ffff:ffff:ffff:fffe",
        )
        self.assertContains(response, "Za dużo wiadomości", status_code=429)
        # ...another /64 is another one.
        response = self.client.post(
            URL,
            {"body": "Pytanie", "client_id": "ipv6-limit-0004"},
            REMOTE_ADDR="2001:db8:1:3::1",
        )
        self.assertEqual(response.status_code, 303)

    @override_settings(MESSENGER_RATE_PER_GMINA=2, MESSENGER_RATE_PER_IP=100)
    def test_a_flooded_gmina_asks_a_question_instead_of_refusing_everyone(self):
        for n in range(2):
            self.client.post(
                URL,
                {"body": "Spam", "client_id": f"flood-{n:04d}"},
                REMOTE_ADDR=f"10.0.0.{n + 1}",
            )
        form = {"body": "Kiedy odbiór gabarytów?", "client_id": "resident-0001"}
        response = self.client.post(URL, form, REMOTE_ADDR="10.9.9.9")
        self.assertContains(response, "odpowiedz na pytanie", status_code=429)
        self.assertContains(response, "Kiedy odbiór gabarytów?", status_code=429)
        question = response.context["challenge"]
        numbers = signing.loads(question.token, salt=challenge.SALT)
        a, b = numbers["a"], numbers["b"]
        wrong = self.client.post(
            URL,
            {**form, "challenge": question.token, "answer": str(a + b + 1)},
            REMOTE_ADDR="10.9.9.9",
        )
        self.assertContains(wrong, "To nie jest dobra odpowiedź", status_code=429)
        self.assertEqual(Conversation.objects.count(), 2)
        right = self.client.post(
            URL,
            {**form, "challenge": question.token, "answer": str(a + b)},
            REMOTE_ADDR="10.9.9.9",
        )
        self.assertEqual(right.status_code, 303)
        self.assertEqual(Conversation.objects.count(), 3)
        # A solved question cannot be used again by a script.
        replay = self.client.post(
            URL,
            {
                "body": "Spam",
                "client_id": "flood-9999",
                "challenge": question.token,
                "answer": str(a + b),
            },
            REMOTE_ADDR="10.0.0.1",
        )
        self.assertEqual(replay.status_code, 429)
        self.assertEqual(Conversation.objects.count(), 3)

    def test_it_needs_csrf(self):
        client = self.client_class(enforce_csrf_checks=True)
        response = client.post(URL, {"body": "Pytanie"})
        self.assertEqual(response.status_code, 403)
        self.assertFalse(Conversation.objects.exists())
