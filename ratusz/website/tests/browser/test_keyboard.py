"""Keyboard users: the skip link comes first and lands in <main>; focus is
always visible."""

import pytest

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

ACTIVE = """() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  const box = el.getBoundingClientRect();
  return {
    tag: el.tagName.toLowerCase(), id: el.id, text: el.textContent.trim(),
    className: el.className, outline: style.outlineStyle,
    outlineWidth: parseFloat(style.outlineWidth), boxShadow: style.boxShadow,
    visible: box.width > 1 && box.height > 1 && box.right > 0 && box.bottom > 0
      && box.left < innerWidth && box.top < innerHeight,
  };
}"""


def _has_visible_focus(active):
    outlined = active["outline"] != "none" and active["outlineWidth"] >= 2
    return active["visible"] and (outlined or active["boxShadow"] != "none")


def test_it_starts_with_a_skip_link_to_main(site_data, page):
    for url in ("/", site_data["article"].url):
        page.goto(site_data["url"] + url)
        page.keyboard.press("Tab")
        active = page.evaluate(ACTIVE)
        assert active["className"] == "skip-link", (url, active)
        assert active["text"] == "Przejdź do treści"
        assert _has_visible_focus(active), (url, active)

        page.keyboard.press("Enter")
        active = page.evaluate(ACTIVE)
        assert (active["tag"], active["id"]) == ("main", "tresc"), (url, active)
        # The next Tab continues inside the content, not back in the header.
        page.keyboard.press("Tab")
        inside = page.evaluate(
            "() => document.querySelector('main').contains(document.activeElement)"
        )
        assert inside, url


def test_it_shows_focus_on_every_control(site_data, page):
    page.goto(site_data["url"] + site_data["news"].url)
    seen = []
    for _ in range(60):
        page.keyboard.press("Tab")
        active = page.evaluate(ACTIVE)
        if active["tag"] == "body":
            break
        seen.append(active)
        label = f"{active['tag']} {active['text'][:40]!r}"
        assert _has_visible_focus(active), f"no visible focus on {label}: {active}"
    tags = {a["tag"] for a in seen}
    assert {"a", "input", "button", "select"} <= tags, tags
