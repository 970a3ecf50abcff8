"""The website's personal-looking fields (see ratusz.lib.personal_data):
public contact data published on pages."""

from ratusz.lib.personal_data import register

_STATEMENT = (
    "published by law in the accessibility statement (ustawa o dostępności "
    "cyfrowej, art. 10): the office's contact, not a resident"
)
_PROCEDURE = (
    "a published procedure's office contact (who handles the matter, "
    "their phone, e-mail, room address): staff in their public role"
)

register(
    exempt={
        "website.ArticlePage.author_name": (
            "the public byline of a staff member under an article they published"
        ),
        "website.AccessibilityStatementPage.entity_name": _STATEMENT,
        "website.AccessibilityStatementPage.assessor_name": _STATEMENT,
        "website.AccessibilityStatementPage.contact_person": _STATEMENT,
        "website.AccessibilityStatementPage.contact_email": _STATEMENT,
        "website.AccessibilityStatementPage.contact_phone": _STATEMENT,
        "website.AccessibilityStatementPage.mobile_apps": (
            "the statement's text about the office's mobile apps, not a number"
        ),
        "website.ProcedurePage.contact_person": _PROCEDURE,
        "website.ProcedurePage.phone": _PROCEDURE,
        "website.ProcedurePage.email": _PROCEDURE,
        "website.ProcedurePage.address": _PROCEDURE,
    }
)
