"""Test objects for the admin: a gmina administrator, images, article POSTs."""

import tempfile

from django.core.files.base import ContentFile
from django.utils import timezone
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from ratusz.gminas import services
from ratusz.gminas.models import Gmina, Membership
from ratusz.test import make_user

# Uploaded test images go here, not into the project's var/media.
MEDIA = tempfile.TemporaryDirectory(prefix="ratusz-gminas-media-")


def make_member(gmina: Gmina, username: str, role: str = Membership.Role.ADMIN):
    user = make_user(username)
    services.add_member(gmina, user, role)
    return user


def make_image(gmina: Gmina, title: str, *, by=None):
    """Create an image in the gmina's collection (needs MEDIA_ROOT=MEDIA.name)."""
    return get_image_model().objects.create(
        title=title,
        file=get_test_image_file(),
        collection=gmina.collection,
        uploaded_by_user=by,
    )


def make_document(gmina: Gmina, title: str, *, by=None):
    """Create a document in the gmina's collection (needs MEDIA_ROOT=MEDIA.name)."""
    return get_document_model().objects.create(
        title=title,
        file=ContentFile(b"%PDF-1.4\n%%EOF\n", name="uchwala.pdf"),
        collection=gmina.collection,
        uploaded_by_user=by,
    )


def article_form_data(title: str, action: str | None = None, **fields) -> dict:
    """POST data for the ArticlePage add/edit form, as the admin sends it.

    `action` is the button pressed: "publish", "submit" (for moderation) or
    None (save draft).
    """
    data = {
        "title": title,
        "slug": fields.pop("slug", "artykul"),
        "lead": fields.pop("lead", "Lead artykułu."),
        "date": timezone.localtime().strftime("%Y-%m-%d %H:%M"),
        "author_name": "",
        "body": streamfield([("paragraph", rich_text(f"<p>Treść: {title}</p>"))]),
        "tags": "",
        "summary": "",
        "seo_title": "",
        "search_description": "",
    }
    # nested_form_data would flatten a list of ids into "villages-0", …
    lists = {k: v for k, v in fields.items() if isinstance(v, list)}
    data.update({k: v for k, v in fields.items() if k not in lists})
    if action:
        data[f"action-{action}"] = action
    return {**nested_form_data(data), **lists}


def assert_not_shown(response, text: str) -> None:
    """Fail if `text` is in the response, without dumping the whole page."""
    body = response.content.decode()
    if text in body:
        at = body.index(text)
        raise AssertionError(
            f"{text!r} shown in {response.status_code} response: "
            f"…{body[max(0, at - 150) : at + 150]}…"
        )
