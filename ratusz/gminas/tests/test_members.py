"""Zespół i role: a gmina's administrator assigns roles (the e-Inclusion
coordinator among them), only within their gmina, never their own, and
never more than a gmina role."""

from django.urls import reverse

from ratusz.gminas.models import GminaGroup, Membership
from ratusz.gminas.tests.factory import make_member
from ratusz.test import BaseTestCase, make_user

Role = Membership.Role


class MembersTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.dora = make_member(cls.gmina, "dora", Role.ADMIN)
        cls.erin = make_member(cls.other_gmina, "erin", Role.ADMIN)
        cls.ewa = make_user("ewa", first_name="Ewa", last_name="Zięba")

    def setUp(self):
        self.client.force_login(self.dora)

    def url(self, name="gminas-members", *args, gmina=None):
        return reverse(name, args=[(gmina or self.gmina).pk, *args])

    def role_of(self, user, gmina=None):
        membership = Membership.objects.filter(
            gmina=gmina or self.gmina, user=user
        ).first()
        return membership.role if membership else None

    def test_it_works(self):
        response = self.client.get(self.url())
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Alicja Nowak")
        self.assertContains(response, "koordynator e-Integracji")
        self.assertNotContains(response, "Czesław")  # charlie is gmina B's
        response = self.client.get(reverse("gminas-members-index"))
        self.assertRedirects(response, self.url())

    def test_it_makes_an_editor_the_coordinator(self):
        response = self.client.post(
            self.url("gminas-member-role", self.alice.pk),
            {f"m{self.alice.pk}-role": Role.COORDINATOR},
        )
        self.assertRedirects(response, self.url())
        self.assertEqual(self.role_of(self.alice), Role.COORDINATOR)
        group = GminaGroup.objects.get(gmina=self.gmina, role=Role.COORDINATOR).group
        self.assertEqual(
            list(self.alice.groups.filter(gmina_role__gmina=self.gmina)), [group]
        )
        # The register now opens for her.
        self.client.force_login(self.alice)
        response = self.client.get(
            reverse("inclusion-households", args=[self.gmina.pk])
        )
        self.assertEqual(response.status_code, 200)

    def test_it_adds_an_existing_account_with_a_role(self):
        response = self.client.post(
            self.url(), {"username": "ewa", "role": Role.COORDINATOR}
        )
        self.assertRedirects(response, self.url())
        self.assertEqual(self.role_of(self.ewa), Role.COORDINATOR)

    def test_it_refuses_an_unknown_or_inactive_account_or_a_member(self):
        inactive = make_user("stary", is_active=False)
        for username, error in [
            ("nikt", "Nie ma aktywnego konta"),
            (inactive.username, "Nie ma aktywnego konta"),
            ("alice", "ma już rolę w tej gminie"),
        ]:
            response = self.client.post(
                self.url(), {"username": username, "role": Role.ADMIN}
            )
            self.assertContains(response, error)
        self.assertIsNone(self.role_of(inactive))
        self.assertEqual(self.role_of(self.alice), Role.EDITOR)

    def test_it_takes_a_role_away(self):
        self.client.post(self.url("gminas-member-remove", self.bob.pk))
        self.assertIsNone(self.role_of(self.bob))
        self.assertFalse(self.bob.groups.filter(gmina_role__gmina=self.gmina).exists())

    def test_it_cannot_escalate_to_superuser_or_an_unknown_role(self):
        for role in ["superuser", "owner", ""]:
            self.client.post(
                self.url("gminas-member-role", self.alice.pk),
                {f"m{self.alice.pk}-role": role, "is_superuser": "1"},
            )
            self.assertEqual(self.role_of(self.alice), Role.EDITOR, role)
        self.client.post(
            self.url(),
            {"username": "ewa", "role": "superuser", "is_superuser": "on"},
        )
        self.assertIsNone(self.role_of(self.ewa))
        for user in (self.alice, self.ewa, self.dora):
            user.refresh_from_db()
            self.assertFalse(user.is_superuser or user.is_staff, user)

    def test_it_never_changes_ones_own_role(self):
        self.client.post(
            self.url("gminas-member-role", self.dora.pk),
            {f"m{self.dora.pk}-role": Role.AUTHOR},
        )
        self.client.post(self.url("gminas-member-remove", self.dora.pk))
        self.assertEqual(self.role_of(self.dora), Role.ADMIN)

    def test_it_checks_ownership(self):
        # Gmina B's screen and members are 404 to gmina A's administrator.
        self.assertEqual(
            self.client.get(self.url(gmina=self.other_gmina)).status_code, 404
        )
        for name in ("gminas-member-role", "gminas-member-remove"):
            response = self.client.post(
                self.url(name, self.charlie.pk, gmina=self.other_gmina),
                {f"m{self.charlie.pk}-role": Role.AUTHOR},
            )
            self.assertEqual(response.status_code, 404)
            # Nor can A's screen reach B's member.
            response = self.client.post(
                self.url(name, self.charlie.pk),
                {f"m{self.charlie.pk}-role": Role.AUTHOR},
            )
            self.assertEqual(response.status_code, 404)
        self.assertEqual(self.role_of(self.charlie, self.other_gmina), Role.EDITOR)
        self.assertIsNone(self.role_of(self.charlie))

    def test_it_requires_the_administrator(self):
        for user in (self.alice, self.bob):
            self.client.force_login(user)
            for response in [
                self.client.get(self.url()),
                self.client.get(reverse("gminas-members-index")),
                self.client.post(
                    self.url("gminas-member-role", self.bob.pk),
                    {f"m{self.bob.pk}-role": Role.ADMIN},
                ),
                self.client.post(self.url(), {"username": "ewa", "role": "admin"}),
            ]:
                self.assertEqual(response.status_code, 302, user)
                self.assertEqual(response["Location"].rstrip("/"), "/admin")
        self.assertEqual(self.role_of(self.bob), Role.AUTHOR)
        self.assertIsNone(self.role_of(self.ewa))

    def test_a_superuser_may(self):
        self.client.force_login(self.admin)
        self.client.post(
            self.url("gminas-member-role", self.dora.pk),
            {f"m{self.dora.pk}-role": Role.COORDINATOR},
        )
        self.assertEqual(self.role_of(self.dora), Role.COORDINATOR)
