"""The body stream that articles, pages and procedures share, and its plain text."""

import html
import re

from django.utils.html import strip_tags
from wagtail import blocks
from wagtail.images.blocks import ImageBlock

_BLOCK_END = re.compile(r"</(?:p|h\d|li|blockquote)>|<br\s*/?>|<hr\s*/?>", re.I)

RICH_TEXT_FEATURES = [
    "h2", "h3", "h4", "bold", "italic", "ol", "ul", "link", "document-link",
    "hr", "blockquote",
]  # fmt: skip


class CaptionedImageBlock(blocks.StructBlock):
    image = ImageBlock(label="obraz")
    caption = blocks.CharBlock(label="podpis", required=False, max_length=250)

    class Meta:
        icon = "image"
        label = "obraz"
        template = "components/blocks/captioned_image.html"


class QuoteBlock(blocks.StructBlock):
    text = blocks.TextBlock(label="cytat")
    source = blocks.CharBlock(label="źródło", required=False)

    class Meta:
        icon = "openquote"
        label = "cytat"
        template = "components/blocks/quote.html"


class BodyBlock(blocks.StreamBlock):
    paragraph = blocks.RichTextBlock(
        label="tekst",
        features=RICH_TEXT_FEATURES,
        template="components/blocks/text.html",
    )
    image = CaptionedImageBlock()
    quote = QuoteBlock()

    class Meta:
        label = "treść"


def stream_text(body) -> str:
    """Return the text of a BodyBlock stream, one line per block.

    Block boundaries become spaces, so "<li>a</li><li>b</li>" is two words.
    """
    parts = []
    for block in body:
        if block.block_type == "paragraph":
            source = _BLOCK_END.sub(r"\g<0> ", block.value.source)
            parts.append(html.unescape(strip_tags(source)))
        elif block.block_type == "quote":
            parts.append(block.value["text"])
        elif block.block_type == "image":
            parts.append(block.value.get("caption") or "")
    return "\n".join(p for p in parts if p)
