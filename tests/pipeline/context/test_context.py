"""Tests for crmlib.pipeline.context.city: synthetic detection and the cut-off time, on small files and frames."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

import crmlib.ingest.cache
from crmlib.ingest.cache import read_frame, time_ranges
from crmlib.ingest.load import load_export
from crmlib.ingest.select import select_city_month
from crmlib.pipeline.context.city import ReportContext, is_synthetic, latest_time, resolve_cutoff, sample_inputs
from crmlib.pipeline.orchestration.build import cutoff_params
from crmlib.schema import Export

import frames
from conftest import CORPUS

SAMPLE = sample_inputs()
CORPUS_TICKETS = CORPUS / "coordinations_tickets.csv"


def test_copy_of_the_sample_is_synthetic_and_an_edited_copy_is_not(tmp_path):
    copy = tmp_path / "export.csv.gz"
    shutil.copy(SAMPLE["tickets"], copy)
    assert is_synthetic(SAMPLE["tickets"]) and is_synthetic(copy)
    edited = bytearray(copy.read_bytes())
    edited[-1] ^= 0xFF  # same size, other bytes
    copy.write_bytes(bytes(edited))
    assert not is_synthetic(copy)
    copy.write_bytes(b"No Laporan;Status\n")
    assert not is_synthetic(copy)


def small_export(with_coordinations: bool = True) -> Export:
    """Two June tickets in jaktim; a jakpus coordination processed on 1 July 10:05, the latest time of all."""
    ticket_rows = frames.tickets(
        {"created_at": "2022-06-01 08:00", "responded_at": "2022-06-01 09:30", "completed_at": "2022-06-03 16:15"},
        {"created_at": "2022-06-29 22:10"},
    )
    coordination_rows = frames.coordinations(
        {"city_code": "jakpus", "coordinated_at": "2022-06-30 07:00", "processed_at": "2022-07-01 10:05"})
    if not with_coordinations:
        coordination_rows = coordination_rows.iloc[0:0]
    return Export(ticket_rows, coordination_rows, exclusions=pd.DataFrame(), flags=pd.DataFrame(),
                  accounting=pd.DataFrame())


def test_latest_time_covers_the_whole_export():
    assert latest_time(time_ranges(small_export())) == pd.Timestamp("2022-07-01 10:05", tz="Asia/Jakarta")
    # without the coordination: the second ticket's creation (29 June 22:10) beats the first's completion (3 June)
    assert latest_time(time_ranges(small_export(with_coordinations=False))) == pd.Timestamp("2022-06-29 22:10",
                                                                                            tz="Asia/Jakarta")


@pytest.mark.parametrize(("setting", "label", "params"), [
    ("2022-07-11 08:34", "11 Juli 2022 08:34", {"cutoff": "2022-07-11T08:34:00+07:00", "cutoff_source": "settings"}),
    ("2022-08-09", "9 Agustus 2022", {"cutoff": "2022-08-09", "cutoff_source": "settings"}),
    (None, "1 Juli 2022 10:05 (data terakhir dalam ekspor)",
     {"cutoff": "2022-07-01T10:05:00+07:00", "cutoff_source": "export"}),
])
def test_cutoff_from_settings_else_from_the_export(setting, label, params):
    cutoff = resolve_cutoff(setting, time_ranges(small_export()))
    assert cutoff.label == label
    assert cutoff_params(cutoff) == params


def test_no_cutoff_without_settings_or_times():
    export = small_export(with_coordinations=False)
    empty = Export(export.tickets.iloc[0:0], export.coordinations, export.exclusions, export.flags, export.accounting)
    assert resolve_cutoff(None, time_ranges(empty)) is None
    assert cutoff_params(None) == {"cutoff": None, "cutoff_source": None}


def test_context_is_synthetic_by_content(tmp_path, settings):
    copy = tmp_path / "laporan.csv.gz"
    shutil.copy(SAMPLE["tickets"], copy)
    assert ReportContext("jaktim", "2022-06", settings, {"tickets": copy}).synthetic
    assert not ReportContext("jaktim", "2022-06", settings, {"tickets": CORPUS_TICKETS}).synthetic


LAYOUT = """
title: Laporan Uji
running_footer: true
sections:
  - notebook: 09_kanal
    headings: {section: "## E. Kanal {bulan}"}
    sentences: {summary: "Kanal {kanal}."}
  - notebook: 02_pendahuluan
    sentences: {hasil: ""}
  - notebook: 04_data_aduan
    options: {status_table: false}
"""
KANAL = {"kanal": "<JAKI>", "jumlah": "243", "bulan": "Juni 2022", "nama_bulan": "Juni", "persen": "95%", "kota": "X"}


def _layout_settings(tmp_path):
    from crmlib.ingest.settings import load_settings

    (tmp_path / "layouts").mkdir()
    (tmp_path / "layouts" / "uji.yaml").write_text(LAYOUT, encoding="utf-8")
    (tmp_path / "cities").mkdir()
    (tmp_path / "cities" / "jaktim.yaml").write_text("layout: uji\n", encoding="utf-8")
    return load_settings(tmp_path)


def test_a_section_shows_its_layouts_headings_and_sentences_else_its_own(tmp_path):
    from crmlib.pipeline.kinds import CITY

    settings = _layout_settings(tmp_path)
    section = lambda name: ReportContext("jaktim", "2022-06", settings, sample_inputs(), section=name)
    kanal = section("09_kanal")
    assert kanal.heading("section").data == "## E. Kanal Juni 2022" and kanal.heading("chapter").data == ""
    assert kanal.say("summary", "bawaan", **KANAL).data == "<p>Kanal <strong>&lt;JAKI&gt;</strong>.</p>"
    assert section("02_pendahuluan").say("waktu", "bawaan", bulan="Juni 2022").data == "<p>bawaan</p>"
    assert section("02_pendahuluan").say("hasil", "bawaan").data == ""  # '' drops the paragraph
    # An option the layout sets, else its default as the schema declares it.
    data_aduan = section("04_data_aduan")
    assert data_aduan.option("status_table") is False
    assert data_aduan.option("response_summary") is True and data_aduan.option("geotag_status") is False
    # A section the layout does not list has nothing from it.
    assert section("05_kategori").heading("section").data == ""
    # The build runs the layout's sections, under its title and running footer.
    assert [p.name for p in CITY.notebooks(settings, "jaktim")] == ["09_kanal.ipynb", "02_pendahuluan.ipynb",
                                                                   "04_data_aduan.ipynb"]
    assert CITY.title(kanal) == ("Laporan Uji Kota Administrasi Jakarta Timur Juni 2022", "Laporan Uji Juni 2022")


@pytest.mark.parametrize(("section", "ask", "message"), [
    ("09_kanal", lambda ctx: ctx.heading("sectoin"), "09_kanal asks its layout for heading 'sectoin'"),
    ("09_kanal", lambda ctx: ctx.say("other", "bawaan"), "09_kanal asks its layout for sentence 'other'"),
    ("09_kanal", lambda ctx: ctx.say("summary", "bawaan", kanal="JAKI"),
     "09_kanal fills sentence 'summary' with kanal, but crmlib/report/layout_schema.py declares bulan, jumlah, kanal, "
     "kota, nama_bulan, persen"),
    ("04_data_aduan", lambda ctx: ctx.option("pie"), "04_data_aduan asks its layout for option 'pie'"),
    ("04_data_aduan", lambda ctx: ctx.option("geotag_status", True),
     "04_data_aduan gives option 'geotag_status' the default True, but crmlib/report/layout_schema.py declares False"),
    ("99_baru", lambda ctx: ctx.heading("chapter"), "section notebook '99_baru' is not declared"),
])
def test_a_section_asking_for_a_key_the_schema_does_not_declare_is_a_bug(tmp_path, section, ask, message):
    """Not the user's error: the notebook and crmlib/report/layout_schema.py disagree."""
    from crmlib.errors import UserError
    from crmlib.report.layout_schema import SchemaMismatch

    ctx = ReportContext("jaktim", "2022-06", _layout_settings(tmp_path), sample_inputs(), section=section)
    with pytest.raises(SchemaMismatch) as info:
        ask(ctx)
    assert str(info.value).startswith(message) and not isinstance(info.value, UserError)
    # Asked as declared, a section is fine.
    assert ReportContext("jaktim", "2022-06", ctx.settings, sample_inputs(), section="09_kanal").say(
        "summary", "bawaan", **KANAL).data


def test_a_sections_tickets_read_no_coordination_and_every_table_matches_the_loaded_export(tmp_path, settings,
                                                                                           monkeypatch):
    """Tickets are read for the months the report looks back on (12 before June 2022: from June 2021), and
    coordinations for the month alone."""
    inputs = {"tickets": CORPUS_TICKETS, "coordinations": CORPUS / "coordinations_messy.csv"}
    export = load_export(inputs["tickets"], inputs["coordinations"], settings=settings)
    tickets, coordinations, scope = select_city_month(export, "jaktim", "2022-06")
    ReportContext("jaktim", "2022-06", settings, inputs).tickets  # noqa: B018 - publishes the cache
    reads = []
    monkeypatch.setattr(crmlib.ingest.cache, "read_frame",
                        lambda directory, name, city=None, columns=None, filters=None:
                        reads.append((name, city, columns) if filters is None else (name, city, filters))
                        or read_frame(directory, name, city, columns, filters))
    crmlib.ingest.cache._read_published.cache_clear()
    context = ReportContext("jaktim", "2022-06", settings, inputs)
    pd.testing.assert_frame_equal(context.tickets, tickets)
    assert len(tickets) == 2 and ("coordinations", "jaktim", []) in reads
    assert context.history_months[0] == "2021-06" and len(context.history_months) == 13
    jakarta = "Asia/Jakarta"
    assert ("tickets", "jaktim", [("created_at", ">=", pd.Timestamp("2021-06-01", tz=jakarta)),
                                  ("created_at", "<", pd.Timestamp("2022-07-01", tz=jakarta))]) in reads
    pd.testing.assert_frame_equal(context.coordinations, coordinations)
    assert ("coordinations", "jaktim", [("coordinated_at", ">=", pd.Timestamp("2022-06-01", tz=jakarta)),
                                        ("coordinated_at", "<", pd.Timestamp("2022-07-01", tz=jakarta))]) in reads
    assert not [read for read in reads if read[0] in ("tickets", "coordinations") and read[2] is None]
    pd.testing.assert_frame_equal(context.scope, scope)
