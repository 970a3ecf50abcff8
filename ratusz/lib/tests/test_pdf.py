"""A PDF of ours renders Polish letters (an embedded font, not Latin-1) and
its text can be read back."""

from io import BytesIO

from pypdf import PdfReader

from ratusz.lib.pdf import Document

POLISH = "Zażółć gęślą jaźń — ŻÓŁW Łódź"


def read_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(BytesIO(data)).pages)


def test_polish_letters_survive_a_round_trip():
    document = Document("Raport", footer="Gmina Zawada")
    document.heading(POLISH)
    document.paragraph("Sprawozdanie za listopad 2026 r.")
    document.table(["Kanał", "Odbiorcy"], [["e-mail", 120], ["SMS", 14]])
    data = document.output_bytes()
    assert data.startswith(b"%PDF-")
    text = read_text(data)
    assert POLISH in text
    assert "Kanał" in text and "120" in text
    assert "Strona 1 z 1" in text
    reader = PdfReader(BytesIO(data))
    fonts = reader.pages[0]["/Resources"]["/Font"]
    names = {str(font.get_object()["/BaseFont"]) for font in fonts.values()}
    assert any("DejaVu" in name for name in names), names


def test_a_long_table_repeats_its_header_on_every_page():
    document = Document("Długi")
    document.table(["Nr", "Pozycja"], [[i, f"Pozycja {i}"] for i in range(200)])
    reader = PdfReader(BytesIO(document.output_bytes()))
    assert len(reader.pages) > 2
    for page in reader.pages:
        assert page.extract_text().splitlines()[0].split() == ["Nr", "Pozycja"]
