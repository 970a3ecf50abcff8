from django.core.cache import cache
from django.test import override_settings

from ratusz.fans.models import ChannelState, Follower
from ratusz.integrations.sms.models import SmsSettings
from ratusz.test import BaseTestCase

from .fake_smsapi import FakeSmsApiServer


def make_sms_follower(gmina, phone="+48600123456", **fields) -> Follower:
    fields.setdefault("phone_state", ChannelState.ACTIVE)
    return Follower.objects.create(gmina=gmina, phone=phone, **fields)


class SmsTestCase(BaseTestCase):
    """A gmina with SMSAPI connected to a loopback fake of SMSAPI."""

    def setUp(self):
        super().setUp()
        cache.clear()
        self.server = FakeSmsApiServer().__enter__()
        self.addCleanup(self.server.__exit__, None, None, None)
        self.api = self.server.api
        overrides = override_settings(
            SMSAPI_URL=self.server.url, HTTP_ALLOW_PRIVATE_HOSTS=["127.0.0.1"]
        )
        overrides.enable()
        self.addCleanup(overrides.disable)
        self.config = SmsSettings.objects.create(
            gmina=self.gmina, token="token-ok", sender="GminaZawada"
        )
