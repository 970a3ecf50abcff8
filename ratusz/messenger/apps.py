from django.apps import AppConfig

from ratusz.outbox import registry


class MessengerConfig(AppConfig):
    name = "ratusz.messenger"
    label = "messenger"
    verbose_name = "Napisz do urzędu"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Imported here: these modules import models, which are not loaded
        # yet when apps.py is.
        from . import hours, notifications, signals

        # Notifications to residents go through the outbox: this app composes
        # the "message:<id>" items (the Facebook integration sends them on
        # Messenger: FacebookConfig.ready).
        registry.register_composer(notifications.ITEM_KIND, notifications.compose)
        signals.resident_wrote.connect(
            notifications.on_resident_wrote, dispatch_uid="messenger-notify-new"
        )
        signals.staff_replied.connect(
            notifications.on_staff_replied, dispatch_uid="messenger-notify-reply"
        )
        # Outside office hours: one automatic reply per closed period.
        signals.resident_wrote.connect(
            hours.on_resident_wrote, dispatch_uid="messenger-auto-reply"
        )
