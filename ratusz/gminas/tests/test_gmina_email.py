"""A gmina's e-mail address opens conversations only once it is confirmed,
and belongs to one gmina: another gmina can neither save it nor confirm it."""

import importlib
import re
from datetime import timedelta

import time_machine
from django.apps import apps
from django.core import mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from ratusz.gminas import services
from ratusz.gminas.models import Gmina
from ratusz.gminas.tests.test_gmina_admin import GminaAdminTestCase, settings_data
from ratusz.test import make_gmina

A_EMAIL = "sekretariat@zawada.example.pl"


class GminaEmailTest(GminaAdminTestCase):
    def setUp(self):
        super().setUp()
        Gmina.objects.filter(pk=self.gmina.pk).update(
            email=A_EMAIL, inbound_email=A_EMAIL
        )
        self.gmina.refresh_from_db()

    def save_settings(self, user, gmina, email):
        self.client.force_login(user)
        url = self.url("gmina", "edit", gmina.pk)
        with self.captureOnCommitCallbacks(execute=True):
            return self.client.post(url, settings_data(gmina, email=email))

    def link(self) -> str:
        [message] = mail.outbox
        return re.search(r"http://\S+/potwierdz-adres-urzedu/\S+/", message.body)[0]

    def test_another_gminas_address_cannot_be_saved(self):
        response = self.save_settings(self.erin, self.other_gmina, A_EMAIL.upper())
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Ten adres e-mail ma już inna gmina.")
        self.other_gmina.refresh_from_db()
        self.assertEqual(self.other_gmina.email, "urzad@example.org")
        self.assertEqual(mail.outbox, [])

    def test_a_new_address_waits_for_its_link(self):
        response = self.save_settings(self.dora, self.gmina, "urzad@zawada.example.pl")
        self.assertEqual(response.status_code, 302)
        self.gmina.refresh_from_db()
        self.assertEqual(self.gmina.email, "urzad@zawada.example.pl")
        # The old address no longer routes, the new one not yet.
        self.assertEqual(self.gmina.inbound_email, "")
        [message] = mail.outbox
        self.assertEqual(message.to, ["urzad@zawada.example.pl"])
        self.assertIn("potwierdź adres e-mail urzędu", message.subject)

        path = self.link().split("localhost", 1)[1]
        self.client.logout()
        response = self.client.get(path)
        self.assertContains(response, "Potwierdzam adres")
        self.gmina.refresh_from_db()
        self.assertEqual(self.gmina.inbound_email, "")  # a GET changes nothing

        response = self.client.post(path)
        self.assertContains(response, "Adres potwierdzony")
        self.gmina.refresh_from_db()
        self.assertEqual(self.gmina.inbound_email, "urzad@zawada.example.pl")

    def test_saving_other_settings_sends_nothing(self):
        self.client.force_login(self.dora)
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(
                self.url("gmina", "edit", self.gmina.pk),
                settings_data(self.gmina, phone="+48 12 000 00 00"),
            )
        self.gmina.refresh_from_db()
        self.assertEqual(self.gmina.inbound_email, A_EMAIL)
        self.assertEqual(mail.outbox, [])

    def test_a_link_to_a_replaced_address_is_dead(self):
        self.save_settings(self.dora, self.gmina, "pierwszy@zawada.example.pl")
        first = self.link().split("localhost", 1)[1]
        self.gmina.refresh_from_db()
        mail.outbox.clear()
        self.save_settings(self.dora, self.gmina, "drugi@zawada.example.pl")
        self.assertEqual(self.client.post(first).status_code, 404)
        self.gmina.refresh_from_db()
        self.assertEqual(self.gmina.inbound_email, "")

    def test_an_expired_or_forged_link_is_refused(self):
        self.save_settings(self.dora, self.gmina, "urzad@zawada.example.pl")
        path = self.link().split("localhost", 1)[1]
        forged = services.email_confirmation_token(self.other_gmina, "x@example.org")
        forged = forged[:-3] + "AAA"
        self.assertEqual(
            self.client.post(f"/potwierdz-adres-urzedu/{forged}/").status_code, 404
        )
        with time_machine.travel(timezone.now() + timedelta(days=4)):
            response = self.client.post(path)
        self.assertContains(response, "Ten link jest nieaktualny", status_code=404)
        self.gmina.refresh_from_db()
        self.assertEqual(self.gmina.inbound_email, "")

    def test_an_address_confirmed_by_another_gmina_first_stays_theirs(self):
        # Two gminas with one address (saved before addresses were checked).
        Gmina.objects.filter(pk=self.other_gmina.pk).update(email=A_EMAIL.upper())
        self.other_gmina.refresh_from_db()
        token = services.email_confirmation_token(self.other_gmina, A_EMAIL)
        response = self.client.post(reverse("gminas-confirm-email", args=[token]))
        self.assertContains(
            response, "Ten adres należy już do innej gminy", status_code=409
        )
        self.other_gmina.refresh_from_db()
        self.assertEqual(self.other_gmina.inbound_email, "")

    def test_the_database_keeps_an_inbox_address_to_one_gmina(self):
        with self.assertRaises(IntegrityError), transaction.atomic():
            Gmina.objects.filter(pk=self.other_gmina.pk).update(
                inbound_email=A_EMAIL.upper()
            )


class ExistingAddressesMigrationTest(GminaAdminTestCase):
    def test_only_addresses_of_one_gmina_count_as_confirmed(self):
        third = make_gmina("Gmina Trzecia", hostname="trzecia.localhost")
        Gmina.objects.filter(pk=self.gmina.pk).update(email="Urzad@Wspolny.pl")
        Gmina.objects.filter(pk=self.other_gmina.pk).update(email="urzad@wspolny.pl")
        Gmina.objects.filter(pk=third.pk).update(email="urzad@trzecia.pl")
        migration = importlib.import_module(
            "ratusz.gminas.migrations.0006_confirm_existing_inbound_emails"
        )
        migration.confirm_unshared(apps, None)
        inboxes = dict(Gmina.objects.values_list("pk", "inbound_email"))
        self.assertEqual(inboxes[third.pk], "urzad@trzecia.pl")
        self.assertEqual(inboxes[self.gmina.pk], "")
        self.assertEqual(inboxes[self.other_gmina.pk], "")
