"""`manage.py load_demo`: the demo gmina that `make run` serves."""

import os

from django.core.management.base import BaseCommand
from django.test.utils import override_settings

from ratusz.website.demo import loader

INLINE_TASKS = {
    "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}
}


class Command(BaseCommand):
    help = (
        "Tworzy (lub uzupełnia) przykładową Gminę Zawada Górna z artykułami i "
        "kontem redaktora. Można uruchamiać wielokrotnie."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--reset-password",
            action="store_true",
            help="Ustaw nowe hasło konta redaktora i wypisz je.",
        )

    def handle(self, *args, reset_password, **options):
        # Search-index updates inline: queued, the same page's updates would
        # race each other in the worker's two threads at the first start
        # (IntegrityError on the index entry, logged by Wagtail).
        with override_settings(TASKS=INLINE_TASKS):
            result = loader.load(reset_password=reset_password)
        site = result.gmina.site
        host = "127.0.0.1" if site.is_default_site else site.hostname
        base = os.environ.get("SITE_URL") or (
            f"http://{host}:{os.environ.get('PORT') or 8000}"
        )
        base = base.rstrip("/")
        if result.created:
            self.stdout.write(
                f"Utworzono przykładową gminę: {result.gmina.name} "
                f"({result.live_articles} artykułów)."
            )
        else:
            self.stdout.write(
                f"Przykładowa gmina {result.gmina.name} już istnieje; dodano "
                f"brakujące artykuły: {result.new_articles} "
                f"(opublikowanych: {result.live_articles})."
            )
        lines = [
            f"  Strona gminy:    {base}/",
            f"  Panel redakcji:  {base}/admin/",
            f"  Login redaktora: {result.editor.username}",
        ]
        if result.password:
            lines.append(
                f"  Hasło:           {result.password}  "
                "(zapisz je – pokazujemy je tylko teraz)"
            )
        else:
            lines.append(
                "  Hasło:           pokazane przy pierwszym uruchomieniu "
                "(nowe: manage.py load_demo --reset-password)"
            )
        self.stdout.write("\n".join(lines))
