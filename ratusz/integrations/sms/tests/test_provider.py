"""The SMS integration is the provider of following by SMS."""

from ratusz.fans import providers
from ratusz.integrations.sms.models import InboundSms, SmsSettings
from ratusz.integrations.sms.services import SmsProvider
from ratusz.outbox.models import Channel

from .base import SmsTestCase, make_sms_follower


class SmsProviderTests(SmsTestCase):
    def test_it_is_registered_when_the_app_is_ready(self):
        self.assertIsInstance(providers.get(Channel.SMS), SmsProvider)

    def test_it_is_available_while_the_token_works(self):
        provider = providers.get(Channel.SMS)
        self.assertTrue(provider.is_available(self.gmina))
        self.assertFalse(provider.is_available(self.other_gmina))
        SmsSettings.objects.filter(pk=self.config.pk).update(token_error="zły token")
        self.assertFalse(provider.is_available(self.gmina))

    def test_it_sends_a_code_through_smsapi(self):
        providers.get(Channel.SMS).send_code(
            self.gmina, "+48600123456", "123456 to kod", idx="kod-1"
        )
        [sms] = self.api.sent
        self.assertEqual(sms["to"], "48600123456")
        self.assertEqual(sms["idx"], "kod-1")

    def test_it_finds_and_forgets_what_a_number_sent_however_written(self):
        follower = make_sms_follower(self.gmina, "+48600123456")
        for n, sender in enumerate(["48600123456", "+48 600 123 456", "48600999888"]):
            InboundSms.objects.create(
                gmina=self.gmina, provider_id=f"MO{n}", sender=sender, text="STOP"
            )
        provider = providers.get(Channel.SMS)
        self.assertEqual(
            [m.sender for m in provider.received_from(follower)],
            ["48600123456", "+48 600 123 456"],
        )
        provider.forget_received_from(follower)
        self.assertEqual(
            list(InboundSms.objects.values_list("sender", flat=True)), ["48600999888"]
        )
