from django.test import override_settings

from ratusz.integrations.facebook.models import FacebookPage
from ratusz.outbox.models import Delivery
from ratusz.test import BaseTestCase

from .fake_graph import FakeGraphServer


class FacebookTestCase(BaseTestCase):
    """Gmina A with its Page connected to a loopback fake of the Graph API."""

    def setUp(self):
        super().setUp()
        self.server = FakeGraphServer().__enter__()
        self.addCleanup(self.server.__exit__, None, None, None)
        self.api = self.server.api
        overrides = override_settings(
            FACEBOOK_GRAPH_URL=self.server.url,
            FACEBOOK_GRAPH_VERSION="v26.0",
            HTTP_ALLOW_PRIVATE_HOSTS=["127.0.0.1"],
        )
        overrides.enable()
        self.addCleanup(overrides.disable)
        self.config = FacebookPage.objects.create(
            gmina=self.gmina, page_id=self.api.page_id, access_token=self.api.token
        )

    def facebook_rows(self, article=None):
        rows = Delivery.objects.filter(channel="facebook")
        if article is not None:
            rows = rows.filter(page=article)
        return rows
