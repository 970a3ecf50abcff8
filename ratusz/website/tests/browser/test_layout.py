"""Pages fit a phone screen (no sideways scrolling) and a desktop one.

Screenshots go to $RATUSZ_SHOTS (e.g. /tmp/ratusz-shots) when it is set, to
look at by eye."""

import os
from pathlib import Path

import pytest

from ratusz.test import make_village

from .conftest import DESKTOP, PHONE

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SHOTS = os.environ.get("RATUSZ_SHOTS")


def test_it_fits_phone_and_desktop_screens(site_data, page):
    # Enough villages, with long names, for the follow page's list to fold.
    for n in range(8):
        make_village(site_data["gmina"], f"Kolonia Wielkopolska-Zakrzewska {n}")
    urls = {
        "home": "/",
        "news": site_data["news"].url,
        "article": site_data["article"].url,
        "search": "/szukaj/?q=remont",
        "follow": "/obserwuj/",
        "follow-preselected": "/obserwuj/?kanal=email&kategoria=odpady"
        "&solectwo=kolonia-wielkopolska-zakrzewska-1",
    }
    overflowing = []
    # 320 px: WCAG 1.4.10 reflow (1280 px at 400% zoom); 390 px: today's
    # common phone.
    narrow = {"width": 320, "height": 640}
    phone_390 = {"width": 390, "height": 844}
    viewports = (
        ("narrow", narrow),
        ("phone", PHONE),
        ("phone-390", phone_390),
        ("desktop", DESKTOP),
    )
    for label, viewport in viewports:
        page.set_viewport_size(viewport)
        for name, url in urls.items():
            page.goto(site_data["url"] + url)
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > viewport["width"]:
                wide = page.evaluate(
                    """(limit) => [...document.querySelectorAll('body *')]
                      .filter(e => e.getBoundingClientRect().right > limit + 1)
                      .slice(0, 5).map(e => e.outerHTML.slice(0, 120))""",
                    viewport["width"],
                )
                overflowing.append(f"{label} {name}: {width}px wide; {wide}")
            if SHOTS:
                Path(SHOTS).mkdir(parents=True, exist_ok=True)
                page.screenshot(path=f"{SHOTS}/{name}-{label}.png", full_page=True)
    assert not overflowing, "\n".join(overflowing)
    # At 390 px the follow form's fields use the whole width of the page.
    page.set_viewport_size(phone_390)
    page.goto(site_data["url"] + "/obserwuj/")
    main = page.locator("main").bounding_box()
    email = page.get_by_label("Adres e-mail").bounding_box()
    assert email["width"] >= main["width"] - 40, (email, main)
    # Images on the article are real pictures that loaded, with alt text.
    page.goto(site_data["url"] + site_data["article"].url)
    images = page.locator("main img")
    assert images.count() == 2
    for i in range(images.count()):
        image = images.nth(i)
        image.scroll_into_view_if_needed()
        assert image.evaluate("img => img.complete && img.naturalWidth > 0")
        assert image.get_attribute("alt")
