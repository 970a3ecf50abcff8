"""Every admin screen Ratusz adds, in chromium at 390 px and at 1280 px.

The mayor answers residents on a phone at 23:00: no screen may scroll
sideways or cut text off, and each must have 0 axe-core WCAG 2.1 A/AA
violations on the whole page (Wagtail's chrome included). The list of screens
is derived from the URL configuration and the admin hooks, so a new Ratusz
screen fails `test_every_ratusz_admin_screen_is_walked` until it is walked
here or excluded with a reason.
"""

import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from playwright.sync_api import expect
from wagtail import hooks

from ratusz.fans.models import FanCount, Rhythm
from ratusz.gminas import services as gmina_services
from ratusz.gminas.models import Membership
from ratusz.gminas.tests.factory import make_member
from ratusz.inclusion.network import AccessPoint, CheckDay, Outage
from ratusz.lib import mailbox
from ratusz.messenger import services
from ratusz.messenger.models import Conversation, OfficeHours, SavedReply
from ratusz.outbox.models import Channel, Delivery
from ratusz.test import make_gmina
from ratusz.website.models import AccessibilityStatementPage
from ratusz.website.tests.browser.conftest import DESKTOP
from ratusz.website.tests.browser.helpers import axe_violations, describe_violations
from ratusz.website.tests.factory_procedures import make_demo_procedures

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PHONE = {"width": 390, "height": 844}
LONG_WORD = "Konstantynopolitańczykowianeczka" * 4
LONG_URL = "https://bip.example.org/" + "a" * 120 + "/zalacznik-nr-1-do-uchwaly.pdf"

# Ratusz admin URLs that are not screens of their own, or that this staff
# member cannot open, each with the reason.
EXCLUDED = {
    "admin/choose-page/<int:parent_page_id>/": "Wagtail's page chooser, a modal",
    "admin/reports/page-types-usage/": "Wagtail's report, for superusers only",
    "admin/reports/page-types-usage/results/": "fragment of Wagtail's report",
    "wagtailadmin_password_reset": "Wagtail's public password-reset form",
    **dict.fromkeys(
        ["mfa-setup", "mfa-verify", "mfa-manage"],
        "NOT WALKED YET: the second-factor screens need their own state (no "
        "device, a device, a verified session), and chromium shows their content "
        "twice (one document served; see issue 15's note) — to be fixed and walked",
    ),
    "messenger-inbox-events": "Server-Sent Events stream of the inbox, not a page",
    "messenger-conversation-events": "Server-Sent Events stream, not a page",
    "messenger-availability": "POST-only switch; redirects back to the inbox",
    **dict.fromkeys(
        [
            "messenger-reply",
            "messenger-note",
            "messenger-assign",
            "messenger-categorise",
            "messenger-resolve",
            "messenger-reopen",
            "messenger-rotate-reply-token",
            "messenger-insert-saved",
            "messenger-insert-suggestion",
            "messenger-cancel-scheduled",
            "messenger-make-page",
        ],
        "POST-only action on the walked conversation screen; redirects back to it",
    ),
    "messenger-holiday-add": "POST-only; redirects back to the walked hours screen",
    "messenger-holiday-delete": "POST-only; redirects back to the walked hours screen",
    "fans-notifications-progress": "JSON polled by the Powiadomienia screen",
    "fans-notifications-retry": (
        "POST-only; its confirmation reuses the Powiadomienia screen's layout"
    ),
    "insights-csv": "CSV download of a table on the walked dashboard",
    "insights-draft-page": "POST-only; opens the new draft in the page editor",
    "insights-report-pdf": "a PDF download, not a screen",
    "insights-article-reach-csv": "CSV download of the walked reach screen's table",
    "insights-article-days-csv": "CSV download of the walked reach screen's table",
    "facebook-check": "POST-only connection test; redirects to the settings",
    "mastodon-check": "POST-only connection test; redirects to the settings",
    "gminas_gmina:index_results": "fragment the walked list loads",
    "gminas_village:index_results": "fragment the walked list loads",
    "gminas_category:index_results": "fragment the walked list loads",
    "inclusion_accesspoint:index_results": "fragment the walked list loads",
    "inclusion_accesspoint:history_results": "fragment the walked history loads",
    "gminas_gmina:history_results": "fragment the walked history loads",
    "gminas_village:history_results": "fragment the walked history loads",
    "gminas_category:history_results": "fragment the walked history loads",
    "gminas_gmina:add": "only the host's superuser creates a gmina",
    "gminas_gmina:delete": "only the host's superuser deletes a gmina",
    "wagtailadmin_api:images:listing": "JSON API for Wagtail's image chooser",
    "wagtailadmin_api:images:detail": "JSON API for Wagtail's image chooser",
    "wagtailadmin_api:images:find": "JSON API for Wagtail's image chooser",
    "wagtailadmin_api:documents:listing": "JSON API for the document chooser",
    "wagtailadmin_api:documents:detail": "JSON API for the document chooser",
    "wagtailadmin_api:documents:find": "JSON API for the document chooser",
    "admin/reports/site-history/results/": "fragment the walked report loads",
    # Wagtail's own screens, answered through gminas/admin_urls.py so that
    # they name only the user's gmina (their layout is Wagtail's):
    "admin/reports/workflow/": "Wagtail's workflow report, filters scoped",
    "admin/reports/workflow/results/": "fragment of Wagtail's report",
    "admin/reports/workflow_tasks/": "Wagtail's workflow tasks report, filters scoped",
    "admin/reports/workflow_tasks/results/": "fragment of Wagtail's report",
    "admin/reports/locked/": "Wagtail's locked pages report, filter scoped",
    "admin/reports/locked/results/": "fragment of Wagtail's report",
    "admin/pages/<int:page_to_move_id>/move/<int:destination_id>/confirm/": (
        "Wagtail's move confirmation, refused before it names another gmina"
    ),
    "admin/workflows/task_chooser/": "Wagtail's task chooser, for superusers",
    "admin/workflows/task_chooser/results/": "Wagtail's task chooser, a fragment",
    "admin/workflows/task_chooser/create/": "Wagtail's task chooser, a modal",
    "admin/workflows/task_chooser/<int:task_id>/": "JSON for the task chooser",
    # e-Integracja: its screens need a coordinator and a register, so they are
    # walked (same checks) by ratusz/inclusion/tests/browser/test_register_screens.py.
    **dict.fromkeys(
        [
            "inclusion-index",
            "inclusion-programmes",
            "inclusion-programme",
            "inclusion-programme-add",
            "inclusion-programme-edit",
            "inclusion-households",
            "inclusion-household",
            "inclusion-household-add",
            "inclusion-household-edit",
            "inclusion-protocol-add",
            "inclusion-equipment-list",
            "inclusion-equipment",
            "inclusion-equipment-add",
            "inclusion-equipment-edit",
            "inclusion-protocol",
            "inclusion-access-log",
            "inclusion-checks",
            "inclusion-inspection-add",
            "inclusion-import",
            "inclusion-statements",
            "inclusion-statement-campaign",
            "inclusion-statement-followup",
            "inclusion-statement-record",
            "inclusion-trainings",
            "inclusion-training-add",
            "inclusion-training",
            "inclusion-training-edit",
            "inclusion-reports",
            "inclusion-household-erase",
        ],
        "walked by ratusz/inclusion/tests/browser/test_register_screens.py",
    ),
    "inclusion-reports-pdf": "a PDF download of the walked reports screen",
    "inclusion-report-download": "CSV/XLSX download of a walked report's table",
    "inclusion-household-export": "the household's data as a ZIP download",
    "gminas-member-role": "POST-only; redirects back to the walked team screen",
    "gminas-member-remove": "POST-only; redirects back to the walked team screen",
    "inclusion-protocol-pdf": "a PDF download, not a screen",
    "inclusion-equipment-labels": "the QR labels' PDF download, not a screen",
    "inclusion-training-attendance": "POST-only; redirects back to the walked training",
    "inclusion-participant-add": "POST-only; redirects back to the walked training",
    "inclusion-participant-remove": "POST-only; redirects back to the walked training",
    "inclusion-inspection-photo": "a check's photo, a download",
    "inclusion-protocol-scan": "the signed scan's download (POST: upload, redirects)",
    "inclusion-equipment-status": "POST-only; redirects back to the walked item",
    "inclusion-protocol-hand-over": "POST-only; redirects back to the walked protocol",
    "inclusion-import-confirm": (
        "POST-only; imports the checked sheet, then redirects to the walked "
        "equipment list (or shows the walked import screen with its errors: "
        "inclusion/tests/browser/test_import_screen.py)"
    ),
    "inclusion-import-template": "CSV/XLSX download of the import template",
    "inclusion-statement-letters": "the reminder letters, a PDF download",
    "inclusion-statement-followup-letters": "the follow-up letters, a PDF download",
    "inclusion-statement-start": "POST-only; redirects to the walked campaign",
    "inclusion-statement-remind": "POST-only; redirects back to the walked campaign",
}


def _patterns(patterns, prefix="", namespace=None):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = pattern.namespace
            if namespace and inner:
                inner = f"{namespace}:{inner}"
            yield from _patterns(
                pattern.url_patterns, prefix + str(pattern.pattern), inner or namespace
            )
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), namespace, pattern


def _ratusz_viewset_namespaces() -> set[str]:
    names = set()
    for hook in hooks.get_hooks("register_admin_viewset"):
        if hook.__module__.startswith("ratusz."):
            viewset = hook()
            for item in getattr(viewset, "items", None) or [viewset]:
                names.add(item.name)
    return names


def ratusz_admin_screens() -> set[str]:
    """Every URL under /admin/ that a Ratusz view answers, by name (by route
    when it has none): from admin_urls, register_admin_urls hooks and the
    viewsets Ratusz registers."""
    viewsets = _ratusz_viewset_namespaces()
    screens = set()
    for route, namespace, pattern in _patterns(get_resolver().url_patterns):
        if not route.startswith("admin/"):
            continue
        view = getattr(pattern.callback, "view_class", pattern.callback)
        ours = (
            view.__module__.startswith("ratusz.")
            or (namespace or "").split(":")[0] in viewsets
        )
        if not ours:
            continue
        if pattern.name:
            screens.add(f"{namespace}:{pattern.name}" if namespace else pattern.name)
        else:
            screens.add(route)
    return screens


def ratusz_dashboard_panels() -> set[str]:
    return {
        f"{hook.__module__}.{hook.__name__}"
        for hook in hooks.get_hooks("construct_homepage_panels")
        if hook.__module__.startswith("ratusz.")
    }


# Each panel Ratusz adds to the dashboard, by the hook that adds it, and how
# to find it on the page.
PANELS = {
    "ratusz.fans.wagtail_hooks.add_fans_panel": '[aria-labelledby^="fans-heading-"]',
    "ratusz.website.wagtail_hooks.add_stale_statements_panel": (
        '[aria-labelledby="stale-statements-heading"]'
    ),
}


# Every screen this test walks: URL name → the objects (keys of the
# `gmina_day` fixture) whose pks its URL takes. The dashboard is walked for
# the panels Ratusz adds to it; the site history report by its route.
WALKED = {
    "messenger-inbox-index": (),
    "messenger-inbox": ("gmina",),
    "messenger-on-behalf": ("gmina",),
    "messenger-saved-replies": ("gmina",),
    "messenger-saved-reply-add": ("gmina",),
    "messenger-saved-reply-edit": ("gmina", "saved_reply"),
    "messenger-saved-reply-delete": ("gmina", "saved_reply"),
    "messenger-hours": ("gmina",),
    "messenger-stats": ("gmina",),
    "messenger-conversation": ("conversation",),
    "fans-notifications": ("article",),
    "fans-notifications-preview": ("article",),
    "fans-settings-index": (),
    "fans-settings": ("gmina",),
    "sms-settings-index": (),
    "sms-settings": ("gmina",),
    "facebook-settings-index": (),
    "facebook-settings": ("gmina",),
    "mastodon-settings-index": (),
    "mastodon-settings": ("gmina",),
    "gminas_gmina:index": (),
    "gminas_gmina:edit": ("gmina",),
    "gminas_gmina:history": ("gmina",),
    "gminas_gmina:usage": ("gmina",),
    "gminas_village:index": (),
    "gminas_village:add": (),
    "gminas_village:edit": ("village",),
    "gminas_village:delete": ("village",),
    "gminas_village:history": ("village",),
    "gminas_village:usage": ("village",),
    "gminas_category:index": (),
    "gminas_category:add": (),
    "gminas_category:edit": ("category",),
    "gminas_category:delete": ("category",),
    "gminas_category:history": ("category",),
    "gminas_category:usage": ("category",),
    "admin/reports/site-history/": None,
    "inclusion_accesspoint:index": (),
    "inclusion_accesspoint:add": (),
    "inclusion_accesspoint:edit": ("access_point",),
    "inclusion_accesspoint:inspect": ("access_point",),
    "inclusion_accesspoint:delete": ("access_point",),
    "inclusion_accesspoint:history": ("access_point",),
    "inclusion_accesspoint:usage": ("access_point",),
    "insights-index": (),
    "insights-article-reach": ("article",),
    "insights-report-index": (),
    "insights-report": ("gmina",),
    "insights-public-settings-index": (),
    "insights-public-settings": ("gmina",),
    "insights-dashboard": ("gmina",),
    "insights-missed": ("gmina",),
    "gminas-members-index": (),
    "gminas-members": ("gmina",),
    "kept-mail": (),
    "kept-mail-detail": ("kept_mail",),
    "wagtailadmin_home": (),
}


def walked_paths(data) -> dict[str, str]:
    paths = {}
    for name, keys in WALKED.items():
        if keys is None:
            paths[name] = "/" + name
        else:
            args = [getattr(data[key], "pk", data[key]) for key in keys]
            paths[name] = reverse(name, args=args)
    return paths


@pytest.fixture
def gmina_day(site_data, settings, tmp_path):
    """The demo-like gmina after a busy day: conversations with long messages,
    saved replies, office hours, statistics over weeks, an article sent out,
    a follow confirmation kept as demo mail."""
    gmina = site_data["gmina"]
    settings.EMAIL_BACKEND = "ratusz.lib.mailbox.FolderEmailBackend"
    settings.EMAIL_KEPT_IN_FOLDER = True
    settings.EMAIL_FOLDER = tmp_path / "mail"
    follow = Client().post(
        "/obserwuj/",
        {
            "email": f"mieszkanka.{'x' * 40}@example.org",
            "rhythm": Rhythm.EACH,
            "consent": "1",
        },
        HTTP_HOST=gmina.site.hostname,
    )
    assert follow.status_code < 400, follow.status_code
    kept_mail = mailbox.kept_messages({gmina.pk})[0].name
    user = make_member(gmina, "wojt", Membership.Role.ADMIN)
    user.first_name, user.last_name = "Zofia", "Wójcik-Brzęczyszczykiewicz"
    user.save()
    # A second gmina: the index screens list the gminas instead of redirecting.
    neighbour = make_gmina("Gmina Stare Pole nad Wisłą i Nogatem")
    gmina_services.add_member(neighbour, user, Membership.Role.ADMIN)
    categories = {
        "Odpady": site_data["categories"]["odpady"],
        "Drogi": site_data["categories"]["drogi"],
    }
    make_demo_procedures(gmina, categories=categories)
    now = timezone.now()
    conversations = []
    for i in range(6):
        conversation, _, _ = services.open_conversation(
            gmina,
            body=(
                f"Dzień dobry, kiedy będzie odbiór odpadów wielkogabarytowych "
                f"na ulicy Polnej {i}? {LONG_WORD} Zdjęcie: {LONG_URL} "
                + "Proszę o szybką odpowiedź, bo kontener stoi już tydzień. "
                * 8
            ),
            resident_name=f"Mieszkanka {i} {LONG_WORD[:40]}",
            resident_email=f"mieszkanka{i}.{'x' * 40}@example.org",
            category=categories["Odpady"] if i % 2 else categories["Drogi"],
            village=site_data["villages"][i % 3],
        )
        if i:
            services.reply(conversation, user, f"Odbiór w piątek. {LONG_URL}")
        if i % 3 == 2:
            services.set_status(
                conversation, Conversation.Status.RESOLVED, resolved_in_chat=True
            )
        conversations.append(conversation)
    # Statistics over several weeks and hours of the day.
    for weeks, conversation in enumerate(conversations[1:], start=1):
        Conversation.objects.filter(pk=conversation.pk).update(
            created_at=now - timedelta(weeks=weeks, hours=weeks * 3)
        )
    services.add_note(conversations[0], user, f"Sprawdzić harmonogram. {LONG_URL}")
    saved_reply = SavedReply.objects.create(
        gmina=gmina,
        title="Odbiór odpadów wielkogabarytowych – harmonogram na cały rok",
        body=f"Dzień dobry {{imie}}, harmonogram: {LONG_URL} (sprawa {{sygnatura}}).",
    )
    SavedReply.objects.create(gmina=gmina, title="Powitanie", body="Dzień dobry.")
    OfficeHours.objects.update_or_create(
        gmina=gmina,
        defaults={
            "weekly": {"0": [["07:30", "15:30"]], "2": [["07:30", "17:00"]]},
            "auto_reply": "Urząd jest zamknięty. " + LONG_WORD,
        },
    )
    article = site_data["article"]
    for n, (channel, state) in enumerate(
        [
            (Channel.EMAIL, Delivery.State.SENT),
            (Channel.EMAIL, Delivery.State.FAILED),
            (Channel.SMS, Delivery.State.UNKNOWN),
            (Channel.PUSH, Delivery.State.PENDING),
        ]
    ):
        Delivery.objects.create(
            gmina=gmina,
            item=f"article:{article.pk}",
            page=article,
            channel=channel,
            recipient=f"follower:{n}",
            state=state,
            error=f"550 Skrzynka odbiorcy jest pełna: {LONG_WORD}"
            if state == Delivery.State.FAILED
            else "",
        )
    Delivery.objects.create(
        gmina=gmina,
        item=f"article:{article.pk}",
        page=article,
        channel=Channel.FACEBOOK,
        recipient="page",
        state=Delivery.State.SENT,
        remote_id="1234567890_" + "9" * 40,
    )
    today = timezone.localdate()
    for days in range(0, 60, 7):
        FanCount.objects.create(
            gmina=gmina,
            day=today - timedelta(days=days),
            channel=FanCount.ALL,
            count=1200 - days * 3,
        )
    access_point = AccessPoint.objects.create(
        gmina=gmina,
        name="Remiza OSP w Woli Zawadzkiej przy placu festynowym",
        address=f"ul. Strażacka 2, {LONG_WORD}",
        state=AccessPoint.State.DOWN,
        check_method=AccessPoint.CheckMethod.HTTP,
        check_target=LONG_URL,
        last_error=f"Brak odpowiedzi: {LONG_WORD}",
    )
    CheckDay.objects.create(access_point=access_point, day=today, checks=9, failures=3)
    Outage.objects.create(
        access_point=access_point,
        started_at=timezone.now() - timedelta(hours=2),
        error=f"Serwer nie odpowiedział: {LONG_WORD}",
    )
    AccessibilityStatementPage.objects.filter(pk=site_data["statement"].pk).update(
        prepared_on=date(2020, 1, 15), reviewed_on=None
    )
    return {
        **site_data,
        "user": user,
        "conversations": conversations,
        "saved_reply": saved_reply,
        "village": site_data["villages"][0],
        "category": categories["Odpady"],
        "conversation": conversations[0],
        "kept_mail": kept_mail,
        "access_point": access_point,
    }


def login(page, url):
    page.goto(url + "/admin/login/")
    page.fill("input[name=username]", "wojt")
    page.fill("input[name=password]", "password")
    page.click("button[type=submit]")
    expect(page.locator("#wagtail-sidebar")).to_be_attached()


# Elements Wagtail keeps (mostly) off screen on purpose, past the right
# edge of an edit form: the collapsed minimap and the closed side panel.
HIDDEN_ON_PURPOSE = (
    ".w-minimap:not(.w-minimap--expanded), .form-side:not(.form-side--open)"
)

# What a phone must not do: scroll the page sideways, or cut an element's
# text off. A box that scrolls on purpose says so to everyone: a focusable,
# labelled region ("… (przewijana)"). Form fields scroll their own text, and
# Wagtail's visually hidden helpers are 1 px boxes on purpose. Closed
# <details> are opened first: their content must fit too.
OVERFLOW_JS = (Path(__file__).parent / "overflow.js").read_text()


# Ratusz's tables of numbers: labelled rows on a phone (each cell says its
# column's name), real tables on a desktop.
TABLES_JS = """
(phone) => [...document.querySelectorAll('main table.rz-table td:not([colspan])')]
    .flatMap((cell) => {
        const display = getComputedStyle(cell).display;
        const text = cell.innerText.trim().slice(0, 40);
        const isCell = display === 'table-cell';
        if (!phone) return isCell ? [] : [`not a table cell: ${text}`];
        if (!cell.dataset.label) return [`cell without data-label: ${text}`];
        return isCell ? [`still a table cell on a phone: ${text}`] : [];
    })
    .slice(0, 5)
"""


def test_every_ratusz_admin_screen_is_walked():
    screens = ratusz_admin_screens()
    missing = screens - set(WALKED) - set(EXCLUDED)
    assert not missing, f"new admin screens neither walked nor excluded: {missing}"
    stale = set(EXCLUDED) - screens
    assert not stale, f"excluded but gone: {stale}"
    panels = ratusz_dashboard_panels()
    assert panels == set(PANELS), f"dashboard panels: {panels ^ set(PANELS)}"


def test_staff_screens_fit_a_phone_and_pass_axe(gmina_day, page):
    login(page, gmina_day["url"])
    screens = walked_paths(gmina_day)
    report = []
    for name, path in screens.items():
        for label, viewport in (("390 px", PHONE), ("1280 px", DESKTOP)):
            page.set_viewport_size(viewport)
            response = page.goto(gmina_day["url"] + path)
            assert response.status == 200, f"{name}: {response.status} {page.url}"
            assert page.url.endswith(path), f"{name} went to {page.url}"
            expect(page.locator("main h1, main h2").first).to_be_visible()
            if name == "wagtailadmin_home":
                for selector in PANELS.values():
                    expect(page.locator(selector).first).to_be_visible()
            problems = page.evaluate(OVERFLOW_JS, HIDDEN_ON_PURPOSE)
            problems += page.evaluate(TABLES_JS, viewport is PHONE)
            if problems:
                report.append(f"{name} at {label}: " + "\n    ".join(problems))
            violations = axe_violations(page)
            if violations:
                report.append(f"{name} at {label}: {describe_violations(violations)}")
    assert not report, "\n".join(report)


def test_the_conversation_header_is_the_case_reference(gmina_day, page):
    login(page, gmina_day["url"])
    conversation = gmina_day["conversations"][0]
    page.set_viewport_size(PHONE)
    page.goto(
        gmina_day["url"] + reverse("messenger-conversation", args=[conversation.pk])
    )
    header = page.locator("main header").first
    expect(page.get_by_role("heading", level=1)).to_have_text(conversation.reference)
    assert re.fullmatch(r"RZ/\d{4}/\d{6}", conversation.reference)
    expect(header).not_to_contain_text(conversation.subject[:40])
    # Not the whole first message: the header stays a couple of lines high.
    assert header.bounding_box()["height"] < 200, header.inner_text()
    suggestions = page.locator(".rz-suggestions button")
    expect(suggestions.first).to_be_visible()
    for button in suggestions.all():
        box = button.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], box


def test_tables_are_labelled_rows_on_a_phone_and_tables_on_a_desktop(gmina_day, page):
    login(page, gmina_day["url"])
    gmina = gmina_day["gmina"]
    path = reverse("messenger-stats", args=[gmina.pk])
    page.set_viewport_size(PHONE)
    page.goto(gmina_day["url"] + path)
    cell = page.locator("table.rz-table tbody td").first
    expect(cell).to_have_attribute("data-label", "Rozmowy")
    label = cell.evaluate("el => getComputedStyle(el, '::before').content")
    assert "Rozmowy" in label, label
    assert cell.evaluate("el => getComputedStyle(el).display") != "table-cell"
    page.set_viewport_size(DESKTOP)
    page.goto(gmina_day["url"] + path)
    assert cell.evaluate("el => getComputedStyle(el).display") == "table-cell"
    assert cell.evaluate("el => getComputedStyle(el, '::before').content") == "none"
