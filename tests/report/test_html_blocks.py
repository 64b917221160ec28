import pandas as pd

from crmlib.report import html_blocks as show
from crmlib.report import narrative

SCRIPT = '<script>alert("x")</script>'


def test_table_escapes_data_and_headers():
    frame = pd.DataFrame({"unit": [SCRIPT, "Setu 'A' & B 😀"], "count": [19, 2]})
    html = show.table(frame, {"unit": "Unit <b>", "count": "Jumlah"}).data
    assert "<script>" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert "Setu &#x27;A&#x27; &amp; B 😀" in html
    assert "Unit &lt;b&gt;" in html
    assert '<td class="num">19</td>' in html


def test_table_applies_formats_and_row_classes():
    frame = pd.DataFrame({"row_type": ["total"], "share": [76.3779]})
    html = show.table(frame, {"share": "Persentase"}, {"share": lambda v: f"{v:.1f}"}, row_class="row_type").data
    assert '<tr class="total"><td class="num">76.4</td></tr>' in html


def test_paragraph_escapes_values_and_template():
    html = show.paragraph("Unit {u} & kanal", u=SCRIPT).data
    assert html == "<p>Unit <strong>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;</strong> &amp; kanal</p>"


def test_narrative_escapes_unit_names():
    rejected = pd.DataFrame({"unit": [SCRIPT, "Setu"]})
    sentence = narrative.rejected_summary(rejected, 2, "Juni 2022")
    assert "<script>" not in sentence
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; dan Setu" in sentence


def test_text_prints_missing_as_dash():
    assert show.text(None) == "–"
    assert show.text(float("nan")) == "–"
    assert show.text(pd.NA) == "–"


def test_synthetic_notice_only_for_the_sample():
    notice = show.synthetic_notice(True).data
    assert notice.startswith('<p class="banner synthetic-notice">DATA SINTETIS:')
    assert show.text(show.SYNTHETIC_NOTICE) in notice
    assert show.synthetic_notice(False).data == ""


def test_unset_cover_values_and_signatory_are_placeholders_to_fill_in():
    cover = show.cover("Laporan", "Kota", [("DPA-SKPD Nomor", None), ("Tahun Anggaran", "2022")]).data
    assert '<td><span class="placeholder">[ISI: DPA-SKPD Nomor]</span></td>' in cover
    assert "<td>2022</td>" in cover and "–" not in cover
    signed = show.signature("Jakarta, Agustus 2022", None).data
    assert '<span class="placeholder">[ISI: jabatan penandatangan]</span>' in signed
    assert show.signature("Jakarta", "Kepala Bagian\n<Setko>").data.endswith("<p>Kepala Bagian<br/>&lt;Setko&gt;</p></div>")
