"""The register's admin URLs (inside the Wagtail admin: its login and
"access admin" check wrap them). Every row is looked up within the gmina
in the URL, so another gmina's id is a 404."""

from django.urls import path

from . import checks, equipment, households, log, programmes, protocols, reports

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
    path(f"{_G}raporty/", reports.report_list, name="inclusion-reports"),
    path(f"{_G}raporty/pdf/", reports.report_pdf, name="inclusion-reports-pdf"),
    path(
        f"{_G}raporty/<slug:slug>.<str:fmt>",
        reports.report_download,
        name="inclusion-report-download",
    ),
    path(f"{_G}rejestr-dostepu/", log.access_log, name="inclusion-access-log"),
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
]
