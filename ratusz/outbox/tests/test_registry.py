"""Each owner registers its transport, composer and connection at start-up."""

from django.core.exceptions import ImproperlyConfigured
from django.test import SimpleTestCase

from ratusz.fans import messages as fan_messages
from ratusz.integrations.email.transport import Transport as EmailTransport
from ratusz.messenger import notifications
from ratusz.outbox import registry
from ratusz.outbox.models import Channel


class RegistryTestCase(SimpleTestCase):
    def test_every_channel_has_its_transport(self):
        for channel in Channel.values:
            self.assertIsNotNone(registry.transport_for(channel), channel)
        self.assertIs(registry.transport_for("email"), EmailTransport)
        self.assertIsNone(registry.transport_for("carrier-pigeon"))

    def test_each_planned_item_kind_has_its_composer(self):
        self.assertIs(registry.composer_for("article"), fan_messages.compose_article)
        self.assertIs(registry.composer_for("digest"), fan_messages.compose_digest)
        self.assertIs(registry.composer_for("message"), notifications.compose)

    def test_networks_a_gmina_connects_say_where(self):
        connections = registry.connections()
        self.assertEqual(set(connections), {"sms", "facebook", "mastodon"})
        self.assertEqual(connections["facebook"].settings_url, "facebook-settings")

    def test_a_second_owner_for_one_channel_is_refused(self):
        registry.register_transport("email", EmailTransport)  # same one: fine
        with self.assertRaises(ImproperlyConfigured):
            registry.register_transport("email", object)
        self.assertIs(registry.transport_for("email"), EmailTransport)
