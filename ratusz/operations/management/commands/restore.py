"""`manage.py restore ARCHIVE [--force]`: back from `manage.py backup`, into
an empty database of the same engine; checks every table's row count."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ratusz.operations.backup import BackupError, restore


class Command(BaseCommand):
    help = "Odtwarza kopię zapasową z `manage.py backup` (do pustej bazy)."

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path, help="plik .tar.gz z kopią")
        parser.add_argument(
            "--force",
            action="store_true",
            help="zastąp zawartość niepustej bazy i dopisz pliki do katalogów",
        )

    def handle(self, *args, archive, force=False, **options):
        try:
            report = restore(archive, force=force)
        except BackupError as error:
            raise CommandError(str(error)) from error
        rows = sum(report.tables.values())
        self.stdout.write(
            f"Odtworzono {archive}: {len(report.tables)} tabel, {rows} wierszy "
            f"(zgodne z kopią); pliki: {report.files.get('media', 0)} w media, "
            f"{report.files.get('private', 0)} prywatnych."
        )
        for note in report.notes:
            self.stdout.write(f"  {note}")
        self.stdout.write(
            "Jeśli kod jest nowszy niż kopia: manage.py migrate "
            "(robi to też start usługi)."
        )
