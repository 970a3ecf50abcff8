"""The messenger asks the networks through `messenger.networks`, never by import."""

import json
from unittest import mock

from ratusz.integrations.facebook.models import FacebookPage
from ratusz.messenger import inbound, networks
from ratusz.messenger.models import Conversation, InboundEvent
from ratusz.test import BaseTestCase

PAGE_ID = "104512345678901"


def facebook_event(mid="m_1"):
    event = {"sender": {"id": "2468"}, "message": {"mid": mid, "text": "Dzień dobry"}}
    return InboundEvent.objects.create(
        source=InboundEvent.Source.FACEBOOK,
        external_id=mid,
        payload=json.dumps({"page_id": PAGE_ID, "event": event}),
    )


class NetworksTests(BaseTestCase):
    def test_facebook_registers_itself(self):
        facebook = networks.network(Conversation.Source.FACEBOOK)
        self.assertIsNotNone(facebook)
        FacebookPage.objects.create(gmina=self.gmina, page_id=PAGE_ID)
        self.assertEqual(facebook.page_owners(PAGE_ID), [self.gmina])
        self.assertEqual(facebook.page_owners("999999"), [])
        self.assertIsNone(networks.network(Conversation.Source.EMAIL))

    def test_an_event_of_a_network_not_installed_fails_with_a_reason(self):
        FacebookPage.objects.create(gmina=self.gmina, page_id=PAGE_ID)
        event = facebook_event()
        with mock.patch.dict(networks._networks, clear=True):
            self.assertEqual(inbound.process_event(event.pk), InboundEvent.State.FAILED)
        event.refresh_from_db()
        self.assertIn("nie jest zainstalowana", event.error)
        self.assertFalse(Conversation.objects.exists())

    def test_an_event_reaches_the_gmina_the_network_names(self):
        FacebookPage.objects.create(gmina=self.gmina, page_id=PAGE_ID)
        event = facebook_event()
        self.assertEqual(inbound.process_event(event.pk), InboundEvent.State.DONE)
        conversation = Conversation.objects.get()
        self.assertEqual(conversation.gmina, self.gmina)
        self.assertEqual(conversation.source, Conversation.Source.FACEBOOK)
