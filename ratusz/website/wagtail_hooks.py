"""Admin hooks of the public website: reminders editors should not miss."""

from django.template.loader import render_to_string
from wagtail import hooks
from wagtail.admin.ui.components import Component
from wagtail.permission_policies.pages import PagePermissionPolicy

from .models import AccessibilityStatementPage


class StaleAccessibilityStatementsPanel(Component):
    """Warn when a deklaracja dostępności has not been reviewed for a year.

    The law requires a review at least once a year; a stale statement is the
    most common finding of accessibility audits of gmina websites.
    """

    name = "stale_accessibility_statements"
    order = 50

    def __init__(self, user):
        self.user = user

    def statements(self):
        editable = PagePermissionPolicy().instances_user_has_any_permission_for(
            self.user, ["change"]
        )
        candidates = AccessibilityStatementPage.objects.filter(
            pk__in=editable.values("pk")
        )
        return [page for page in candidates if page.needs_review()]

    def render_html(self, parent_context=None):
        statements = self.statements()
        if not statements:
            return ""
        return render_to_string(
            "website/admin/stale_statements_panel.html",
            {"statements": statements},
        )


@hooks.register("construct_homepage_panels")
def add_stale_statements_panel(request, panels):
    panels.append(StaleAccessibilityStatementsPanel(request.user))
