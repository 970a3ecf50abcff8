"""Procedure pages for tests: the demo gmina's realistic set, or one page."""

from wagtail.rich_text import RichText

from ratusz.test import home_of
from ratusz.website.demo import loader
from ratusz.website.models import ProcedureIndexPage, ProcedurePage


def make_demo_procedures(gmina, editor=None, categories=None) -> ProcedureIndexPage:
    """Give `gmina` the demo's "Jak załatwić sprawę" list and its procedures."""
    pages = loader._ensure_procedures(home_of(gmina), categories or {}, editor)
    return pages["procedury"]


def make_procedure_index(gmina, title="Jak załatwić sprawę") -> ProcedureIndexPage:
    home = home_of(gmina)
    existing = ProcedureIndexPage.objects.child_of(home).first()
    if existing is not None:
        return existing
    index = home.add_child(
        instance=ProcedureIndexPage(title=title, slug="sprawy", live=False)
    )
    index.save_revision().publish()
    return index


def make_procedure(
    gmina, title, *, summary="", body="", publish=True, **fields
) -> ProcedurePage:
    index = make_procedure_index(gmina)
    page = ProcedurePage(
        title=title,
        summary=summary or f"{title} – opis sprawy.",
        body=[("paragraph", RichText(body or f"<p>{title}.</p>"))],
        live=False,
        **fields,
    )
    index.add_child(instance=page)
    revision = page.save_revision()
    if publish:
        revision.publish()
        page.refresh_from_db()
    return page
