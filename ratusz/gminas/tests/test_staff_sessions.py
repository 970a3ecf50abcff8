"""Staff sessions: idle for 30 minutes → signed out; a password change ends
the other sessions; a reset link lasts an hour."""

from datetime import timedelta

import time_machine
from bs4 import BeautifulSoup
from django.contrib.auth.tokens import default_token_generator
from django.test import Client
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from ratusz.test import BaseTestCase

ADMIN = "/admin/"


class StaffSessionTests(BaseTestCase):
    def signed_in(self, client) -> bool:
        return client.get(ADMIN).status_code == 200

    def login(self, client):
        self.alice.set_password("stare-haslo-123")
        self.alice.save()
        client.force_login(self.alice)

    def test_thirty_idle_minutes_end_the_session_activity_keeps_it(self):
        start = timezone.now()
        with time_machine.travel(start, tick=False):
            self.login(self.client)
            self.assertTrue(self.signed_in(self.client))
        # Active every 20 minutes for an hour: still signed in.
        for minutes in (20, 40, 60):
            with time_machine.travel(start + timedelta(minutes=minutes), tick=False):
                self.assertTrue(self.signed_in(self.client))
        with time_machine.travel(start + timedelta(minutes=91), tick=False):
            response = self.client.get(ADMIN)
            self.assertEqual(response.status_code, 302)
            self.assertIn("/admin/login/", response["Location"])

    def test_a_password_change_ends_the_other_sessions(self):
        phone, laptop = Client(), Client()
        self.login(phone)
        self.login(laptop)
        page = laptop.get("/admin/account/")
        self.assertEqual(page.status_code, 200)
        # The account screen posts every panel at once: send them as shown.
        form = (
            BeautifulSoup(page.content, "html.parser")
            .find("input", attrs={"name": "password-old_password"})
            .find_parent("form")
        )
        data = {}
        for field in form.find_all(["input", "select", "textarea"]):
            name = field.get("name")
            if not name or field.get("type") == "file":
                continue
            if field.name == "select":
                chosen = field.find("option", selected=True) or field.find("option")
                data[name] = chosen.get("value", "") if chosen else ""
            elif field.get("type") in ("checkbox", "radio"):
                if field.has_attr("checked"):
                    data[name] = field.get("value", "on")
            else:
                data[name] = field.get("value", "")
        data.update({
            "password-old_password": "stare-haslo-123",
            "password-new_password1": "Nowe-Haslo-Wojta-2026",
            "password-new_password2": "Nowe-Haslo-Wojta-2026",
        })  # fmt: skip
        response = laptop.post("/admin/account/", data)
        self.assertIn(response.status_code, (200, 302))
        self.alice.refresh_from_db()
        self.assertTrue(self.alice.check_password("Nowe-Haslo-Wojta-2026"))
        # The one who changed it stays; the phone left on the desk is out.
        self.assertTrue(self.signed_in(laptop))
        self.assertFalse(self.signed_in(phone))

    def test_a_reset_link_lasts_one_hour(self):
        uid = urlsafe_base64_encode(force_bytes(self.alice.pk))
        start = timezone.now()
        with time_machine.travel(start, tick=False):
            token = default_token_generator.make_token(self.alice)
        link = f"/admin/password_reset/confirm/{uid}/{token}/"
        with time_machine.travel(start + timedelta(minutes=59), tick=False):
            self.assertTrue(default_token_generator.check_token(self.alice, token))
        with time_machine.travel(start + timedelta(minutes=61), tick=False):
            self.assertFalse(default_token_generator.check_token(self.alice, token))
            response = Client().get(link, follow=True)
            self.assertNotContains(response, 'name="new_password1"')
