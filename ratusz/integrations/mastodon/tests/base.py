from django.test import override_settings

from ratusz.integrations.mastodon.models import MastodonAccount
from ratusz.outbox.models import Delivery
from ratusz.test import BaseTestCase

from .fake_mastodon import FakeMastodonServer


class MastodonTestCase(BaseTestCase):
    """Gmina A with its account connected to a loopback fake Mastodon."""

    def setUp(self):
        super().setUp()
        self.server = FakeMastodonServer().__enter__()
        self.addCleanup(self.server.__exit__, None, None, None)
        self.api = self.server.api
        overrides = override_settings(HTTP_ALLOW_PRIVATE_HOSTS=["127.0.0.1"])
        overrides.enable()
        self.addCleanup(overrides.disable)
        # Saved directly: the settings form accepts https only, and the fake
        # speaks plain HTTP on loopback.
        self.config = MastodonAccount.objects.create(
            gmina=self.gmina, instance_url=self.server.url, access_token=self.api.token
        )

    def mastodon_rows(self, article=None):
        rows = Delivery.objects.filter(channel="mastodon")
        if article is not None:
            rows = rows.filter(page=article)
        return rows
