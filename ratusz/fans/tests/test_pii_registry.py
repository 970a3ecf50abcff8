"""The personal-data registry (SECURITY.md D22).

Fails when a project model gets a field that looks like an e-mail, phone,
name or address and is neither in the export/erasure registry nor exempt
with a reason; and when the export misses a field the registry says it has.
"""

from unittest import mock

from django.db import models
from django.test import SimpleTestCase

from ratusz.fans import data_rights, pii
from ratusz.fans.models import ChannelState, Follower, Rhythm
from ratusz.integrations.sms.models import InboundSms
from ratusz.test import BaseTestCase


def named(field: models.Field, name: str) -> models.Field:
    field.set_attributes_from_name(name)
    return field


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


class RegistryTestCase(SimpleTestCase):
    def test_every_personal_field_is_registered(self):
        missing = pii.unregistered()
        self.assertEqual(
            missing,
            [],
            "Add these fields to ratusz/fans/pii.py: COVERED (and to the "
            "export and erasure) or EXEMPT with the reason.",
        )

    def test_every_entry_names_a_field_that_exists(self):
        self.assertEqual(pii.stale_entries(), [])

    def test_no_field_is_both_covered_and_exempt(self):
        self.assertEqual(pii.COVERED.keys() & pii.EXEMPT.keys(), set())
        for label, reason in pii.EXEMPT.items():
            self.assertGreater(len(reason), 15, f"{label}: give the reason")

    def test_it_notices_a_field_missing_from_the_registry(self):
        with mock.patch.dict(pii.COVERED):
            del pii.COVERED["fans.Follower.phone"]
            self.assertEqual(pii.unregistered(), ["fans.Follower.phone"])
        with mock.patch.dict(pii.EXEMPT):
            del pii.EXEMPT["gminas.User.email"]
            self.assertEqual(pii.unregistered(), ["gminas.User.email"])

    def test_it_notices_a_stale_entry(self):
        with mock.patch.dict(pii.EXEMPT, {"fans.Follower.nickname": "x" * 20}):
            self.assertEqual(pii.stale_entries(), ["fans.Follower.nickname"])
        with mock.patch.dict(pii.EXEMPT, {"nope.Model.field": "x" * 20}):
            self.assertEqual(pii.stale_entries(), ["nope.Model.field"])

    def test_it_recognises_personal_fields(self):
        personal = [
            named(models.EmailField(), "contact"),
            named(models.GenericIPAddressField(), "seen_from"),
            named(models.CharField(max_length=9), "resident_phone"),
            named(models.CharField(max_length=9), "telephone"),
            named(models.CharField(max_length=9), "first_name"),
            named(models.CharField(max_length=9), "name"),
            named(models.CharField(max_length=9), "surname"),
            named(models.CharField(max_length=9), "nazwisko"),
            named(models.TextField(), "home_address"),
            named(models.CharField(max_length=9), "sender"),
            named(models.CharField(max_length=9), "ip"),
            named(models.CharField(max_length=9), "street"),
            named(models.CharField(max_length=9), "e_mail"),
        ]
        for field in personal:
            self.assertTrue(pii.looks_personal(field), field.name)
        plain = [
            named(models.CharField(max_length=9), "title"),
            named(models.SlugField(), "slug"),
            named(models.CharField(max_length=9), "token"),
            named(models.TextField(), "body"),
            named(models.CharField(max_length=9), "channel"),
            named(models.URLField(), "bip_url"),
        ]
        for field in plain:
            self.assertFalse(pii.looks_personal(field), field.name)

    def test_it_covers_the_models_that_hold_residents_data(self):
        labels = pii.personal_fields().keys()
        for expected in [
            "fans.Follower.email",
            "fans.Follower.phone",
            "sms.InboundSms.sender",
            "gminas.Gmina.email",
            "gminas.User.email",
            "outbox.Delivery.recipient",
            "website.AccessibilityStatementPage.contact_email",
            "facebook.FacebookPage.page_name",
            "mastodon.MastodonAccount.account_name",
        ]:
            self.assertIn(expected, labels)
        # Wagtail's and Django's own tables are not the project's to list.
        self.assertFalse([x for x in labels if x.startswith(("auth.", "wagtail"))])


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
        for label, covered in pii.COVERED.items():
            model_label, _, field_name = label.rpartition(".")
            value = getattr(instances[model_label], field_name)
            self.assertTrue(value, f"{label}: fill it in this test")
            self.assertIn(value, resolve(data, covered.export), label)
