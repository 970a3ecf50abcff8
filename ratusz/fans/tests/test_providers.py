"""Following asks a channel's provider only what the provider knows."""

from django.core.cache import cache

from ratusz.fans import following, providers
from ratusz.fans.models import ChannelState, Consent, Follower
from ratusz.outbox.models import Channel
from ratusz.test import BaseTestCase


class FakeSms(providers.Provider):
    def __init__(self, *, refuse: str = ""):
        self.sent = []
        self.refuse = refuse

    def is_available(self, gmina) -> bool:
        return True

    def send_code(self, gmina, to, text, *, idx):
        if self.refuse:
            raise providers.CodeNotSent(self.refuse)
        self.sent.append({"to": to, "text": text, "idx": idx})


class ProviderRegistryTests(BaseTestCase):
    def use(self, provider):
        registered = providers.get(Channel.SMS)
        providers.register(Channel.SMS, provider)
        self.addCleanup(providers.register, Channel.SMS, registered)
        cache.clear()
        self.addCleanup(cache.clear)
        return provider

    def test_a_channel_nobody_provides_is_not_offered_and_keeps_nothing(self):
        nobody = providers.get("carrier-pigeon")
        self.assertFalse(nobody.is_available(self.gmina))
        follower = Follower.objects.create(gmina=self.gmina, phone="+48600123456")
        self.assertEqual(list(nobody.received_from(follower)), [])

    def test_the_sms_flow_sends_its_code_through_the_registered_provider(self):
        fake = self.use(FakeSms())
        token = following.start_sms_follow(
            self.gmina, "+48600123456", ip="192.0.2.1", source="test"
        )
        follower = Follower.objects.get(phone="+48600123456")
        self.assertEqual(follower.phone_state, ChannelState.PENDING)
        confirmation = following.find_sms_confirmation(self.gmina, token)
        [sms] = fake.sent
        self.assertEqual(sms["to"], "+48600123456")
        self.assertEqual(sms["idx"], f"kod-{confirmation.pk}")
        code = sms["text"][:6]
        self.assertIn("kod potwierdzenia", sms["text"])

        result = following.confirm_sms_code(confirmation, token, code, source="test")

        self.assertTrue(result.ok)
        follower.refresh_from_db()
        self.assertEqual(follower.phone_state, ChannelState.ACTIVE)
        self.assertEqual(
            list(follower.consents.values_list("action", flat=True)),
            [Consent.Action.GIVEN, Consent.Action.CONFIRMED],
        )

    def test_the_providers_reason_reaches_the_resident(self):
        self.use(FakeSms(refuse="Operator nie przyjął tego numeru."))
        with self.assertRaisesMessage(
            following.SignupError, "Operator nie przyjął tego numeru."
        ):
            following.start_sms_follow(
                self.gmina, "+48600123456", ip="192.0.2.1", source="test"
            )

    def test_without_a_provider_nobody_signs_up_for_sms(self):
        self.use(providers.Provider())
        self.assertFalse(following.is_sms_available(self.gmina))
        with self.assertRaisesMessage(following.SignupError, "nie wysyła jeszcze"):
            following.start_sms_follow(
                self.gmina, "+48600123456", ip="192.0.2.1", source="test"
            )
        self.assertFalse(Follower.objects.exists())
