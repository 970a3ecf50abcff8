"""`manage.py backup ARCHIVE`: database, media, private files and secrets
in one archive (see ratusz/operations/backup.py)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ratusz.operations.backup import BackupError, backup


class Command(BaseCommand):
    help = "Kopia zapasowa: baza danych, pliki, sekrety — w jednym archiwum."

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path, help="plik .tar.gz do zapisania")

    def handle(self, *args, archive, **options):
        try:
            report = backup(archive)
        except BackupError as error:
            raise CommandError(str(error)) from error
        rows = sum(report.tables.values())
        self.stdout.write(
            f"Zapisano {report.archive}: baza {report.engine}, "
            f"{len(report.tables)} tabel, {rows} wierszy; "
            f"pliki: {report.files.get('media', 0)} w media, "
            f"{report.files.get('private', 0)} prywatnych."
        )
