from django.apps import AppConfig


class GminasConfig(AppConfig):
    name = "ratusz.gminas"
    verbose_name = "Gminy"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from wagtail.permissions import register_permission_policy

        from ratusz import checks  # noqa: F401  (registers the deploy checks)

        from . import sessions  # noqa: F401  (marks a sign-in as activity)
        from .models import Category, Gmina, Village
        from .permissions import GminaScopedPermissionPolicy

        register_permission_policy(
            Gmina, GminaScopedPermissionPolicy(Gmina, "pk"), exact_class=True
        )
        for model in (Village, Category):
            register_permission_policy(
                model, GminaScopedPermissionPolicy(model), exact_class=True
            )
