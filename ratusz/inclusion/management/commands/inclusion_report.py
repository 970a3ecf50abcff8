from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ratusz.gminas.models import Gmina
from ratusz.inclusion import reports
from ratusz.inclusion.models import Programme
from ratusz.inclusion.rodo import local_today
from ratusz.inclusion.staff.exports import spreadsheet_bytes


class Command(BaseCommand):
    help = (
        "Write a gmina's e-Inclusion reports: one PDF, one XLSX (a sheet per "
        "report) or one CSV (the tables one after another)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--gmina", required=True, help="the gmina's host name")
        parser.add_argument("--programme", help="the programme's name (default: all)")
        parser.add_argument("--format", required=True, choices=["csv", "xlsx", "pdf"])
        parser.add_argument("--out", required=True, type=Path, help="the file")

    def handle(self, *args, gmina, programme, format, out, **options):
        found = Gmina.objects.filter(site__hostname=gmina.split(":")[0].lower()).first()
        if found is None:
            raise CommandError(f"No gmina at {gmina}")
        chosen = None
        if programme:
            chosen = Programme.objects.filter(gmina=found, name=programme).first()
            if chosen is None:
                raise CommandError(f"No programme {programme!r} in {found.name}")
        if format == "pdf":
            data = reports.pdf(found, chosen, today=local_today())
        else:
            tables = [r.run(found, chosen) for r in reports.all_reports()]
            data = spreadsheet_bytes(tables, format)
        out.write_bytes(data)
        self.stdout.write(str(out))
