from __future__ import annotations

from datetime import date, timedelta

from dateutil.relativedelta import relativedelta
from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from .dashboard import Period

PRESETS = (7, 30, 90, 365)
DEFAULT_DAYS = 30


def last_days(days: int, today: date) -> Period:
    return Period(today - timedelta(days=days - 1), today)


class RangeForm(forms.Form):
    """The dashboard's period, from the query string: `?dni=30` (a preset)
    or `?od=…&do=…` (both dates included). Invalid input shows its errors
    and the default period."""

    dni = forms.TypedChoiceField(
        label=_("Okres"),
        choices=[(n, n) for n in PRESETS],
        coerce=int,
        required=False,
    )
    od = forms.DateField(
        label=_("Od"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    do = forms.DateField(
        label=_("Do"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, data=None, *, today: date | None = None):
        super().__init__(data)
        self.today = today or timezone.localdate()
        self.oldest = self.today - relativedelta(months=settings.INSIGHTS_ROLLUP_MONTHS)

    def clean(self):
        data = super().clean()
        since, until = data.get("od"), data.get("do")
        if self.errors or (since is None and until is None):
            return data
        if since is None or until is None:
            raise forms.ValidationError(
                _("Podaj obie daty: początek i koniec okresu."), code="incomplete"
            )
        if since > until:
            self.add_error(
                "od", _("Początek okresu nie może być późniejszy niż jego koniec.")
            )
        if until > self.today:
            self.add_error("do", _("Koniec okresu nie może być w przyszłości."))
        if since < self.oldest:
            self.add_error(
                "od",
                _(
                    "Statystyki są przechowywane przez %(months)d miesięcy: "
                    "wybierz początek nie wcześniejszy niż %(date)s."
                )
                % {
                    "months": settings.INSIGHTS_ROLLUP_MONTHS,
                    "date": date_format(self.oldest, "j E Y"),
                },
            )
        return data

    def period(self) -> Period:
        """The chosen period (the last 30 days when nothing valid was chosen)."""
        if self.is_bound and self.is_valid():
            data = self.cleaned_data
            if data.get("od") and data.get("do"):
                return Period(data["od"], data["do"])
            if data.get("dni"):
                return last_days(data["dni"], self.today)
        return last_days(DEFAULT_DAYS, self.today)

    def preset(self) -> int | None:
        """The preset shown as chosen (None for a custom period)."""
        period = self.period()
        if period.until == self.today and period.days in PRESETS:
            return period.days
        return None
