from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ratusz.gminas.models import Gmina
from ratusz.insights.export import write


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"Not a date (YYYY-MM-DD): {value}") from None


class Command(BaseCommand):
    help = (
        "Write site_daily.csv, sources_daily.csv and articles.csv of one gmina "
        "(today included)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--gmina", required=True, help="the gmina's host name")
        parser.add_argument("--since", required=True, type=_date)
        parser.add_argument("--until", required=True, type=_date)
        parser.add_argument("--out", required=True, type=Path)

    def handle(self, *args, gmina, since, until, out, **options):
        if since > until:
            raise CommandError("--since is after --until")
        found = Gmina.objects.filter(site__hostname=gmina.split(":")[0].lower()).first()
        if found is None:
            raise CommandError(f"No gmina at {gmina}")
        for path in write(found, since, until, out):
            self.stdout.write(str(path))
