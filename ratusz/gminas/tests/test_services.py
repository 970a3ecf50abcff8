"""Role groups, collections and workflows that follow each gmina."""

from django.contrib.auth.models import Group
from wagtail.models import (
    GroupCollectionPermission,
    GroupPagePermission,
    Page,
    WorkflowPage,
)
from wagtail.permissions import policy_registry

from ratusz.gminas import services
from ratusz.gminas.models import GminaGroup, Membership
from ratusz.gminas.permissions import GminaScopedPermissionPolicy
from ratusz.test import BaseTestCase, home_of, make_gmina, make_user
from ratusz.website.models import HomePage


def page_codenames(group, page):
    return set(
        group.page_permissions.filter(page=page).values_list(
            "permission__codename", flat=True
        )
    )


class SyncGroupsTest(BaseTestCase):
    def test_it_gives_each_role_its_page_permissions_on_the_gminas_tree(self):
        home = home_of(self.gmina)
        groups = {g.role: g.group for g in self.gmina.role_groups.all()}

        self.assertEqual(
            page_codenames(groups["admin"], home),
            {"add_page", "change_page", "publish_page", "lock_page", "unlock_page",
             "bulk_delete_page"},
        )  # fmt: skip
        self.assertEqual(
            page_codenames(groups["editor"], home),
            {"add_page", "change_page", "publish_page", "lock_page"},
        )
        self.assertEqual(
            page_codenames(groups["author"], home), {"add_page", "change_page"}
        )
        # The e-Inclusion coordinator keeps a register, not pages or files.
        self.assertEqual(page_codenames(groups["coordinator"], home), set())
        self.assertFalse(groups["coordinator"].collection_permissions.exists())
        for role in ["admin", "editor", "author"]:
            group = groups[role]
            self.assertEqual(
                set(group.page_permissions.values_list("page", flat=True)),
                {home.pk},
            )
            self.assertEqual(
                set(group.collection_permissions.values_list("collection", flat=True)),
                {self.gmina.collection_id},
            )

    def test_it_keeps_global_model_permissions_to_what_is_scoped(self):
        admin_group = GminaGroup.objects.get(gmina=self.gmina, role="admin").group
        editor_group = GminaGroup.objects.get(gmina=self.gmina, role="editor").group

        # A model permission is global: a role gets one only for a model
        # whose permission policy narrows it to the user's own gminas.
        unscoped = [
            f"{p.content_type.app_label}.{p.codename}"
            for p in admin_group.permissions.select_related("content_type")
            if p.codename != "access_admin"
            and not isinstance(
                policy_registry.get_by_type(p.content_type.model_class()),
                GminaScopedPermissionPolicy,
            )
        ]
        self.assertEqual(unscoped, [])
        apps = set(
            admin_group.permissions.values_list("content_type__app_label", flat=True)
        )
        self.assertLessEqual({"wagtailadmin", "gminas"}, apps)
        self.assertEqual(
            list(editor_group.permissions.values_list("codename", flat=True)),
            ["access_admin"],
        )

    def test_it_is_idempotent(self):
        counts = (
            Group.objects.count(),
            GroupPagePermission.objects.count(),
            GroupCollectionPermission.objects.count(),
            WorkflowPage.objects.count(),
        )

        services.sync_groups(self.gmina)
        services.sync_groups(self.gmina)

        self.assertEqual(
            counts,
            (
                Group.objects.count(),
                GroupPagePermission.objects.count(),
                GroupCollectionPermission.objects.count(),
                WorkflowPage.objects.count(),
            ),
        )

    def test_it_follows_a_rename(self):
        group = GminaGroup.objects.get(gmina=self.gmina, role="editor").group
        collection = self.gmina.collection
        self.gmina.name = "Gmina Zawada Wielka"
        self.gmina.save(update_fields=["name"])

        services.sync_groups(self.gmina)

        group.refresh_from_db()
        collection.refresh_from_db()
        self.assertEqual(
            group.name, "Gmina Zawada Wielka (localhost) – redaktor (publikuje)"
        )
        self.assertEqual(collection.name, "Gmina Zawada Wielka")
        self.assertIn(group, self.alice.groups.all())
        self.assertEqual(self.gmina.role_groups.count(), 4)

    def test_it_keeps_gminas_with_the_same_name_apart(self):
        # Poland has several gminas called Lipno.
        first = make_gmina("Gmina Lipno", hostname="lipno1.localhost")
        second = make_gmina("Gmina Lipno", hostname="lipno2.localhost")
        editor = make_user("edyta")
        services.add_member(first, editor, Membership.Role.EDITOR)

        self.assertNotEqual(first.collection, second.collection)
        first_groups = set(first.role_groups.values_list("group", flat=True))
        second_groups = set(second.role_groups.values_list("group", flat=True))
        self.assertFalse(first_groups & second_groups)
        perms = home_of(second).permissions_for_user(editor)
        self.assertFalse(perms.can_edit())
        self.assertTrue(home_of(first).permissions_for_user(editor).can_edit())
        self.assertNotEqual(
            WorkflowPage.objects.get(page=home_of(first)).workflow,
            WorkflowPage.objects.get(page=home_of(second)).workflow,
        )

    def test_it_moves_permissions_with_a_new_root_page(self):
        old_home = home_of(self.gmina)
        new_home = Page.get_first_root_node().add_child(
            instance=HomePage(title="Nowa Zawada", slug="nowa-zawada")
        )
        site = self.gmina.site
        site.root_page = new_home
        site.save(update_fields=["root_page"])

        services.sync_groups(self.gmina)

        self.assertTrue(new_home.permissions_for_user(self.alice).can_edit())
        self.assertFalse(old_home.permissions_for_user(self.alice).can_edit())
        self.assertTrue(WorkflowPage.objects.filter(page=new_home).exists())

    def test_it_makes_the_gminas_editors_and_administrators_the_reviewers(self):
        workflow = WorkflowPage.objects.get(page=home_of(self.gmina)).workflow
        task = workflow.tasks.get().specific

        self.assertEqual(
            set(task.groups.values_list("name", flat=True)),
            {
                "Gmina Zawada (localhost) – redaktor (publikuje)",
                "Gmina Zawada (localhost) – administrator",
            },
        )


class MembershipTest(BaseTestCase):
    def test_it_replaces_the_role_within_a_gmina(self):
        services.add_member(self.gmina, self.bob, Membership.Role.EDITOR)

        names = set(self.bob.groups.values_list("name", flat=True))
        self.assertEqual(names, {"Gmina Zawada (localhost) – redaktor (publikuje)"})
        self.assertEqual(Membership.objects.get(user=self.bob).role, "editor")

    def test_it_keeps_roles_in_other_gminas(self):
        services.add_member(self.other_gmina, self.alice, Membership.Role.AUTHOR)

        self.assertEqual(self.alice.groups.count(), 2)
        self.assertTrue(
            home_of(self.other_gmina).permissions_for_user(self.alice).can_edit()
        )
        self.assertFalse(
            home_of(self.other_gmina).permissions_for_user(self.alice).can_publish()
        )

    def test_it_removes_a_member(self):
        services.remove_member(self.gmina, self.alice)

        self.assertFalse(self.alice.groups.exists())
        self.assertFalse(Membership.objects.filter(user=self.alice).exists())
        self.assertFalse(
            home_of(self.gmina).permissions_for_user(self.alice).can_edit()
        )

    def test_it_repairs_group_membership_on_sync(self):
        self.alice.groups.clear()

        services.sync_groups(self.gmina)

        self.assertTrue(
            home_of(self.gmina).permissions_for_user(self.alice).can_publish()
        )


class DefaultGroupsTest(BaseTestCase):
    def test_it_leaves_no_group_with_permissions_across_gminas(self):
        tree_root = Page.get_first_root_node()

        self.assertFalse(GroupPagePermission.objects.filter(page=tree_root).exists())
        self.assertFalse(
            GroupCollectionPermission.objects.filter(collection__depth=1).exists()
        )
        self.assertFalse(Group.objects.filter(gmina_role__isnull=True).exists())


class CreateGminaHomeTest(BaseTestCase):
    """gminas knows no page type: the website registers the first pages."""

    def test_it_starts_the_site_with_the_registered_home_page(self):
        gmina = services.create_gmina(
            name="Gmina Łąka", short_name="Łąka", hostname="laka.localhost"
        )
        home = gmina.site.root_page.specific
        self.assertIsInstance(home, HomePage)
        self.assertTrue(home.live)
        self.assertEqual([p.title for p in home.get_children()], ["Aktualności"])

    def test_a_second_gmina_of_the_same_name_gets_its_own_slug(self):
        first = services.create_gmina(
            name="Gmina Lipno", short_name="Lipno", hostname="lipno1.localhost"
        )
        second = services.create_gmina(
            name="Gmina Lipno", short_name="Lipno", hostname="lipno2.localhost"
        )
        self.assertEqual(first.site.root_page.slug, "gmina-lipno")
        self.assertEqual(second.site.root_page.slug, "gmina-lipno-2")
