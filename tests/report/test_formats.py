"""The report as PDF and DOCX: they open, say what the page says, and keep hostile text inert."""

import io

import matplotlib
import pytest

from klynge.report.formats import to_docx, to_pdf
from klynge.report.html import figure, page, paragraph, section, table

matplotlib.use("Agg")

try:
    import weasyprint  # noqa: F401  (it needs Pango, a system library)
except OSError:
    pytest.exit("Pango is needed to make PDF reports and is not installed. Install it with:\n"
                "    apt-get update && apt-get install -y libpango-1.0-0 libpangoft2-1.0-0", returncode=3)

HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'


@pytest.fixture(scope="module")
def html():
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(4, 2.5))
    ax.bar(["Sep", "Oct", "Nov"], [3, 5, 2])
    png = io.BytesIO()
    fig.savefig(png, format="png", dpi=80)
    plt.close(fig)
    rows = [{"member": "Fjellglott", "note": HOSTILE, "offers": 3}, {"member": "Kjerringa", "note": "ost", "offers": 2}]
    body = [section("Lavsesong", paragraph("Oktober er tynn i Oppdal."), table(rows, lang="nb")),
            section("Figur", figure(png.getvalue(), "Kapasitet per måned", caption="Kapasitet, september–april"))]
    return page("Klyngerapport", "nb", body, fingerprint="abc123")


def test_the_pdf_is_a4_with_the_page_text_and_the_markup_as_text(html):
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(to_pdf(html))
    assert len(pdf) >= 1
    width, height = pdf[0].get_size()
    assert abs(width - 595.3) < 1 and abs(height - 841.9) < 1  # A4 in points
    text = "".join(pdf[i].get_textpage().get_text_bounded() for i in range(len(pdf)))
    assert "Oktober er tynn i Oppdal." in text and "Klyngerapport" in text and "abc123" in text
    assert '<script>alert("x")</script>' in text  # shown as the text it is, never run
    image = pdf[0].render(scale=1).to_pil()
    assert abs(image.size[0] - 595) <= 1 and abs(image.size[1] - 842) <= 1
    assert image.convert("L").getextrema()[0] < 100  # something dark is printed on the page


def test_the_pdf_fetches_nothing_from_outside():
    html = page("Rapport", "en", [section("Links", '<img src="http://example.invalid/x.png" alt="">')])
    assert to_pdf(html).startswith(b"%PDF")


def test_the_docx_reads_back_with_headings_tables_figures_and_inert_markup(html):
    from docx import Document

    doc = Document(io.BytesIO(to_docx(html)))
    texts = [p.text for p in doc.paragraphs]
    assert "Klyngerapport" in texts and "Lavsesong" in texts and "Oktober er tynn i Oppdal." in texts
    assert any("abc123" in t for t in texts)
    assert doc.core_properties.title == "Klyngerapport" and doc.core_properties.language == "nb"
    cells = [[c.text for c in row.cells] for row in doc.tables[0].rows]
    assert cells[1][:2] == ["Fjellglott", HOSTILE] and cells[2][2] == "2"
    assert len(doc.inline_shapes) == 1
    assert "Kapasitet, september–april" in texts
