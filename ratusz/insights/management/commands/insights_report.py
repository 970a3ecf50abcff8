from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ratusz.gminas.models import Gmina
from ratusz.insights.report import Month, monthly_report
from ratusz.insights.report_pdf import render_pdf
from ratusz.insights.report_views import standalone_html


def _month(value: str) -> Month:
    try:
        return Month.parse(value)
    except ValueError:
        raise CommandError(f"Not a month (YYYY-MM): {value}") from None


class Command(BaseCommand):
    help = "Write one gmina's monthly report as PDF or HTML (by the file's suffix)."

    def add_arguments(self, parser):
        parser.add_argument("--gmina", required=True, help="the gmina's host name")
        parser.add_argument("--month", required=True, type=_month, help="YYYY-MM")
        parser.add_argument("--out", required=True, type=Path, help="FILE.pdf|.html")

    def handle(self, *args, gmina, month, out, **options):
        suffix = out.suffix.lower()
        if suffix not in (".pdf", ".html"):
            raise CommandError("--out must end in .pdf or .html")
        found = Gmina.objects.filter(site__hostname=gmina.split(":")[0].lower()).first()
        if found is None:
            raise CommandError(f"No gmina at {gmina}")
        if suffix == ".pdf":
            out.write_bytes(render_pdf(monthly_report(found, month)))
        else:
            out.write_text(standalone_html(found, month), encoding="utf-8")
        self.stdout.write(str(out))
