"""What an article will look like on each channel, before it is published.

The editor's preview uses these. The texts follow what the composers send:
`messages` for e-mail, push and SMS; for Facebook and Mastodon the editor's
text (or the lead) with the article's link added by the network integration.
How long a text is on SMS and Mastodon is each network's own rule, which it
registers (`registry.register_text_counter`): one rule for the preview and
the transport.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.template.loader import render_to_string
from django.utils.text import Truncator

from .messages import sms_text
from .registry import text_counter


def mastodon_status(text: str, url: str) -> str:
    return f"{text}\n\n{url}" if url else text


@dataclass
class ChannelPreview:
    channel: str
    label: str
    sent: bool
    # Why nothing goes out on this channel (when `sent` is False).
    reason: str = ""
    subject: str = ""
    text: str = ""
    url: str = ""
    notes: list[str] = field(default_factory=list)
    # The SMS parts the text costs (encoding, length, segments, per_segment).
    sms: tuple | None = None
    length: int | None = None
    limit: int | None = None

    @property
    def too_long(self) -> bool:
        return self.limit is not None and (self.length or 0) > self.limit


def article_previews(article, gmina) -> list[ChannelPreview]:
    """One preview per channel for the article as it is now (a draft too)."""
    url = article.get_full_url() or ""
    lead = article.lead or article.search_description or ""
    silent = "" if article.notify_followers else "Powiadomienia są wyłączone."
    previews = []

    email_text = render_to_string(
        "emails/article-body-text.txt",
        {
            "gmina": gmina,
            "article": article,
            "lead": lead,
            "url": url,
            "manage_url": "[link do ustawień obserwującego]",
            "unsubscribe_url": "[link do wypisania się]",
        },
    )
    previews.append(
        ChannelPreview(
            "email",
            "E-mail",
            not silent,
            silent,
            subject=article.title,
            text=email_text.strip(),
            url=url,
        )
    )
    previews.append(
        ChannelPreview(
            "push",
            "Powiadomienie w przeglądarce",
            not silent,
            silent,
            subject=article.title,
            text=Truncator(lead).chars(180),
            url=url,
        )
    )

    sms_counter = text_counter("sms")
    urgent = article.is_marked_urgent()
    sms = article.sms_text or (sms_text(article.title, url) if urgent else "")
    sms_reason = silent or (
        ""
        if sms
        else "SMS nie zostanie wysłany: artykuł nie jest pilny i nie ma treści SMS."
    )
    previews.append(
        ChannelPreview(
            "sms",
            "SMS",
            not sms_reason,
            sms_reason,
            text=sms,
            sms=sms_counter.count(sms) if sms_counter else None,
        )
    )

    facebook = article.facebook_text or lead
    previews.append(
        ChannelPreview(
            "facebook",
            "Facebook",
            not silent,
            silent,
            text=facebook,
            url=url,
            notes=["Wysyłany tylko, gdy gmina połączyła stronę na Facebooku."],
        )
    )

    mastodon = article.mastodon_text or "\n\n".join(
        part for part in (article.title, lead) if part
    )
    status = mastodon_status(mastodon, url)
    mastodon_counter = text_counter("mastodon")
    previews.append(
        ChannelPreview(
            "mastodon",
            "Mastodon",
            not silent,
            silent,
            text=status,
            length=mastodon_counter.count(status) if mastodon_counter else None,
            limit=mastodon_counter.limit if mastodon_counter else None,
            notes=["Wysyłany tylko, gdy gmina połączyła konto w Mastodonie."],
        )
    )
    return previews
