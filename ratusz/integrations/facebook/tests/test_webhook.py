"""The Messenger webhook: handshake, signatures, duplicates, and the way from
a page message to a staff reply received by the Send API fake."""

import hashlib
import hmac
import importlib
import json
import time

import time_machine
from django.apps import apps
from django.db import connection
from django.test import TransactionTestCase, override_settings
from django.urls import reverse

from ratusz.integrations.facebook.models import FacebookPage
from ratusz.messenger import services
from ratusz.messenger.models import Conversation, InboundEvent, Message
from ratusz.outbox import services as outbox
from ratusz.outbox.models import Delivery
from ratusz.test import BaseTestCase, make_gmina

from .fake_send_api import FakeSendApiServer

SECRET = "app-secret-for-tests"
VERIFY = "verify-token-for-tests"
PAGE_ID = "104512345678901"
PSID = "2468013579"


def signed(body: bytes, secret: str = SECRET) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def message_event(mid="m_1", text="Dzień dobry, kiedy wywóz śmieci?", **message):
    return {
        "sender": {"id": PSID},
        "recipient": {"id": PAGE_ID},
        "timestamp": int(time.time() * 1000),
        "message": {"mid": mid, "text": text, **message},
    }


def webhook_body(*events, page_id=PAGE_ID) -> bytes:
    return json.dumps(
        {
            "object": "page",
            "entry": [
                {
                    "id": page_id,
                    "time": int(time.time() * 1000),
                    "messaging": list(events),
                }
            ],
        }
    ).encode()


@override_settings(FACEBOOK_APP_SECRET=SECRET, FACEBOOK_VERIFY_TOKEN=VERIFY)
class WebhookTestCase(BaseTestCase):
    url = "/integracje/facebook/messenger/"

    def setUp(self):
        super().setUp()
        self.config = FacebookPage.objects.create(
            gmina=self.gmina, page_id=PAGE_ID, access_token="EAAPageToken-ok-SeCrEtXyZq"
        )

    def post(self, body: bytes, signature: str | None = "auto", **headers):
        if signature == "auto":
            signature = signed(body)
        if signature is not None:
            headers["HTTP_X_HUB_SIGNATURE_256"] = signature
        with self.captureOnCommitCallbacks(execute=True):
            return self.client.post(
                self.url, body, content_type="application/json", **headers
            )


class HandshakeTests(WebhookTestCase):
    def test_it_echoes_the_challenge_for_the_right_token(self):
        self.assertEqual(reverse("facebook-messenger-webhook"), self.url)
        response = self.client.get(
            self.url,
            {
                "hub.mode": "subscribe",
                "hub.verify_token": VERIFY,
                "hub.challenge": "1158201444",
            },
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.content, b"1158201444")
        self.assertIn("no-store", response["Cache-Control"])

    def test_it_refuses_a_wrong_token_or_mode(self):
        for params in (
            {"hub.mode": "subscribe", "hub.verify_token": "zly", "hub.challenge": "1"},
            {
                "hub.mode": "unsubscribe",
                "hub.verify_token": VERIFY,
                "hub.challenge": "1",
            },
            {},
        ):
            self.assertEqual(self.client.get(self.url, params).status_code, 403)

    @override_settings(FACEBOOK_VERIFY_TOKEN="")
    def test_no_token_configured_refuses_everything(self):
        params = {"hub.mode": "subscribe", "hub.verify_token": "", "hub.challenge": "1"}
        self.assertEqual(self.client.get(self.url, params).status_code, 403)


class SignatureTests(WebhookTestCase):
    def test_a_good_signature_stores_the_event(self):
        response = self.post(webhook_body(message_event()))
        self.assertEqual(response.status_code, 200)
        event = InboundEvent.objects.get()
        self.assertEqual((event.source, event.external_id), ("facebook", "m_1"))

    def test_a_wrong_or_missing_signature_stores_nothing(self):
        body = webhook_body(message_event())
        for signature in (
            None,
            "",
            signed(body, "inny-sekret"),
            signed(body + b" "),
            "sha1=" + hashlib.sha1(body).hexdigest(),
            signed(body).upper(),  # "SHA256=": not the documented form
        ):
            self.assertEqual(self.post(body, signature).status_code, 403, signature)
        self.assertFalse(InboundEvent.objects.exists())
        self.assertFalse(Conversation.objects.exists())

    @override_settings(FACEBOOK_APP_SECRET="")
    def test_without_a_secret_nothing_is_accepted(self):
        body = webhook_body(message_event())
        self.assertEqual(self.post(body, signed(body, "")).status_code, 403)
        self.assertFalse(InboundEvent.objects.exists())

    def test_a_huge_body_is_refused(self):
        body = b'{"object": "page", "x": "' + b"a" * (1024 * 1024) + b'"}'
        self.assertEqual(self.post(body).status_code, 413)
        self.assertFalse(InboundEvent.objects.exists())

    def test_bad_json_is_a_400_not_a_500(self):
        self.assertEqual(self.post(b"{nie json").status_code, 400)

    def test_other_methods_are_refused(self):
        self.assertEqual(self.client.put(self.url).status_code, 405)


class EventTests(WebhookTestCase):
    def test_a_page_message_opens_a_conversation(self):
        self.post(webhook_body(message_event()))
        conversation = Conversation.objects.get()
        self.assertEqual(conversation.gmina, self.gmina)
        self.assertEqual(
            (conversation.source, conversation.external_id), ("facebook", PSID)
        )
        message = conversation.messages.get(author=Message.Author.RESIDENT)
        self.assertEqual(message.body, "Dzień dobry, kiedy wywóz śmieci?")
        self.assertEqual((message.channel, message.external_id), ("facebook", "m_1"))
        self.assertEqual(InboundEvent.objects.get().state, InboundEvent.State.DONE)
        # No e-mail or SMS for a Messenger conversation (outside office
        # hours the automatic reply goes out on Messenger).
        self.assertFalse(Delivery.objects.exclude(channel="messenger").exists())

    def test_the_next_message_joins_the_open_conversation(self):
        self.post(webhook_body(message_event()))
        self.post(webhook_body(message_event("m_2", "A gabaryty?")))
        conversation = Conversation.objects.get()
        self.assertEqual(
            list(
                conversation.messages.filter(author="resident").values_list(
                    "body", flat=True
                )
            ),
            ["Dzień dobry, kiedy wywóz śmieci?", "A gabaryty?"],
        )
        services.set_status(conversation, Conversation.Status.RESOLVED)
        self.post(webhook_body(message_event("m_3", "Nowa sprawa")))
        self.assertEqual(Conversation.objects.count(), 2)

    def test_duplicates_are_dropped(self):
        body = webhook_body(message_event(), message_event())
        self.post(body)
        self.post(body)
        self.assertEqual(InboundEvent.objects.count(), 1)
        self.assertEqual(Message.objects.filter(author="resident").count(), 1)

    def test_echoes_reads_and_deliveries_are_ignored(self):
        echo = message_event("m_echo", "Odpowiedź strony", is_echo=True)
        echo["sender"], echo["recipient"] = {"id": PAGE_ID}, {"id": PSID}
        read = {
            "sender": {"id": PSID},
            "recipient": {"id": PAGE_ID},
            "read": {"watermark": 1},
        }
        delivery = {
            "sender": {"id": PSID},
            "recipient": {"id": PAGE_ID},
            "delivery": {"mids": ["m_1"], "watermark": 1},
        }
        self.assertEqual(self.post(webhook_body(echo, read, delivery)).status_code, 200)
        self.assertFalse(InboundEvent.objects.exists())
        self.assertFalse(Conversation.objects.exists())

    def test_attachments_become_a_note_with_the_url_unfetched(self):
        event = message_event(text="")
        del event["message"]["text"]
        event["message"]["attachments"] = [
            {
                "type": "image",
                "payload": {"url": "https://scontent.xx.fbcdn.net/v/1.jpg"},
            },
            {"type": "file", "payload": {"url": "javascript:alert(1)"}},
        ]
        self.post(webhook_body(event))
        body = Message.objects.get(author="resident").body
        self.assertEqual(
            body,
            "[Mieszkaniec wysłał zdjęcie: https://scontent.xx.fbcdn.net/v/1.jpg]\n"
            "[Mieszkaniec wysłał plik]",
        )

    def test_an_unknown_page_fails_with_a_reason(self):
        with self.assertLogs("ratusz.messenger.inbound", "WARNING") as logs:
            self.post(webhook_body(message_event(), page_id="999999999"))
        self.assertIn("'999999999' refused", logs.output[0])
        event = InboundEvent.objects.get()
        self.assertEqual(event.state, InboundEvent.State.FAILED)
        self.assertIn("999999999", event.error)
        self.assertFalse(Conversation.objects.exists())


@override_settings(FACEBOOK_APP_SECRET=SECRET)
class PagesSavedBeforeIdsWereUniqueTests(TransactionTestCase):
    """Two gminas with one Page id (rows from before the unique constraint):
    their messages go to nobody until the migration keeps the first one."""

    serialized_rollback = True  # the tests after it need the migrated data

    def setUp(self):
        self.constraint = FacebookPage._meta.constraints[0]
        with connection.schema_editor() as editor:
            editor.remove_constraint(FacebookPage, self.constraint)
        self.addCleanup(self.restore_constraint)
        self.first, self.second = make_gmina("Gmina Zawada"), make_gmina("Gmina Obca")
        for gmina in (self.first, self.second):
            FacebookPage.objects.create(gmina=gmina, page_id=PAGE_ID, access_token="x")

    def restore_constraint(self):
        FacebookPage.objects.all().delete()
        with connection.schema_editor() as editor:
            editor.add_constraint(FacebookPage, self.constraint)

    def post(self, body: bytes):
        return self.client.post(
            "/integracje/facebook/messenger/",
            body,
            content_type="application/json",
            HTTP_X_HUB_SIGNATURE_256=signed(body),
        )

    def test_an_ambiguous_page_is_refused_until_the_migration_picks_the_oldest(self):
        with self.assertLogs("ratusz.messenger.inbound", "WARNING") as logs:
            self.post(webhook_body(message_event(mid="m_1")))
        self.assertIn("2 gminas have that page", logs.output[0])
        event = InboundEvent.objects.get()
        self.assertEqual(event.state, InboundEvent.State.FAILED)
        self.assertIn("przypisana do kilku gmin", event.error)
        self.assertFalse(Conversation.objects.exists())

        migration = importlib.import_module(
            "ratusz.integrations.facebook.migrations.0002_clear_duplicate_page_ids"
        )
        migration.clear_duplicates(apps, None)
        kept = FacebookPage.objects.exclude(page_id="").get()
        self.assertEqual(kept.gmina, self.first)

        self.post(webhook_body(message_event(mid="m_2")))
        self.assertEqual(Conversation.objects.get().gmina, self.first)


class EndToEndTests(WebhookTestCase):
    def test_a_staff_reply_reaches_the_send_api(self):
        server = FakeSendApiServer().__enter__()
        self.addCleanup(server.__exit__, None, None, None)
        api = server.api
        from datetime import UTC, datetime

        # A Tuesday morning: the office is open, no automatic reply.
        with (
            time_machine.travel(datetime(2026, 11, 24, 9, 0, tzinfo=UTC)),
            override_settings(
                FACEBOOK_GRAPH_URL=server.url, HTTP_ALLOW_PRIVATE_HOSTS=["127.0.0.1"]
            ),
        ):
            self.post(webhook_body(message_event()))
            api.user_wrote(PSID, datetime.now(UTC))
            conversation = Conversation.objects.get()
            reply, _ = services.reply(
                conversation, self.alice, "Wywóz jest w każdy wtorek."
            )
            outbox.deliver_due()
        self.assertEqual(api.problems, [])
        [sent] = api.sent
        self.assertEqual(
            (sent.psid, sent.text, sent.messaging_type, sent.tag),
            (PSID, "Wywóz jest w każdy wtorek.", "RESPONSE", ""),
        )
        row = Delivery.objects.get()
        self.assertEqual(
            (row.item, row.channel, row.state, row.remote_id),
            (f"message:{reply.pk}", "messenger", "sent", sent.id),
        )
