"""Staff roles' model permissions, granted by the app that owns the models
(`lib.staff_permissions`; each app's `staff_permissions.py`)."""

from django.test import SimpleTestCase

from ratusz.lib import staff_permissions


class GrantTests(SimpleTestCase):
    def test_each_role_gets_what_its_apps_granted(self):
        staff_permissions.grant(["test-a", "test-b"], "x.add_y", "x.view_y")
        staff_permissions.grant(["test-a"], "z.change_w", "x.view_y")
        self.assertEqual(
            staff_permissions.granted("test-a"),
            [("x", "add_y"), ("x", "view_y"), ("z", "change_w")],
        )
        self.assertEqual(
            staff_permissions.granted("test-b"), [("x", "add_y"), ("x", "view_y")]
        )
        self.assertEqual(staff_permissions.granted("test-nobody"), [])

    def test_a_permission_names_its_app(self):
        for wrong in ("add_y", "x.", ".add_y"):
            with self.assertRaises(ValueError, msg=wrong):
                staff_permissions.grant(["test-c"], wrong)

    def test_the_apps_declarations_are_found(self):
        # gminas/staff_permissions.py, found without anyone importing it.
        for role in ("admin", "editor", "author", "coordinator"):
            self.assertIn(
                ("wagtailadmin", "access_admin"), staff_permissions.granted(role)
            )
        self.assertIn(("gminas", "change_village"), staff_permissions.granted("admin"))
        self.assertNotIn(
            ("gminas", "change_village"), staff_permissions.granted("editor")
        )
