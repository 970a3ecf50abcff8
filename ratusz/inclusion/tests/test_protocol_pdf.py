"""The handover protocol's PDF: Polish letters render, serials are listed,
the programme's agreement and clauses are in it."""

import io
from datetime import date

from pypdf import PdfReader

from ratusz.inclusion import equipment as register
from ratusz.inclusion.protocols import render_pdf
from ratusz.inclusion.tests.factory import make_household, make_item, make_programme
from ratusz.test import BaseTestCase, make_village


def text_of(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return "\n".join(page.extract_text() for page in reader.pages)


class ProtocolPdfTests(BaseTestCase):
    def test_a_poig_protocol_lends_and_lists_the_serials(self):
        programme = make_programme(
            self.gmina, agreement_number="POIG.08.03.00-30-012/11-00"
        )
        household = make_household(
            self.gmina,
            programme,
            "Gęślowska-Źdźbło",
            first_name="Żaneta",
            address="ul. Łąkowa 7",
            village=make_village(self.gmina, "Wólka Śląska"),
        )
        items = [
            make_item(self.gmina, programme, "EI/001", "CZC1234567"),
            make_item(self.gmina, programme, "EI/002", "PBK7654321", components="mysz"),
        ]
        protocol = register.create_protocol(
            household, items, handed_on=date(2026, 5, 4)
        )
        text = text_of(render_pdf(protocol))
        for expected in [
            "Protokół przekazania sprzętu nr PP/2026/001",
            "umowa użyczenia",
            "04.05.2026",
            "Żaneta Gęślowska-Źdźbło, ul. Łąkowa 7 (Wólka Śląska)",
            "Gmina Zawada",
            "CZC1234567",
            "PBK7654321",
            "Biorący w użyczenie",
            "POIG.08.03.00-30-012/11-00",
            "nie może go sprzedać",
        ]:
            self.assertIn(expected, text)

    def test_a_ppgr_protocol_gives(self):
        programme = make_programme(self.gmina, "Granty PPGR", template="ppgr")
        household = make_household(self.gmina, programme)
        protocol = register.create_protocol(
            household,
            [make_item(self.gmina, programme, "PG/1", "TAB-9")],
            handed_on=date(2026, 5, 4),
        )
        text = text_of(render_pdf(protocol))
        self.assertIn("umowa przekazania (darowizny)", text)
        self.assertIn("Obdarowany", text)
        self.assertIn("TAB-9", text)
        self.assertNotIn("użyczenia", text)
