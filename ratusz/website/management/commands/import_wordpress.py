from django.core.management.base import BaseCommand, CommandError

from ratusz.website.importers.common import ImportFailed, gmina_for
from ratusz.website.importers.wordpress import import_wordpress


class Command(BaseCommand):
    help = "Importuje opublikowane wpisy z eksportu WordPressa (WXR) jako artykuły."

    def add_arguments(self, parser):
        parser.add_argument("file", help="plik XML z WordPressa (Narzędzia → Eksport)")
        parser.add_argument("--gmina", help="nazwa hosta lub id gminy")
        parser.add_argument(
            "--uploads", help="lokalna kopia folderu wp-content/uploads"
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="sprawdź, ale niczego nie zapisuj"
        )

    def handle(self, *args, **options):
        try:
            summary = import_wordpress(
                options["file"],
                gmina=gmina_for(options["gmina"]),
                uploads=options["uploads"],
                dry_run=options["dry_run"],
            )
        except ImportFailed as exc:
            raise CommandError(str(exc)) from None
        for warning in summary.warnings:
            self.stderr.write(self.style.WARNING(warning))
        self.stdout.write(self.style.SUCCESS(str(summary)))
