"""A Polish staff member's day in the admin, in chromium: no English on screen.

The walk: the dashboard, a new article with a validation error, a saved draft,
publishing, the scheduling dialog and its notice, the images listing and the
messenger inbox. On each screen the visible text (what `innerText` gives: the
screen reader's hidden labels too) must not contain any of the English
phrases Wagtail's own Polish catalogue used to lack.
"""

import re

import pytest
from playwright.sync_api import expect

from ratusz.gminas.models import Membership
from ratusz.gminas.tests.factory import make_member
from ratusz.messenger import services as messenger

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

# Whole words or phrases, case-sensitive ("Edit", not "edytuj").
ENGLISH = [
    "The page could not be created due to validation errors",
    "The page could not be saved due to validation errors",
    "Schedule to publish",
    "This publishing schedule will only take effect",
    "Saved",
    "Images",
    "Image",
    "A comma-separated list of tags",
    "Save draft",
    "Publish",
    "Edit",
    "Delete",
    "Search",
    "Dashboard",
    "Pages",
    "Documents",
    "created in",
    "across entire site",
]
RANGE_OF = re.compile(r"\b\d+-\d+ of \d+\b")  # "1-50 of 52"


def english_on(page) -> list[str]:
    text = page.locator("body").inner_text()
    found = [p for p in ENGLISH if re.search(rf"\b{re.escape(p)}\b", text)]
    found += RANGE_OF.findall(text)
    return found


@pytest.fixture
def staff(site_data):
    gmina = site_data["gmina"]
    make_member(gmina, "dora", Membership.Role.EDITOR)
    messenger.open_conversation(
        gmina, body="Kiedy odbiór odpadów?", resident_name="Jan Kos"
    )
    return site_data


def login(page, url):
    page.goto(url + "/admin/login/")
    page.fill("input[name=username]", "dora")
    page.fill("input[name=password]", "password")
    page.click("button[type=submit]")
    expect(page.locator("#wagtail-sidebar")).to_be_attached()


def open_action_menu(page):
    """Open the editor's footer menu (publish and the rest)."""
    menu = page.locator(".w-dropdown", has=page.locator("button[name=action-publish]"))
    menu.locator("[data-w-dropdown-target=toggle]").click()
    expect(page.locator("button[name=action-publish]")).to_be_visible()


def test_a_polish_editor_sees_no_english(staff, page):
    url, gmina, news = staff["url"], staff["gmina"], staff["news"]
    seen = {}

    def check(screen):
        seen[screen] = english_on(page)

    login(page, url)
    check("kokpit")

    # A new article saved without a title: the validation banner.
    page.goto(f"{url}/admin/pages/add/website/articlepage/{news.pk}/")
    page.get_by_role("button", name="Zapisz szkic").click()
    expect(page.locator(".messages .error")).to_be_visible()
    check("nowy artykuł z błędem")

    page.locator("#id_title").fill("Zebranie wiejskie w Woli")
    page.locator("#id_title").press("Tab")  # the slug follows the title on blur
    expect(page.locator("#id_slug")).to_have_value("zebranie-wiejskie-w-woli")
    page.get_by_role("button", name="Zapisz szkic").click()
    expect(page).to_have_url(re.compile(r"/admin/pages/\d+/edit/"))
    check("zapisany szkic")

    # Publishing from the editor's action menu.
    open_action_menu(page)
    page.locator("button[name=action-publish]").click()
    expect(page.locator(".messages .success")).to_be_visible()
    check("po publikacji (lista stron)")

    # Scheduling a change of the published article for later.
    page.get_by_role("link", name=re.compile("Zebranie wiejskie")).first.click()
    expect(page).to_have_url(re.compile(r"/admin/pages/\d+/edit/"))
    page.locator("[data-side-panel-toggle=status]").click()
    check("panel stanu")
    page.locator("[data-a11y-dialog-show=schedule-publishing-dialog]").first.click()
    dialog = page.locator("#schedule-publishing-dialog")
    expect(dialog).to_be_visible()
    check("okno harmonogramu")
    dialog.locator("#id_go_live_at").fill("2035-01-02 10:00")
    # The date picker pops up (100 ms after focus) over the dialog's button;
    # it closes when the field loses focus.
    picker = page.locator(".xdsoft_datetimepicker:visible")
    expect(picker).to_have_count(1)
    dialog.locator("#id_go_live_at").evaluate("(field) => field.blur()")
    expect(picker).to_have_count(0)
    dialog.locator("button[type=submit]").click()
    expect(dialog).to_be_hidden()
    open_action_menu(page)
    check("zaplanowana publikacja")

    page.goto(f"{url}/admin/images/")
    check("obrazy")
    page.goto(f"{url}/admin/rozmowy/gmina/{gmina.pk}/")
    expect(page.get_by_text("Kiedy odbiór odpadów?")).to_be_visible()
    check("skrzynka rozmów")

    assert {screen: found for screen, found in seen.items() if found} == {}
