"""The resident's pages in chromium: 0 axe-core violations at phone and
desktop widths, and the whole path without JavaScript."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from playwright.sync_api import expect

from ratusz.messenger import attachments, services
from ratusz.messenger.models import Attachment, Conversation, Message
from ratusz.messenger.tests.test_attachments import PDF, jpeg_with_gps
from ratusz.website.tests.browser.conftest import DESKTOP, PHONE
from ratusz.website.tests.browser.helpers import (
    axe_violations,
    csp_errors,
    describe_violations,
)

from .conftest import CONTEXT_ARGS

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def messenger(site_data, settings, tmp_path):
    settings.PRIVATE_FILES_DIR = tmp_path / "private"
    # The live server is WSGI: an event stream there ends at once and the
    # browser polls (the ASGI stream is tested in test_resident_live.py).
    settings.MESSENGER_SSE_LIFETIME = 0
    return site_data


def _assert_accessible(page, label):
    for size in (PHONE, DESKTOP):
        page.set_viewport_size(size)
        violations = axe_violations(page)
        assert not violations, f"{label} at {size}:\n" + describe_violations(violations)


def test_the_form_is_accessible_with_and_without_errors(messenger, page):
    page.goto(messenger["url"] + "/")
    page.get_by_role("banner").get_by_role("link", name="Napisz do urzędu").click()
    expect(
        page.get_by_role("heading", level=1, name="Napisz do urzędu")
    ).to_be_visible()
    _assert_accessible(page, "form")

    page.get_by_role("textbox", name="Adres e-mail").fill("jan@example.pl")
    page.get_by_role("button", name="Wyślij wiadomość").click()
    expect(page.get_by_role("alert")).to_be_visible()
    expect(page.get_by_text("Wpisz treść wiadomości.")).to_be_visible()
    expect(page.get_by_role("textbox", name="Adres e-mail")).to_have_value(
        "jan@example.pl"
    )
    _assert_accessible(page, "form with errors")
    assert csp_errors(page) == []
    assert not Conversation.objects.exists()


def test_the_conversation_page_is_accessible(messenger, page):
    conversation, _, _ = services.open_conversation(
        messenger["gmina"], body="Czy mogę dostać zaświadczenie?", resident_name="Jan"
    )
    message, _ = services.receive(conversation, "Dołączam zdjęcie i wniosek")
    for name, data in (
        ("<img src=x onerror=alert(1)>.jpg", jpeg_with_gps()),
        ("wniosek.pdf", PDF),
    ):
        attachments.store(message, attachments.check(SimpleUploadedFile(name, data)))
    services.reply(conversation, None, "Tak, zapraszamy w poniedziałek.")
    services.add_system_message(conversation, "Odpowiemy w poniedziałek.")

    page.goto(f"{messenger['url']}/napisz/r/{conversation.token}/")
    expect(
        page.get_by_role("heading", level=1, name=f"Sprawa {conversation.reference}")
    ).to_be_visible()
    expect(
        page.get_by_role("link", name="<img src=x onerror=alert(1)>.jpg")
    ).to_be_visible()
    expect(page.get_by_text("Tak, zapraszamy w poniedziałek.")).to_be_visible()
    expect(page.get_by_role("button", name="Kopiuj link do rozmowy")).to_be_visible()
    _assert_accessible(page, "conversation")

    # A refused file: the error beside the field, the text kept.
    page.get_by_label("Twoja wiadomość").fill("A to program")
    page.set_input_files(
        "#reply-attachment",
        files=[
            {
                "name": "zdjecie.jpg",
                "mimeType": "image/jpeg",
                "buffer": b"MZ\x90\x00" + b"\x00" * 100,
            }
        ],
    )
    page.get_by_role("button", name="Wyślij", exact=True).click()
    expect(page.get_by_text("ma niedozwolony typ")).to_be_visible()
    expect(page.get_by_role("alert")).to_be_visible()
    expect(page.get_by_label("Twoja wiadomość")).to_have_value("A to program")
    _assert_accessible(page, "conversation with an error")
    assert csp_errors(page) == []


def test_the_whole_path_works_without_javascript(messenger, browser):
    context = browser.new_context(**CONTEXT_ARGS, java_script_enabled=False)
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        page.goto(messenger["url"] + "/napisz/")
        page.get_by_label("Twoja wiadomość").fill("Kiedy odbiór gabarytów w Łąkach?")
        page.get_by_label("Imię i nazwisko (nieobowiązkowo)").fill("Anna")
        page.get_by_role("button", name="Wyślij wiadomość").click()

        conversation = Conversation.objects.get()
        assert re.search(rf"/napisz/r/{conversation.token}/$", page.url)
        expect(page.get_by_role("heading", level=1)).to_have_text(
            f"Sprawa {conversation.reference}"
        )
        # Without JavaScript the link is a plain link to copy by hand.
        expect(page.get_by_role("link", name=page.url)).to_be_visible()
        expect(page.get_by_text("Kiedy odbiór gabarytów w Łąkach?")).to_be_visible()

        page.get_by_label("Twoja wiadomość").fill("Przesyłam zdjęcie")
        page.set_input_files(
            "#reply-attachment",
            files=[
                {
                    "name": "IMG_1.jpg",
                    "mimeType": "image/jpeg",
                    "buffer": jpeg_with_gps(),
                }
            ],
        )
        page.get_by_role("button", name="Wyślij", exact=True).click()
        expect(page.get_by_text("Przesyłam zdjęcie")).to_be_visible()
        expect(page.get_by_role("link", name="IMG_1.jpg")).to_be_visible()
        assert Attachment.objects.count() == 1
        assert Message.objects.filter(body="Przesyłam zdjęcie").count() == 1

        # A refused file: a Polish error, the text kept.
        page.get_by_label("Twoja wiadomość").fill("A to program")
        page.set_input_files(
            "#reply-attachment",
            files=[
                {
                    "name": "zdjecie.jpg",
                    "mimeType": "image/jpeg",
                    "buffer": b"MZ\x90\x00" + b"\x00" * 100,
                }
            ],
        )
        page.get_by_role("button", name="Wyślij", exact=True).click()
        expect(page.get_by_text("ma niedozwolony typ")).to_be_visible()
        expect(page.get_by_label("Twoja wiadomość")).to_have_value("A to program")
        # (axe needs JavaScript: the same server-rendered pages are checked
        # in the tests above.)
    finally:
        context.close()
