from django.apps import AppConfig


class MessengerConfig(AppConfig):
    name = "ratusz.messenger"
    label = "messenger"
    verbose_name = "Napisz do urzędu"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Imported here: these modules import models, which are not loaded
        # yet when apps.py is.
        from ratusz.outbox import services as outbox_services

        from . import hours, notifications, signals

        # Notifications to residents go through the outbox: composer of the
        # "message:<id>" items. The transport of the Messenger channel is
        # the facebook integration's (FacebookConfig.ready).
        outbox_services.COMPOSERS.setdefault(
            notifications.ITEM_KIND, "ratusz.messenger.notifications.compose"
        )
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
