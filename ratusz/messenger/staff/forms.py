"""Forms of the staff inbox: filters, reply, note, assign, details, resolve,
a conversation on a resident's behalf, saved replies and office hours.

Every choice of a related row (assignee, category, village) is limited to the
conversation's gmina, so a crafted POST cannot reach another gmina's rows.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django import forms
from django.contrib.auth import get_user_model
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ratusz.gminas.models import Category, Village
from ratusz.lib.dates import WARSAW
from ratusz.website import search as site_search

from .. import hours
from ..models import (
    MAX_MESSAGE_CHARS,
    MAX_NAME_CHARS,
    Conversation,
    Holiday,
    SavedReply,
)

WEEKDAYS = [
    _("poniedziałek"),
    _("wtorek"),
    _("środa"),
    _("czwartek"),
    _("piątek"),
    _("sobota"),
    _("niedziela"),
]


def staff_of(gmina):
    """The users who are members of the gmina (any role), by name."""
    return (
        get_user_model()
        .objects.filter(memberships__gmina=gmina, is_active=True)
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.get_username()


class InboxFilterForm(forms.Form):
    """The inbox's search box and filters (GET).

    With no status chosen the inbox shows what still needs the office: open
    conversations and those waiting for the resident, not resolved ones.
    """

    ACTIVE = "active"
    ALL = "all"
    # The filters remembered per staff member and gmina (`inbox_filter_form`);
    # the search box is not: a search is a one-off.
    REMEMBERED = ("status", "assignee", "category", "village")

    q = forms.CharField(
        label=_("Szukaj w rozmowach"),
        required=False,
        widget=forms.TextInput(
            attrs={"type": "search", "aria-describedby": "rz-search-help"}
        ),
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[
            (ACTIVE, _("otwarte i czekające")),
            *Conversation.Status.choices,
            (ALL, _("wszystkie")),
        ],
    )
    assignee = forms.ChoiceField(label=_("Prowadzi"), required=False)
    category = forms.ModelChoiceField(
        label=_("Kategoria"), required=False, queryset=Category.objects.none()
    )
    village = forms.ModelChoiceField(
        label=_("Sołectwo"), required=False, queryset=Village.objects.none()
    )

    def __init__(self, *args, gmina, **kwargs):
        super().__init__(*args, **kwargs)
        people = [
            (str(u.pk), u.get_full_name() or u.get_username()) for u in staff_of(gmina)
        ]
        self.fields["assignee"].choices = [
            ("", _("wszyscy")),
            ("me", _("ja")),
            ("none", _("nikt")),
            *people,
        ]
        self.fields["category"].queryset = Category.objects.filter(gmina=gmina)
        self.fields["village"].queryset = Village.objects.filter(gmina=gmina)

    @property
    def search_text(self) -> str:
        """The search box's text (as long as site search reads), or ""."""
        if not self.is_valid():
            return ""
        return self.cleaned_data["q"][: site_search.MAX_QUERY_CHARS].strip()

    def is_default(self) -> bool:
        """Whether the filters are the defaults (the search box aside)."""
        if not self.is_bound:
            return True
        return all(
            self.data.get(name, "") in ("", self.ACTIVE if name == "status" else "")
            for name in self.REMEMBERED
        )

    def filter(self, conversations, user):
        data = self.cleaned_data if self.is_valid() else {}
        status = data.get("status") or self.ACTIVE
        if status == self.ACTIVE:
            conversations = conversations.exclude(status=Conversation.Status.RESOLVED)
        elif status != self.ALL:
            conversations = conversations.filter(status=status)
        assignee = data.get("assignee")
        if assignee == "me":
            conversations = conversations.filter(assignee=user)
        elif assignee == "none":
            conversations = conversations.filter(assignee__isnull=True)
        elif assignee:
            conversations = conversations.filter(assignee_id=int(assignee))
        if data.get("category"):
            conversations = conversations.filter(category=data["category"])
        if data.get("village"):
            conversations = conversations.filter(village=data["village"])
        return conversations

    def query_string(self) -> str:
        """The filters and search as a query string, for the list's own links
        (pages, the live fragment), whether they came from the URL or memory."""
        if not self.is_bound:
            return ""
        query = QueryDict(mutable=True)
        for name in ("q", *self.REMEMBERED):
            value = self.data.get(name, "")
            if value:
                query[name] = value
        return query.urlencode()


# Per staff member (their session) and gmina: {gmina id: {filter: value}}.
_REMEMBERED_KEY = "messenger-inbox-filters"


def inbox_filter_form(request, gmina) -> InboxFilterForm:
    """The inbox's filters: those in the URL (then remembered for this staff
    member and gmina), else the ones last remembered (a search in the URL goes
    with them), else the defaults.

    A live refresh (`fragment`) remembers nothing; remembered filters that no
    longer fit (a category since deleted) are forgotten.
    """
    if any(name in request.GET for name in InboxFilterForm.REMEMBERED):
        form = InboxFilterForm(request.GET, gmina=gmina)
        if not request.GET.get("fragment") and form.is_valid():
            _remember(request, gmina, form)
        return form
    remembered = request.session.get(_REMEMBERED_KEY, {}).get(str(gmina.pk), {})
    search = {"q": request.GET["q"]} if request.GET.get("q") else {}
    form = InboxFilterForm({**remembered, **search} or None, gmina=gmina)
    if remembered and not form.is_valid():
        forget_filters(request, gmina)
        form = InboxFilterForm(search or None, gmina=gmina)
    return form


def _remember(request, gmina, form: InboxFilterForm) -> None:
    chosen = {name: form.data.get(name, "") for name in InboxFilterForm.REMEMBERED}
    remembered = request.session.get(_REMEMBERED_KEY, {})
    if remembered.get(str(gmina.pk)) != chosen:
        # A new dict: the session saves only when a key is set.
        request.session[_REMEMBERED_KEY] = {**remembered, str(gmina.pk): chosen}


def forget_filters(request, gmina) -> None:
    remembered = dict(request.session.get(_REMEMBERED_KEY, {}))
    if remembered.pop(str(gmina.pk), None) is not None:
        request.session[_REMEMBERED_KEY] = remembered


class ReplyForm(forms.Form):
    body = forms.CharField(
        label=_("Odpowiedź"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=MAX_MESSAGE_CHARS,
        required=False,
    )
    client_id = forms.CharField(widget=forms.HiddenInput, required=False)
    send_later = forms.BooleanField(label=_("Wyślij później"), required=False)
    send_date = forms.DateField(
        label=_("Dzień wysyłki"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    send_time = forms.TimeField(
        label=_("Godzina wysyłki (czas polski)"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )

    def clean(self):
        data = super().clean()
        if not (data.get("body") or "").strip():
            self.add_error("body", _("Wpisz treść odpowiedzi."))
        data["send_at"] = None
        if data.get("send_later"):
            day, hour = data.get("send_date"), data.get("send_time")
            if day is None or hour is None:
                raise forms.ValidationError(
                    _("Podaj dzień i godzinę wysyłki (albo odznacz „Wyślij później”).")
                )
            send_at = datetime.combine(day, hour, tzinfo=WARSAW)
            if send_at <= timezone.now():
                raise forms.ValidationError(_("Termin wysyłki musi być w przyszłości."))
            data["send_at"] = send_at
        return data


class NoteForm(forms.Form):
    note = forms.CharField(
        label=_("Notatka wewnętrzna"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=MAX_MESSAGE_CHARS,
    )


class AssignForm(forms.Form):
    assignee = StaffChoiceField(
        label=_("Prowadzi"),
        required=False,
        queryset=get_user_model().objects.none(),
        empty_label=_("— nikt —"),
    )

    def __init__(self, *args, gmina, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = staff_of(gmina)


class DetailsForm(forms.ModelForm):
    class Meta:
        model = Conversation
        fields = ["category", "village"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        gmina = self.instance.gmina
        self.fields["category"].queryset = Category.objects.filter(gmina=gmina)
        self.fields["village"].queryset = Village.objects.filter(gmina=gmina)


class ResolveForm(forms.Form):
    resolved_in_chat = forms.BooleanField(
        label=_("Załatwiona w rozmowie (bez wizyty w urzędzie)"), required=False
    )


class OnBehalfForm(forms.Form):
    body = forms.CharField(
        label=_("Sprawa mieszkańca (tak, jak ją przedstawił)"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=MAX_MESSAGE_CHARS,
    )
    resident_name = forms.CharField(
        label=_("Imię i nazwisko mieszkańca"), max_length=MAX_NAME_CHARS
    )
    resident_phone = forms.RegexField(
        label=_("Telefon (nieobowiązkowo)"),
        required=False,
        regex=r"^\+?[0-9 ()-]{6,16}$",
        max_length=16,
        error_messages={"invalid": _("Podaj numer telefonu, np. 600 100 200.")},
    )
    resident_email = forms.EmailField(
        label=_("E-mail (nieobowiązkowo)"), required=False
    )
    category = forms.ModelChoiceField(
        label=_("Kategoria"), required=False, queryset=Category.objects.none()
    )
    village = forms.ModelChoiceField(
        label=_("Sołectwo"), required=False, queryset=Village.objects.none()
    )

    def __init__(self, *args, gmina, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = Category.objects.filter(gmina=gmina)
        self.fields["village"].queryset = Village.objects.filter(gmina=gmina)


class SavedReplyForm(forms.ModelForm):
    class Meta:
        model = SavedReply
        fields = ["title", "body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 8})}
        help_texts = {
            "body": _(
                "Możesz użyć: {imie} (samo imię mieszkańca), {imie_nazwisko} "
                "(imię i nazwisko) – bez podpisu obie dają „Szanowni Państwo”; "
                "{sygnatura} (sygnatura sprawy), {gmina} (nazwa gminy), "
                "{urzednik} (Twoje imię i nazwisko)."
            )
        }


class OfficeHoursForm(forms.Form):
    """The weekly table: per weekday open from–to, or closed."""

    auto_reply = forms.CharField(
        label=_("Odpowiedź automatyczna"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=MAX_MESSAGE_CHARS,
        help_text=_(
            "Pusta: użyjemy standardowej. {kiedy} zostanie zastąpione terminem "
            "odpowiedzi."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for day, name in enumerate(WEEKDAYS):
            self.fields[f"closed_{day}"] = forms.BooleanField(
                label=_("%(day)s: nieczynne") % {"day": name}, required=False
            )
            for part, label in (("from", _("od")), ("to", _("do"))):
                self.fields[f"{part}_{day}"] = forms.TimeField(
                    label=f"{name}: {label}",
                    required=False,
                    widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
                )

    @classmethod
    def initial_from(cls, hours) -> dict:
        initial = {"auto_reply": hours.auto_reply}
        for day in range(7):
            spans = (hours.weekly or {}).get(str(day)) or []
            if spans:
                initial[f"from_{day}"] = spans[0][0]
                initial[f"to_{day}"] = spans[0][1]
            else:
                initial[f"closed_{day}"] = True
        return initial

    def days(self):
        """Rows for the template: (name, closed, from, to) bound fields."""
        return [
            (name, self[f"closed_{day}"], self[f"from_{day}"], self[f"to_{day}"])
            for day, name in enumerate(WEEKDAYS)
        ]

    def clean(self):
        data = super().clean()
        weekly = {}
        for day, name in enumerate(WEEKDAYS):
            start, end = data.get(f"from_{day}"), data.get(f"to_{day}")
            if data.get(f"closed_{day}"):
                weekly[str(day)] = []
                continue
            if start is None or end is None:
                self.add_error(
                    f"from_{day}",
                    _("%(day)s: podaj godziny od–do albo zaznacz „nieczynne”.")
                    % {"day": name},
                )
                continue
            if start >= end:
                self.add_error(
                    f"to_{day}",
                    _("%(day)s: godzina „do” musi być późniejsza niż „od”.")
                    % {"day": name},
                )
                continue
            weekly[str(day)] = [[start.strftime("%H:%M"), end.strftime("%H:%M")]]
        data["weekly"] = weekly
        return data


class HolidayForm(forms.Form):
    date = forms.DateField(
        label=_("Dzień wolny"), widget=forms.DateInput(attrs={"type": "date"})
    )
    name = forms.CharField(
        label=_("Nazwa (nieobowiązkowo)"), required=False, max_length=100
    )


def default_send_time(gmina, now=None) -> datetime:
    """The suggested "send later" moment: the next opening of the office
    (messenger.hours.next_opening), else the next working day
    (not a weekend or a holiday of the gmina) at 7:30 Polish time."""
    now = now or timezone.now()
    found = hours.next_opening(gmina, now)
    if found is not None and found <= now:
        # Open right now: suggest the next opening, not this minute.
        found = hours.Schedule(gmina).next_opening(now)
    if found is not None:
        return found
    holidays = set(
        Holiday.objects.filter(
            gmina=gmina, date__gt=timezone.localdate(now, WARSAW)
        ).values_list("date", flat=True)[:60]
    )
    day = timezone.localtime(now, WARSAW).date()
    while True:
        day += timedelta(days=1)
        if day.weekday() < 5 and day not in holidays:
            return datetime.combine(day, time(7, 30), tzinfo=WARSAW)
