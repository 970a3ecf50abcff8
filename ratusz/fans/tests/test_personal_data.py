"""The follower export has every field the personal-data registry says it
covers (SECURITY.md D22; the registry itself: ratusz/tests/test_personal_data.py)."""

from ratusz.fans import data_rights
from ratusz.fans.models import ChannelState, Follower, Rhythm
from ratusz.integrations.sms.models import InboundSms
from ratusz.lib import personal_data
from ratusz.test import BaseTestCase


def resolve(data, path: str) -> list:
    """The values at a registry path ("a.b", "list[].key") of an export."""
    values = [data]
    for part in path.split("."):
        many = part.endswith("[]")
        key = part.removesuffix("[]")
        values = [value[key] for value in values]
        if many:
            values = [item for value in values for item in value]
    return values


class ExportCoversRegistryTestCase(BaseTestCase):
    def test_the_export_has_every_covered_field(self):
        follower = Follower.objects.create(
            gmina=self.gmina,
            email="pokrycie@example.org",
            email_state=ChannelState.ACTIVE,
            email_rhythm=Rhythm.DAILY,
            phone="+48601222333",
            phone_state=ChannelState.PENDING,
        )
        inbound = InboundSms.objects.create(
            gmina=self.gmina,
            provider_id="MO1",
            sender="48601222333",
            recipient="48799000111",
            text="STOP",
        )
        instances = {"fans.Follower": follower, "sms.InboundSms": inbound}
        data = data_rights.export_follower(follower)
        for label, covered in personal_data.covered().items():
            model_label, _, field_name = label.rpartition(".")
            value = getattr(instances[model_label], field_name)
            self.assertTrue(value, f"{label}: fill it in this test")
            self.assertIn(value, resolve(data, covered.export), label)
