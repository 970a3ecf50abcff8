"""Starting a statement campaign and reminding every household, once, on
the channel it has.

The channel, first that fits (`choose_channel`):

1. e-mail, when the household has an address;
2. SMS, when its phone is a Polish mobile number and the gmina connected SMS;
3. the messenger ("Napisz do urzędu"), when the gmina already has a
   conversation with a resident of the same e-mail or phone (a staff reply
   there reaches the resident as they chose to be told);
4. otherwise a letter, printed by the office (`letters_pdf`: one page per
   household with the letterhead, the statement's text, the items and
   serial numbers and the deadline).

E-mail and SMS are outbox deliveries (item `statement:<id>`, recipient
`household:<id>`), planned in the transaction that marks the statement
reminded, so retries and "never twice" are the outbox's. A statement is
reminded once: `send_reminders` takes only statements without
`reminded_at`, under a lock, so a second start (or a second click) sends
nothing more. A closed window sends nothing.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from ratusz.lib.pdf import FAMILY, Document
from ratusz.lib.phones import PhoneError, national_number, normalize_phone
from ratusz.messenger import services as messenger
from ratusz.messenger.models import Conversation
from ratusz.outbox import registry
from ratusz.outbox import services as outbox
from ratusz.outbox.models import Channel as OutboxChannel
from ratusz.outbox.models import Delivery
from ratusz.outbox.transports import Envelope

from . import programmes
from .statements import Statement, StatementCampaign, create_campaign, held_items

ITEM_KIND = "statement"
Channel = Statement.Channel


def sms_connected(gmina) -> bool:
    connection = registry.connections().get(OutboxChannel.SMS)
    return connection is not None and connection.is_connected(gmina)


def mobile_number(phone: str) -> str:
    """The household's phone as E.164 when it can take an SMS, else ""."""
    try:
        return normalize_phone(phone) if phone.strip() else ""
    except PhoneError:
        return ""


def conversation_of(household) -> Conversation | None:
    """The gmina's latest conversation with a resident of the household's
    e-mail or phone."""
    match = Q()
    if household.email:
        match |= Q(resident_email__iexact=household.email)
    national = national_number(household.phone)
    if national:
        match |= Q(resident_phone="+48" + national)
    if not match:
        return None
    return (
        Conversation.objects.for_gmina(household.gmina)
        .filter(match)
        .order_by("-last_message_at", "-pk")
        .first()
    )


def choose_channel(household, *, sms: bool) -> tuple[str, Conversation | None]:
    """The reminder's channel for `household` (see the module's docstring)
    and, for the messenger, the conversation."""
    if household.email:
        return Channel.EMAIL, None
    if sms and mobile_number(household.phone):
        return Channel.SMS, None
    conversation = conversation_of(household)
    if conversation is not None:
        return Channel.MESSENGER, conversation
    return Channel.LETTER, None


def start_campaign(programme, window, year: int, *, by, today: date):
    """Create (or complete) the campaign and remind whoever was not yet.

    Returns (campaign, statements added, reminders sent per channel)."""
    with transaction.atomic():
        campaign, added = create_campaign(programme, window, year, by=by)
        sent = send_reminders(campaign, by=by, today=today)
    return campaign, added, sent


@transaction.atomic
def send_reminders(campaign: StatementCampaign, *, by, today: date) -> dict:
    """Remind every statement of `campaign` not reminded yet (none once the
    window has closed or for statements already in); {channel: count}.

    Locks the statements it reminds (select_for_update): a concurrent call
    waits and then finds them reminded.
    """
    sent = dict.fromkeys(Channel.values, 0)
    if campaign.phase(today) == "closed":
        return sent
    sms = sms_connected(campaign.gmina)
    waiting = (
        # Lock the statements alone, not the households and gmina joined in.
        Statement.objects.select_for_update(of=("self",))
        .filter(campaign=campaign, reminded_at__isnull=True, submitted_on__isnull=True)
        .select_related("household__gmina", "campaign__programme", "campaign__gmina")
        .order_by("pk")
    )
    now = timezone.now()
    deliveries = []
    for statement in waiting:
        household = statement.household
        channel, conversation = choose_channel(household, sms=sms)
        if channel in (Channel.EMAIL, Channel.SMS):
            deliveries.append(
                Delivery(
                    gmina=campaign.gmina,
                    item=f"{ITEM_KIND}:{statement.pk}",
                    channel=channel,
                    recipient=f"household:{household.pk}",
                )
            )
        elif channel == Channel.MESSENGER:
            messenger.reply(
                conversation,
                by,
                message_text(statement),
                client_id=f"inclusion-statement-{statement.pk}",
            )
        statement.reminder_channel = channel
        statement.reminded_at = now
        statement.save(update_fields=["reminder_channel", "reminded_at"])
        sent[channel] += 1
    outbox.enqueue(deliveries)
    return sent


def _context(statement: Statement) -> dict:
    campaign = statement.campaign
    programme = campaign.programme
    gmina = campaign.gmina
    return {
        "gmina": gmina,
        "household": statement.household,
        "programme": programme,
        "campaign": campaign,
        "items": list(held_items(statement.household, programme)),
        "deadline": campaign.window_end,
        "given": programme.handover == programmes.GIVEN,
    }


def message_text(statement: Statement) -> str:
    """The reminder as plain text (e-mail body, messenger reply)."""
    with translation.override(settings.LANGUAGE_CODE):
        return render_to_string(
            "inclusion/statements/email/reminder-body.txt", _context(statement)
        )


def compose(delivery: Delivery) -> Envelope | None:
    """The outbox's reminder for one delivery; None once it no longer
    applies (the statement is in, the address or number is gone)."""
    _kind, _sep, pk = delivery.item.partition(":")
    statement = (
        Statement.objects.select_related(
            "household", "campaign__programme", "campaign__gmina__site"
        )
        .filter(pk=int(pk) if pk.isdigit() else 0, campaign__gmina=delivery.gmina_id)
        .first()
    )
    if statement is None or statement.submitted_on is not None:
        return None
    household = statement.household
    context = _context(statement)
    with translation.override(settings.LANGUAGE_CODE):
        if delivery.channel == OutboxChannel.EMAIL:
            if not household.email:
                return None
            subject = render_to_string(
                "inclusion/statements/email/reminder-subject.txt", context
            )
            host = context["gmina"].site.hostname or "ratusz.localhost"
            return Envelope(
                subject=" ".join(subject.split()),
                text=message_text(statement),
                message_id=f"<statement-{statement.pk}.household-{household.pk}"
                f".email@{host}>",
                extra={"to": household.email},
            )
        if delivery.channel == OutboxChannel.SMS:
            phone = mobile_number(household.phone)
            if not phone:
                return None
            text = render_to_string("inclusion/statements/sms.txt", context)
            return Envelope(
                subject="", text=" ".join(text.split()), extra={"to": phone}
            )
    return None


# Letters ---------------------------------------------------------------------


def _letterhead(doc: Document, gmina) -> None:
    doc.set_font(FAMILY, "B", 12)
    doc.cell(0, 6, gmina.name, new_x="LMARGIN", new_y="NEXT")
    doc.set_font(FAMILY, size=9)
    contact = [line.strip() for line in gmina.address.splitlines() if line.strip()]
    if gmina.phone:
        contact.append(_("tel. %(phone)s") % {"phone": gmina.phone})
    if gmina.email:
        contact.append(_("e-mail: %(email)s") % {"email": gmina.email})
    if contact:
        doc.multi_cell(0, 4.5, " · ".join(contact), new_x="LMARGIN", new_y="NEXT")
    doc.line(doc.l_margin, doc.get_y() + 2, doc.w - doc.r_margin, doc.get_y() + 2)
    doc.ln(6)
    doc.set_font(FAMILY, size=10)


def _letter(doc: Document, statement: Statement, today: date, follow_up: bool):
    context = _context(statement)
    gmina, household = context["gmina"], statement.household
    campaign, programme = statement.campaign, context["programme"]
    _letterhead(doc, gmina)
    doc.cell(0, 5, f"{today:%d.%m.%Y}", align="R", new_x="LMARGIN", new_y="NEXT")
    place = household.address
    if household.village_id:
        place = f"{place} ({household.village.name})"
    doc.paragraph(f"{household.first_name} {household.surname}\n{place}")
    doc.ln(2)
    doc.heading(
        _("Ponowne wezwanie do złożenia oświadczenia")
        if follow_up
        else _("Przypomnienie o corocznym oświadczeniu"),
        level=2,
    )
    deadline = f"{campaign.window_end:%d.%m.%Y}"
    window = f"{campaign.window_start:%d.%m.%Y}–{deadline}"
    if follow_up:
        intro = _(
            "W terminie %(window)s nie wpłynęło Pana/Pani oświadczenie o "
            "posiadaniu i wykorzystaniu sprzętu otrzymanego w programie "
            "„%(programme)s”. Prosimy o jego niezwłoczne złożenie."
        )
    else:
        intro = _(
            "Uprzejmie przypominamy, że w terminie %(window)s należy złożyć "
            "oświadczenie o posiadaniu i wykorzystaniu sprzętu otrzymanego w "
            "programie „%(programme)s”. Termin mija %(deadline)s."
        )
    doc.paragraph(
        intro % {"window": window, "programme": programme.name, "deadline": deadline}
    )
    doc.paragraph(
        _(
            "Oświadczenie można złożyć w urzędzie, przesłać pocztą albo e-mailem "
            "z podpisem zaufanym lub kwalifikowanym."
        )
    )
    doc.heading(_("Oświadczenie"), level=3)
    given = context["given"]
    doc.paragraph(
        _(
            "Ja, niżej podpisany(-a) %(name)s, oświadczam, że sprzęt wymieniony "
            "poniżej, %(how)s w ramach programu „%(programme)s”, znajduje się w "
            "moim gospodarstwie domowym, nie został zbyty ani oddany innym osobom "
            "i jest wykorzystywany zgodnie z umową%(child)s."
        )
        % {
            "name": f"{household.first_name} {household.surname}",
            "how": _("przekazany na własność") if given else _("użyczony"),
            "programme": programme.name,
            "child": _(" (do nauki dziecka)") if given else "",
        }
    )
    rows = [
        [
            index,
            item.inventory_number,
            item.serial_number,
            f"{item.get_kind_display()} {item.model}".strip(),
        ]
        for index, item in enumerate(context["items"], 1)
    ]
    doc.table(
        [_("Lp."), _("Nr inwentarzowy"), _("Nr seryjny"), _("Sprzęt")],
        rows or [["", "", "", _("(brak sprzętu w rejestrze)")]],
        widths=[12, 40, 50, 72],
    )
    doc.paragraph(_("Uwagi (np. awaria, zmiana adresu): ……………………………………………………"))
    doc.ln(10)
    doc.paragraph(
        "……………………………………………            ……………………………………………\n"
        + _("miejscowość i data")
        + "                                   "
        + _("podpis")
    )


def letters_pdf(statements, *, today: date, follow_up: bool = False) -> bytes:
    """One Polish letter a page for each statement (reminder or follow-up)."""
    statements = list(statements)
    gmina = statements[0].campaign.gmina if statements else None
    title = _("Wezwania do złożenia oświadczeń") if follow_up else _("Przypomnienia")
    doc = Document(
        title, author=gmina.name if gmina else "", footer=gmina.name if gmina else ""
    )
    if not statements:
        doc.paragraph(_("Brak listów do wydrukowania."))
    for number, statement in enumerate(statements):
        if number:
            doc.add_page()
        _letter(doc, statement, today, follow_up)
    return doc.output_bytes()


def letter_statements(campaign: StatementCampaign):
    """Reminders to print: households reminded by letter, statement not in."""
    return _for_letters(
        campaign.statements.filter(
            reminder_channel=Channel.LETTER, submitted_on__isnull=True
        )
    )


def follow_up_letter_statements(campaign: StatementCampaign, today: date):
    """Follow-up letters: every missing statement, whatever reminded it."""
    return _for_letters(
        campaign.statements.with_status(today).filter(status=Statement.Status.MISSING)
    )


def _for_letters(statements):
    return statements.select_related(
        "household__village", "campaign__programme", "campaign__gmina"
    ).order_by("household__surname", "household__first_name", "pk")
