"""e-Inclusion: the register of the computers a gmina handed to families under
a digital-exclusion programme, and of its free wireless network."""

from django.apps import AppConfig


class InclusionConfig(AppConfig):
    name = "ratusz.inclusion"
    label = "inclusion"
    verbose_name = "e-Integracja"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Models load after apps: what is imported here imports them.
        from django.db.models.signals import post_delete, post_save
        from wagtail.permissions import register_permission_policy

        from ratusz.lib.demo import register_step
        from ratusz.messenger import subjects
        from ratusz.outbox.registry import register_composer

        from . import (
            demo,
            faults,
            network_alerts,
            network_demo,
            network_page,
            staff_reminders,
            statement_reminders,
        )
        from .network import AccessPoint
        from .network_admin import NetworkPermissionPolicy

        register_permission_policy(
            AccessPoint, NetworkPermissionPolicy(AccessPoint), exact_class=True
        )
        register_composer(network_alerts.ITEM_KIND, network_alerts.compose)
        register_composer(statement_reminders.ITEM_KIND, statement_reminders.compose)
        register_composer(staff_reminders.ITEM_KIND, staff_reminders.compose)
        # "Dotyczy sprzętu: EI/005" on a fault report's staff conversation.
        subjects.register(faults.conversation_subject)
        for signal in (post_save, post_delete):
            signal.connect(
                network_page.on_access_point_change,
                sender=AccessPoint,
                dispatch_uid=f"inclusion-network-page-{signal is post_save}",
            )
        # The register first: the network's demo names its programme.
        register_step(demo.load)
        register_step(network_demo.load)
