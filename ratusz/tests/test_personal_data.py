"""The project's personal-data registry (SECURITY.md D22), filled by each
app's `personal_data.py`.

Fails when a project model gets a field that looks like an e-mail, phone,
name or address and is neither in the export/erasure registry nor exempt
with a reason. (That the follower export has every covered field:
fans/tests/test_personal_data.py.)
"""

from unittest import mock

from django.core.exceptions import ImproperlyConfigured
from django.test import SimpleTestCase

from ratusz.lib import personal_data


class RegistryTestCase(SimpleTestCase):
    def test_every_personal_field_is_registered(self):
        missing = personal_data.unregistered()
        self.assertEqual(
            missing,
            [],
            "Register these fields in the personal_data.py of their app: covered "
            "(and add them to the export and erasure) or exempt with the reason.",
        )

    def test_every_entry_names_a_field_that_exists(self):
        self.assertEqual(personal_data.stale_entries(), [])

    def test_no_field_is_both_covered_and_exempt(self):
        self.assertEqual(
            personal_data.covered().keys() & personal_data.exempt().keys(), set()
        )
        for label, reason in personal_data.exempt().items():
            self.assertGreater(len(reason), 15, f"{label}: give the reason")

    def test_it_notices_a_field_missing_from_the_registry(self):
        with mock.patch.dict(personal_data.covered()):
            del personal_data.covered()["fans.Follower.phone"]
            self.assertEqual(personal_data.unregistered(), ["fans.Follower.phone"])
        with mock.patch.dict(personal_data.exempt()):
            del personal_data.exempt()["gminas.User.email"]
            self.assertEqual(personal_data.unregistered(), ["gminas.User.email"])

    def test_it_notices_a_stale_entry(self):
        with mock.patch.dict(
            personal_data.exempt(), {"fans.Follower.nickname": "x" * 20}
        ):
            self.assertEqual(personal_data.stale_entries(), ["fans.Follower.nickname"])
        with mock.patch.dict(personal_data.exempt(), {"nope.Model.field": "x" * 20}):
            self.assertEqual(personal_data.stale_entries(), ["nope.Model.field"])

    def test_it_covers_the_models_that_hold_residents_data(self):
        labels = personal_data.personal_fields().keys()
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

    def test_a_field_is_registered_once(self):
        with self.assertRaises(ImproperlyConfigured):
            personal_data.register(exempt={"gminas.User.email": "x" * 20})
        with self.assertRaises(ImproperlyConfigured):
            personal_data.register(
                covered={"fans.Follower.email": personal_data.Covered("a", "b")}
            )
