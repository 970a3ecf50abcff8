"""The register's admin URLs (inside the Wagtail admin: its login and
"access admin" check wrap them). Every row is looked up within the gmina
in the URL, so another gmina's id is a 404."""

from django.urls import path

from . import (
    checks,
    equipment,
    households,
    imports,
    log,
    programmes,
    protocols,
    reports,
    statements,
    trainings,
)

_G = "gmina/<int:gmina_id>/"

urlpatterns = [
    path("", programmes.index, name="inclusion-index"),
    path(f"{_G}programy/", programmes.programme_list, name="inclusion-programmes"),
    path(
        f"{_G}programy/dodaj/",
        programmes.programme_edit,
        name="inclusion-programme-add",
    ),
    path(
        f"{_G}programy/<int:pk>/",
        programmes.programme_detail,
        name="inclusion-programme",
    ),
    path(
        f"{_G}programy/<int:pk>/edytuj/",
        programmes.programme_edit,
        name="inclusion-programme-edit",
    ),
    path(f"{_G}gospodarstwa/", households.household_list, name="inclusion-households"),
    path(
        f"{_G}gospodarstwa/dodaj/",
        households.household_edit,
        name="inclusion-household-add",
    ),
    path(
        f"{_G}gospodarstwa/<int:pk>/",
        households.household_detail,
        name="inclusion-household",
    ),
    path(
        f"{_G}gospodarstwa/<int:pk>/edytuj/",
        households.household_edit,
        name="inclusion-household-edit",
    ),
    path(
        f"{_G}gospodarstwa/<int:pk>/dane/",
        households.household_export,
        name="inclusion-household-export",
    ),
    path(
        f"{_G}gospodarstwa/<int:pk>/usun-dane/",
        households.household_erase,
        name="inclusion-household-erase",
    ),
    path(
        f"{_G}gospodarstwa/<int:household_id>/protokol/",
        protocols.protocol_add,
        name="inclusion-protocol-add",
    ),
    path(f"{_G}sprzet/", equipment.equipment_list, name="inclusion-equipment-list"),
    path(
        f"{_G}sprzet/dodaj/", equipment.equipment_edit, name="inclusion-equipment-add"
    ),
    path(
        f"{_G}sprzet/etykiety/",
        equipment.equipment_labels,
        name="inclusion-equipment-labels",
    ),
    path(
        f"{_G}sprzet/<int:pk>/",
        equipment.equipment_detail,
        name="inclusion-equipment",
    ),
    path(
        f"{_G}sprzet/<int:pk>/edytuj/",
        equipment.equipment_edit,
        name="inclusion-equipment-edit",
    ),
    path(
        f"{_G}sprzet/<int:pk>/stan/",
        equipment.equipment_status,
        name="inclusion-equipment-status",
    ),
    path(
        f"{_G}protokoly/<int:pk>/",
        protocols.protocol_detail,
        name="inclusion-protocol",
    ),
    path(
        f"{_G}protokoly/<int:pk>/pdf/",
        protocols.protocol_pdf,
        name="inclusion-protocol-pdf",
    ),
    path(
        f"{_G}protokoly/<int:pk>/wydaj/",
        protocols.protocol_hand_over,
        name="inclusion-protocol-hand-over",
    ),
    path(
        f"{_G}protokoly/<int:pk>/skan/",
        protocols.protocol_scan,
        name="inclusion-protocol-scan",
    ),
    path(f"{_G}import/", imports.import_sheet, name="inclusion-import"),
    path(
        f"{_G}import/importuj/",
        imports.import_confirm,
        name="inclusion-import-confirm",
    ),
    path(
        f"{_G}import/wzor/", imports.import_template, name="inclusion-import-template"
    ),
    path(f"{_G}raporty/", reports.report_list, name="inclusion-reports"),
    path(f"{_G}raporty/pdf/", reports.report_pdf, name="inclusion-reports-pdf"),
    path(
        f"{_G}raporty/<slug:slug>.<str:fmt>",
        reports.report_download,
        name="inclusion-report-download",
    ),
    path(f"{_G}rejestr-dostepu/", log.access_log, name="inclusion-access-log"),
    path(f"{_G}szkolenia/", trainings.training_list, name="inclusion-trainings"),
    path(
        f"{_G}szkolenia/dodaj/",
        trainings.training_edit,
        name="inclusion-training-add",
    ),
    path(
        f"{_G}szkolenia/<int:pk>/",
        trainings.training_detail,
        name="inclusion-training",
    ),
    path(
        f"{_G}szkolenia/<int:pk>/edytuj/",
        trainings.training_edit,
        name="inclusion-training-edit",
    ),
    path(
        f"{_G}szkolenia/<int:pk>/obecnosc/",
        trainings.training_attendance,
        name="inclusion-training-attendance",
    ),
    path(
        f"{_G}szkolenia/<int:pk>/uczestnicy/dodaj/",
        trainings.participant_add,
        name="inclusion-participant-add",
    ),
    path(
        f"{_G}szkolenia/<int:pk>/uczestnicy/<int:participant_id>/usun/",
        trainings.participant_remove,
        name="inclusion-participant-remove",
    ),
    path(f"{_G}kontrole/", checks.check_lists, name="inclusion-checks"),
    path(
        f"{_G}gospodarstwa/<int:household_id>/kontrola/",
        checks.inspection_add,
        name="inclusion-inspection-add",
    ),
    path(
        f"{_G}kontrole/<int:pk>/zdjecie/",
        checks.inspection_photo,
        name="inclusion-inspection-photo",
    ),
    path(f"{_G}oswiadczenia/", statements.campaign_list, name="inclusion-statements"),
    path(
        f"{_G}oswiadczenia/rozpocznij/",
        statements.campaign_start,
        name="inclusion-statement-start",
    ),
    path(
        f"{_G}oswiadczenia/<int:pk>/",
        statements.campaign_detail,
        name="inclusion-statement-campaign",
    ),
    path(
        f"{_G}oswiadczenia/<int:pk>/do-wyjasnienia/",
        statements.campaign_followup,
        name="inclusion-statement-followup",
    ),
    path(
        f"{_G}oswiadczenia/<int:pk>/listy.pdf",
        statements.campaign_letters,
        name="inclusion-statement-letters",
    ),
    path(
        f"{_G}oswiadczenia/<int:pk>/wezwania.pdf",
        statements.followup_letters,
        name="inclusion-statement-followup-letters",
    ),
    path(
        f"{_G}oswiadczenia/<int:pk>/przypomnij/",
        statements.campaign_remind,
        name="inclusion-statement-remind",
    ),
    path(
        f"{_G}oswiadczenia/wpis/<int:pk>/",
        statements.statement_record,
        name="inclusion-statement-record",
    ),
]
