"""Forms of the register's admin screens; every choice stops at the gmina."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ratusz.gminas.forms import order_polish
from ratusz.gminas.models import Village

from ..checks import Inspection
from ..equipment import AVAILABLE, Equipment, Status
from ..households import Household
from ..models import Programme

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
        if data["programme"]:
            households = households.filter(programme=data["programme"])
        return households


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
