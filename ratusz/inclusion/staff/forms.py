"""Forms of the register's admin screens; every choice stops at the gmina."""

from __future__ import annotations

from pathlib import PurePath

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ratusz.gminas.forms import order_polish
from ratusz.gminas.models import Village

from .. import importing
from ..checks import Inspection
from ..equipment import AVAILABLE, Equipment, Status
from ..households import Household
from ..models import Programme
from ..statements import Statement, open_windows
from ..trainings import Training, attendance_hours

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ProgrammeForm(forms.ModelForm):
    class Meta:
        model = Programme
        fields = [
            "name",
            "template",
            "funding_source",
            "agreement_number",
            "agreement_date",
            "starts_on",
            "ends_on",
            "durability_start",
            "durability_years",
            "durability_basis",
            "handover",
            "household_checks",
            "reporting_windows",
            "documents",
            "clauses",
        ]
        widgets = {
            "agreement_date": DATE,
            "starts_on": DATE,
            "ends_on": DATE,
            "durability_start": DATE,
            "reporting_windows": forms.Textarea(attrs={"rows": 3}),
            "documents": forms.Textarea(attrs={"rows": 5}),
            "clauses": forms.Textarea(attrs={"rows": 8}),
        }

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        taken = Programme.objects.filter(gmina=self.instance.gmina, name=name)
        if taken.exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(_("Gmina ma już program o tej nazwie."))
        return name


class HouseholdForm(forms.ModelForm):
    documents = forms.MultipleChoiceField(
        label=gettext_lazy("Złożone dokumenty"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Household
        fields = [
            "programme",
            "surname",
            "first_name",
            "phone",
            "email",
            "address",
            "village",
            "basis",
            "basis_note",
            "documents",
            "consent",
            "consent_on",
            "rodo_informed_on",
            "notes",
        ]
        widgets = {
            "consent_on": DATE,
            "rodo_informed_on": DATE,
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, gmina, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.gmina = gmina
        programmes = Programme.objects.filter(gmina=gmina).order_by("name")
        self.fields["programme"].queryset = programmes
        order_polish(self.fields["village"])
        self.fields["village"].queryset = Village.objects.filter(gmina=gmina)
        # Every programme's document set (and what the record already holds).
        names = {name for p in programmes for name in p.document_list()}
        names |= set(self.instance.documents or [])
        self.fields["documents"].choices = [(n, n) for n in sorted(names)]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("consent") and not cleaned.get("consent_on"):
            self.add_error("consent_on", _("Podaj datę zgody."))
        return cleaned


class EquipmentForm(forms.ModelForm):
    class Meta:
        model = Equipment
        fields = [
            "programme",
            "inventory_number",
            "serial_number",
            "kind",
            "model",
            "components",
        ]
        widgets = {"components": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, gmina, **kwargs):
        super().__init__(*args, **kwargs)
        # Set before validation: the uniqueness per gmina is checked with it.
        self.instance.gmina = gmina
        self.fields["programme"].queryset = Programme.objects.filter(gmina=gmina)

    # The constraints name the gmina, which is not a field of this form, so
    # Django's own check would skip them; the database still enforces them.
    def clean_inventory_number(self):
        return self._unique("inventory_number", _("numer inwentarzowy"))

    def clean_serial_number(self):
        return self._unique("serial_number", _("numer seryjny"))

    def _unique(self, name, label):
        value = self.cleaned_data[name].strip()
        taken = Equipment.objects.filter(gmina=self.instance.gmina, **{name: value})
        if taken.exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(
                _("Ten %(label)s jest już w rejestrze gminy.") % {"label": label}
            )
        return value


class StatusForm(forms.Form):
    """A move other than a handover (which goes through a protocol)."""

    status = forms.ChoiceField(label=gettext_lazy("Nowy stan"))
    note = forms.CharField(label=gettext_lazy("Uwaga"), max_length=300, required=False)

    def __init__(self, *args, item: Equipment, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [
            (value, label)
            for value, label in Status.choices
            if value in item.allowed_statuses()
        ]


class ProtocolForm(forms.Form):
    handed_on = forms.DateField(label=gettext_lazy("Data przekazania"), widget=DATE)
    items = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Sprzęt do przekazania"),
        queryset=Equipment.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, household: Household, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["items"].queryset = Equipment.objects.filter(
            gmina=household.gmina,
            programme=household.programme,
            status__in=AVAILABLE,
        )


class ScanForm(forms.Form):
    scan = forms.FileField(
        label=gettext_lazy("Podpisany skan (PDF, JPEG lub PNG, do 10 MB)")
    )


class InspectionForm(forms.Form):
    checked_on = forms.DateField(label=gettext_lazy("Data kontroli"), widget=DATE)
    result = forms.ChoiceField(
        label=gettext_lazy("Wynik"), choices=Inspection.Result.choices
    )
    note = forms.CharField(
        label=gettext_lazy("Notatka"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    photo = forms.FileField(
        label=gettext_lazy("Zdjęcie (JPEG lub PNG, nieobowiązkowe)"), required=False
    )
    next_due_on = forms.DateField(
        label=gettext_lazy("Następna kontrola"),
        required=False,
        widget=DATE,
        help_text=gettext_lazy("Puste: za rok."),
    )


class HouseholdFilter(forms.Form):
    q = forms.CharField(
        label=gettext_lazy("Szukaj (nazwisko, imię, adres, telefon)"), required=False
    )
    village = forms.ModelChoiceField(
        label=gettext_lazy("Sołectwo"), queryset=Village.objects.none(), required=False
    )
    programme = forms.ModelChoiceField(
        label=gettext_lazy("Program"), queryset=Programme.objects.none(), required=False
    )

    def __init__(self, *args, gmina, **kwargs):
        super().__init__(*args, **kwargs)
        order_polish(self.fields["village"])
        self.fields["village"].queryset = Village.objects.filter(gmina=gmina)
        self.fields["programme"].queryset = Programme.objects.filter(gmina=gmina)

    def filter(self, households):
        if not self.is_valid():
            return households
        data = self.cleaned_data
        households = households.search(data["q"] or "")
        if data["village"]:
            households = households.filter(village=data["village"])
        if data.get("programme"):
            households = households.filter(programme=data["programme"])
        return households


class ParticipantSearch(HouseholdFilter):
    """Households to enrol on a training (its programme decides which)."""

    def __init__(self, *args, gmina, **kwargs):
        super().__init__(*args, gmina=gmina, **kwargs)
        del self.fields["programme"]


class EquipmentFilter(forms.Form):
    q = forms.CharField(
        label=gettext_lazy("Szukaj (nr seryjny, inwentarzowy, model, nazwisko)"),
        required=False,
    )
    status = forms.ChoiceField(
        label=gettext_lazy("Stan"),
        required=False,
        choices=[("", gettext_lazy("wszystkie"))] + Status.choices,
    )
    village = forms.ModelChoiceField(
        label=gettext_lazy("Sołectwo"), queryset=Village.objects.none(), required=False
    )
    programme = forms.ModelChoiceField(
        label=gettext_lazy("Program"), queryset=Programme.objects.none(), required=False
    )

    def __init__(self, *args, gmina, **kwargs):
        super().__init__(*args, **kwargs)
        order_polish(self.fields["village"])
        self.fields["village"].queryset = Village.objects.filter(gmina=gmina)
        self.fields["programme"].queryset = Programme.objects.filter(gmina=gmina)

    def filter(self, items):
        if not self.is_valid():
            return items
        data = self.cleaned_data
        items = items.search(data["q"] or "")
        if data["status"]:
            items = items.filter(status=data["status"])
        if data["village"]:
            items = items.filter(household__village=data["village"])
        if data["programme"]:
            items = items.filter(programme=data["programme"])
        return items


class ImportForm(forms.Form):
    """A register spreadsheet to check (and then import) into a programme."""

    EXTENSIONS = {".csv": "csv", ".xlsx": "xlsx"}

    programme = forms.ModelChoiceField(
        label=gettext_lazy("Program"), queryset=Programme.objects.none()
    )
    sheet = forms.FileField(
        label=gettext_lazy("Arkusz (CSV lub XLSX, do 5 MB)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )

    def __init__(self, *args, gmina, **kwargs):
        super().__init__(*args, **kwargs)
        programmes = Programme.objects.filter(gmina=gmina).order_by("name")
        self.fields["programme"].queryset = programmes
        if len(programmes) == 1:
            self.fields["programme"].initial = programmes[0].pk

    def clean_sheet(self) -> tuple[bytes, str]:
        """The file's bytes and format ("csv", "xlsx"), by name and content."""
        upload = self.cleaned_data["sheet"]
        limit = importing.MAX_BYTES
        if getattr(upload, "too_big", False) or upload.size > limit:
            raise forms.ValidationError(
                _("Arkusz może mieć najwyżej %(mb)d MB.") % {"mb": limit // 2**20}
            )
        fmt = self.EXTENSIONS.get(PurePath(upload.name).suffix.lower())
        data = upload.read()
        found = importing.detect_format(data)
        if fmt is None or found != fmt:
            if found == "xls":
                raise forms.ValidationError(
                    _("Zapisz arkusz jako XLSX (Excel 2007 lub nowszy) albo CSV.")
                )
            raise forms.ValidationError(_("Wczytaj plik CSV albo XLSX."))
        return data, fmt


class CampaignStartForm(forms.Form):
    """A window (programme, which window, year) not yet started as a campaign."""

    window = forms.ChoiceField(label=gettext_lazy("Okno składania oświadczeń"))

    def __init__(self, *args, gmina, today, **kwargs):
        super().__init__(*args, **kwargs)
        self.windows = {}
        choices = []
        for programme in Programme.objects.filter(gmina=gmina).order_by("name"):
            for window, year, first, last in open_windows(programme, today):
                key = f"{programme.pk}:{programme.windows().index(window)}:{year}"
                self.windows[key] = (programme, window, year)
                label = f"{programme.name}: {first:%d.%m.%Y}–{last:%d.%m.%Y}"
                if window.label:
                    label += f" ({window.label})"
                if last < today:
                    label += " – " + _("okno zamknięte, bez przypomnień")
                choices.append((key, label))
        self.fields["window"].choices = choices

    def chosen(self):
        """(programme, window, year) of the valid form."""
        return self.windows[self.cleaned_data["window"]]


class StatementFilter(forms.Form):
    status = forms.ChoiceField(
        label=gettext_lazy("Stan"),
        required=False,
        choices=[("", gettext_lazy("wszystkie"))] + Statement.Status.choices,
    )
    q = forms.CharField(
        label=gettext_lazy("Szukaj (nazwisko, imię, adres)"), required=False
    )

    def values(self) -> dict:
        if not self.is_valid():
            return {"status": "", "text": ""}
        return {
            "status": self.cleaned_data["status"],
            "text": self.cleaned_data["q"] or "",
        }


class StatementForm(forms.Form):
    submitted_on = forms.DateField(label=gettext_lazy("Data złożenia"), widget=DATE)
    received_how = forms.ChoiceField(
        label=gettext_lazy("Forma złożenia"), choices=Statement.Received.choices
    )
    note = forms.CharField(
        label=gettext_lazy("Uwagi"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


DATETIME = forms.DateTimeInput(
    attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
)


class TrainingForm(forms.ModelForm):
    class Meta:
        model = Training
        fields = [
            "programme",
            "title",
            "starts_at",
            "ends_at",
            "place",
            "trainer",
            "hours",
        ]
        widgets = {"starts_at": DATETIME, "ends_at": DATETIME}
        # "2,5" as Polish staff type it.
        localized_fields = ["hours"]

    def __init__(self, *args, gmina, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.gmina = gmina
        self.fields["programme"].queryset = Programme.objects.filter(gmina=gmina)
        self.fields["programme"].required = False
        for name in ("starts_at", "ends_at"):
            self.fields[name].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]


class AttendanceForm(forms.Form):
    """Attendance of every participant of one training: a tick and the
    hours (empty: the whole training)."""

    def __init__(self, *args, training: Training, participants, **kwargs):
        super().__init__(*args, **kwargs)
        self.training = training
        self.participants = list(participants)
        for p in self.participants:
            self.fields[f"attended-{p.pk}"] = forms.BooleanField(
                label=_("Obecność: %(name)s") % {"name": p.household},
                required=False,
                initial=p.attended,
            )
            self.fields[f"hours-{p.pk}"] = forms.DecimalField(
                label=_("Godziny: %(name)s") % {"name": p.household},
                required=False,
                min_value=0,
                max_digits=5,
                decimal_places=1,
                initial=p.hours_attended if p.attended else None,
                localize=True,
            )

    def rows(self):
        """(participant, its tick, its hours) for the template."""
        return [
            (p, self[f"attended-{p.pk}"], self[f"hours-{p.pk}"])
            for p in self.participants
        ]

    def clean(self):
        data = super().clean()
        for p in self.participants:
            key = f"hours-{p.pk}"
            if self.has_error(key):
                continue
            try:
                attendance_hours(
                    self.training, data.get(f"attended-{p.pk}", False), data.get(key)
                )
            except forms.ValidationError as error:
                self.add_error(key, error)
        return data

    def attendance(self):
        """(participant, attended, hours or None) for record_attendance."""
        data = self.cleaned_data
        return [
            (p, data[f"attended-{p.pk}"], data[f"hours-{p.pk}"])
            for p in self.participants
        ]


class ReportFilter(forms.Form):
    programme = forms.ModelChoiceField(
        label=gettext_lazy("Program"),
        queryset=Programme.objects.none(),
        required=False,
        empty_label=gettext_lazy("wszystkie programy"),
    )

    def __init__(self, *args, gmina, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = Programme.objects.filter(
            gmina=gmina
        ).order_by("name")

    def chosen_programme(self):
        """The chosen programme of the gmina, or None (all of them)."""
        if self.is_bound and self.is_valid():
            return self.cleaned_data["programme"]
        return None


class ErasureForm(forms.Form):
    confirm = forms.BooleanField(
        label=gettext_lazy(
            "Potwierdzam: gospodarstwo złożyło żądanie usunięcia danych"
        ),
        error_messages={
            "required": gettext_lazy("Zaznacz potwierdzenie, aby usunąć dane.")
        },
    )
