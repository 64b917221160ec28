"""The backlog recap: one group per unit with its worst cases first, Indonesian formats, capped, on clean lines."""

import re

import pandas as pd
import pytest

from crmlib.metrics.backlog import BACKLOG_COLUMNS
from crmlib.report.backlog_recap import SYNTHETIC_NOTE, recap_text

AT = pd.Timestamp("2022-08-09 08:00", tz="Asia/Jakarta")
CITY = "Kota Administrasi Jakarta Pusat"


def backlog(*rows: dict) -> pd.DataFrame:
    """Backlog rows as open_backlog gives them; each dict sets what the test cares about."""
    defaults = {"unit_type": "kelurahan", "unit": "Kebon Kelapa", "kecamatan": "Gambir", "category": "Jalan",
                "status": "Wait", "created_at": AT - pd.Timedelta(hours=1), "waited_hours": 1.0, "responded": True,
                "past_response_rule": False, "max_tl_hours": 168.0, "past_follow_up": False}
    records = [{"ticket_id": f"JK22080900{n:02d}", **defaults, **row} for n, row in enumerate(rows, start=1)]
    return pd.DataFrame(records, columns=BACKLOG_COLUMNS)


def test_title_totals_and_indonesian_formats():
    rows = backlog({"waited_hours": 1234.56, "responded": False, "past_response_rule": True, "past_follow_up": True},
                   *[{"waited_hours": 2.0}] * 1233)
    lines = recap_text(rows, CITY, AT, limit=12).split("\n")
    assert lines[0] == "Rekap aduan belum selesai, Kota Administrasi Jakarta Pusat, 9 Agustus 2022 08:00"
    assert lines[1] == "Belum selesai: 1.234 aduan; belum direspons > 6 jam: 1; lewat batas waktu TL: 1."
    assert lines[3] == ("Kelurahan Kebon Kelapa (Kec. Gambir): 1.234 aduan (1 belum direspons > 6 jam, "
                        "1 lewat batas TL)")
    assert lines[4] == "- JK2208090001, 1.234,6 jam, belum direspons > 6 jam, lewat batas TL"
    assert lines[-1] == "1.231 aduan lain tidak dirinci di sini; berkas CSV/XLSX memuat semua 1.234 aduan."


def test_the_response_rule_is_named_by_its_hours():
    rows = backlog({"responded": False, "past_response_rule": True})
    assert "belum direspons > 4,5 jam: 1" in recap_text(rows, CITY, AT, response_max_hours=4.5)


def test_one_group_per_unit_most_late_first_and_worst_cases_first():
    rows = backlog(
        {"unit": "Gambir", "waited_hours": 300.0},  # old but not late (a long maximum)
        {"unit": "Gambir", "waited_hours": 50.0, "past_follow_up": True},
        {"unit": "Gambir", "waited_hours": 7.0, "responded": False, "past_response_rule": True,
         "past_follow_up": True},
        {"unit": "Gambir", "waited_hours": 100.0, "responded": True, "past_response_rule": True},
        {"unit_type": "kecamatan", "unit": "Kecamatan Gambir", "waited_hours": 80.0, "past_follow_up": True},
        {"unit_type": "kota", "unit": "Walikota Jakarta Pusat", "kecamatan": None, "waited_hours": 90.0,
         "past_follow_up": True},
        {"unit": "Cideng", "waited_hours": 400.0},
        {"unit": "Cideng", "waited_hours": 3.0},
    )
    lines = recap_text(rows, CITY, AT).split("\n")
    assert lines[3:] == [
        "Kelurahan Gambir (Kec. Gambir): 4 aduan (1 belum direspons > 6 jam, 2 lewat batas TL)",
        "- JK2208090003, 7,0 jam, belum direspons > 6 jam, lewat batas TL",
        "- JK2208090002, 50,0 jam, lewat batas TL",
        "- JK2208090001, 300,0 jam",
        # ties on late complaints (1 each) and count (1 each): the longer wait first
        "Walikota Jakarta Pusat: 1 aduan (1 lewat batas TL)",
        "- JK2208090006, 90,0 jam, lewat batas TL",
        "Kecamatan Gambir: 1 aduan (1 lewat batas TL)",
        "- JK2208090005, 80,0 jam, lewat batas TL",
        "Kelurahan Cideng (Kec. Gambir): 2 aduan",
        "- JK2208090007, 400,0 jam",
        "- JK2208090008, 3,0 jam",
        # Gambir's fourth case (responded late, 100 h) is beyond its first three
        "1 aduan lain tidak dirinci di sini; berkas CSV/XLSX memuat semua 8 aduan.",
    ]


def test_a_responded_late_case_says_so():
    rows = backlog({"responded": True, "past_response_rule": True, "waited_hours": 9.25})
    assert recap_text(rows, CITY, AT).split("\n")[-1] == "- JK2208090001, 9,3 jam, direspons > 6 jam"


@pytest.mark.parametrize("limit", [4, 8, 11, 20, 40])
def test_the_line_cap_leaves_out_whole_units_and_says_how_many(limit):
    rows = backlog(*[{"unit": f"Unit {n:02d}", "waited_hours": 100.0 - n} for n in range(30)])
    lines = recap_text(rows, CITY, AT, limit=limit).split("\n")
    assert len(lines) <= max(limit, 3)
    listed = sum(line.startswith("- ") for line in lines)
    assert listed == max(0, (min(limit, 40) - 4) // 2)  # title, totals, blank line, last line; 2 lines per unit
    headers = [line for line in lines if line.startswith("Kelurahan")]
    assert len(headers) == listed  # no header without its cases
    assert lines[-1] == f"{30 - listed} aduan lain tidak dirinci di sini; berkas CSV/XLSX memuat semua 30 aduan."


def test_the_character_cap():
    rows = backlog(*[{"unit": "Kelurahan Dengan Nama Yang Sangat Panjang Sekali " * 3 + str(n)} for n in range(50)])
    recap = recap_text(rows, CITY, AT, limit=1000, max_characters=1500)
    assert len(recap) <= 1500
    listed = sum(line.startswith("- ") for line in recap.split("\n"))
    assert 0 < listed < 50
    assert recap.endswith(f"{50 - listed} aduan lain tidak dirinci di sini; berkas CSV/XLSX memuat semua 50 aduan.")


def test_everything_fits_without_a_left_out_line():
    recap = recap_text(backlog({}, {"unit": "Cideng"}), CITY, AT, limit=7)
    assert "tidak dirinci" not in recap
    assert len(recap.split("\n")) == 3 + 4  # exactly the cap: no line kept free for a count of nothing
    assert recap_text(backlog({}, {"unit": "Cideng"}), CITY, AT, limit=6).split("\n")[-1] == (
        "1 aduan lain tidak dirinci di sini; berkas CSV/XLSX memuat semua 2 aduan.")


@pytest.mark.parametrize("name", ["Kebon\nKelapa", "Kebon\r\nKelapa", "Kebon\u2028Kelapa", "Kebon\x1b[2JKelapa",
                                  "Kebon\x85Kelapa", "Kebon\u202eKelapa", "Kebon\x1cKelapa", "Kebon\tKelapa"])
def test_a_unit_name_with_a_line_break_or_control_character_stays_on_its_line(name):
    rows = backlog({"unit": name, "kecamatan": "Gam\nbir", "ticket_id": "JK22\n08090001"})
    recap = recap_text(rows, f"Kota\n{CITY}", AT)
    # splitlines() splits on every line boundary a chat client might honour, not only \n
    assert recap.splitlines() == recap.split("\n")
    assert len(recap.split("\n")) == 5
    assert not any(re.search(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]", line)
                   for line in recap.split("\n"))
    assert recap.split("\n")[3].startswith("Kelurahan Kebon ")
    assert recap.split("\n")[4].startswith("- JK22 08090001, ")


def test_nothing_open_and_the_synthetic_mark():
    empty = backlog().iloc[0:0]
    assert recap_text(empty, CITY, AT).split("\n") == [
        "Rekap aduan belum selesai, Kota Administrasi Jakarta Pusat, 9 Agustus 2022 08:00",
        "Tidak ada aduan yang belum selesai."]
    assert recap_text(backlog({}), CITY, AT, synthetic=True).split("\n")[1] == SYNTHETIC_NOTE
