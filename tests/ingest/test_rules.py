"""Tests for crmlib.ingest.rules: reading and checking the rules file, and the plausible-date window."""

from __future__ import annotations

import copy
import math
from pathlib import Path

import pandas as pd
import pytest
import yaml

from crmlib.errors import SettingsError
from crmlib.ingest.clean import outside_plausible_window
from crmlib.ingest.rules import rules_from_dict
from crmlib.ingest.settings import load_settings

import frames

DOC = frames.RULES_DOC


@pytest.fixture
def rules():
    return rules_from_dict(DOC)


def write(tmp_path: Path, doc: dict) -> Path:
    """A params folder overriding the rules file with this document."""
    path = tmp_path / "rules" / "crm.yaml"
    path.parent.mkdir(exist_ok=True)
    path.write_text(yaml.safe_dump(doc), encoding="utf-8")
    return path


def load_rules(path: Path | None = None):
    """The rules as a build reads them: from an override folder holding `path`, or the shipped ones."""
    return load_settings(path.parents[1] if path else None).rules


def test_load_rules_reads_every_section(tmp_path):
    r = load_rules(write(tmp_path, DOC))
    assert r.response_max_hours == 6.0
    assert r.response_inclusive is True
    assert r.default_max_hours == 168.0
    assert dict(r.max_hours_by_category) == {"Sampah": 48.0}
    assert r.late_bands == ((1.0, 100.0), (1.5, 80.0), (2.0, 60.0), (math.inf, 40.0))
    assert r.rejection_min_count == 2
    assert r.capaian_decimals == 3
    assert r.grades == ((90.0, "A"), (80.0, "B"), (70.0, "C"), (0.0, "D"))
    assert r.plausible_from == pd.Timestamp("2015-01-01 00:00", tz="Asia/Jakarta")
    assert r.plausible_until == pd.Timestamp("2036-01-01 00:00", tz="Asia/Jakarta")  # exclusive: end of 2035-12-31


def test_grades_may_also_be_a_bare_list(tmp_path):
    doc = copy.deepcopy(DOC)
    doc["grades"] = doc["grades"]["bands"]
    assert load_rules(write(tmp_path, doc)).grades[0] == (90.0, "A")


def test_rules_are_frozen(rules):
    with pytest.raises(AttributeError):
        rules.response_max_hours = 8  # type: ignore[misc]
    with pytest.raises(TypeError):
        rules.max_hours_by_category["Jalan"] = 1  # type: ignore[index]


def test_default_rules_file_loads():
    assert load_rules().rejection_min_count == 2


@pytest.mark.parametrize(
    ("section", "key", "value", "named"),
    [
        ("response", "max_hours", "six", "response.max_hours"),
        ("response", "max_hours", -1, "response.max_hours"),
        ("follow_up", "default_max_hours", None, "follow_up.default_max_hours"),
        ("follow_up", "by_category", {"Sampah": 0}, "follow_up.by_category.Sampah"),
        ("rejection", "min_count", 0, "rejection.min_count"),
        ("capaian", "decimals", 1.5, "capaian.decimals"),
        ("capaian", "method", "median", "capaian.method"),
        ("response", "inclusive", "yes", "response.inclusive"),
        ("response", "inclusive", None, "response.inclusive"),
        ("capaian", "assumed", "yes", "capaian.assumed"),
        ("grades", "assumed", 1, "grades.assumed"),
        ("dates", "earliest", "01/01/2015", "dates.earliest"),
        ("dates", "earliest", "2015-02-30", "dates.earliest"),
        ("dates", "latest", None, "dates.latest"),
        ("dates", "latest", "2035-12-31 10:00", "dates.latest"),
        ("dates", "latest", "2014-12-31", "dates.latest"),  # before earliest
        ("dates", "latest", "2015-01-01", "dates.latest"),  # equal to earliest
    ],
)
def test_bad_value_names_the_key(tmp_path, section, key, value, named):
    doc = copy.deepcopy(DOC)
    doc[section][key] = value
    with pytest.raises(SettingsError, match=f"'{named}'"):
        load_rules(write(tmp_path, doc))


@pytest.mark.parametrize("section", ["rejection", "dates"])
def test_missing_section_is_named(tmp_path, section):
    doc = copy.deepcopy(DOC)
    del doc[section]
    with pytest.raises(SettingsError, match=f"'{section}'"):
        load_rules(write(tmp_path, doc))


def test_assumed_is_read_per_section_and_false_when_absent(rules):
    # DOC marks response false, follow_up/capaian/dates/durations/arrival_periods/places true, and says
    # nothing for the others.
    assert dict(rules.assumed) == {"response": False, "follow_up": True, "late_score": False, "rejection": False,
                                   "capaian": True, "grades": False, "dates": True, "durations": True,
                                   "anomalies": False, "arrival_periods": True, "places": True}
    doc = copy.deepcopy(DOC)
    doc["grades"]["assumed"] = True
    assert rules_from_dict(doc).assumed["grades"] is True


def test_default_rules_mark_capaian_and_grades_assumed():
    # The bundled capaian formula gives 99,961 where the Jakarta Timur seed prints 99,948.
    r = load_rules()
    assert r.assumed["capaian"] and r.assumed["grades"]


def test_unquoted_yaml_dates_are_read(tmp_path):
    doc = copy.deepcopy(DOC)
    del doc["dates"]
    path = write(tmp_path, doc)
    with path.open("a", encoding="utf-8") as f:
        f.write("dates: {earliest: 2022-06-01, latest: 2022-06-30}\n")  # YAML reads these as datetime.date
    r = load_rules(path)
    assert r.plausible_from == pd.Timestamp("2022-06-01", tz="Asia/Jakarta")
    assert r.plausible_until == pd.Timestamp("2022-07-01", tz="Asia/Jakarta")
    assert r.assumed["dates"] is False


def test_outside_plausible_window_is_half_open_in_jakarta_time():
    doc = copy.deepcopy(DOC)
    doc["dates"] = {"earliest": "2022-06-01", "latest": "2022-06-30"}
    r = rules_from_dict(doc)
    stamps = pd.Series(pd.to_datetime([
        "2022-05-31 16:59:59",  # 23:59:59 on 31 May in Jakarta (UTC+7): before the window
        "2022-05-31 17:00:00",  # 00:00 on 1 June in Jakarta: the first plausible instant
        "2022-06-30 16:59:59",  # 23:59:59 on 30 June in Jakarta: the last day is included
        "2022-06-30 17:00:00",  # 00:00 on 1 July in Jakarta: plausible_until itself is outside
        None,
    ])).dt.tz_localize("UTC")
    assert outside_plausible_window(stamps, r).tolist() == [True, False, False, True, False]


def test_bands_must_increase_and_end_at_infinity(tmp_path):
    doc = copy.deepcopy(DOC)
    doc["late_score"]["bands"][1]["max_ratio"] = 0.5
    with pytest.raises(SettingsError, match=r"'late_score.bands\[1\].max_ratio'"):
        load_rules(write(tmp_path, doc))
    doc = copy.deepcopy(DOC)
    doc["late_score"]["bands"][3]["max_ratio"] = 3
    with pytest.raises(SettingsError, match=r"'late_score.bands\[3\].max_ratio'.*inf"):
        load_rules(write(tmp_path, doc))


def test_grades_must_decrease_and_reach_zero(tmp_path):
    doc = copy.deepcopy(DOC)
    doc["grades"]["bands"][3]["min"] = 10
    with pytest.raises(SettingsError, match=r"'grades.bands\[3\].min'"):
        load_rules(write(tmp_path, doc))
    doc = copy.deepcopy(DOC)
    doc["grades"]["bands"][1]["min"] = 95
    with pytest.raises(SettingsError, match=r"'grades.bands\[1\].min'.*decreasing"):
        load_rules(write(tmp_path, doc))
    doc["grades"] = doc["grades"]["bands"]  # a bare list: the key has no `.bands`
    with pytest.raises(SettingsError, match=r"'grades\[1\].min'"):
        load_rules(write(tmp_path, doc))


def test_invalid_yaml_names_file_and_line(tmp_path):
    path = write(tmp_path, DOC)
    path.write_text("grades:\n  - {min: 90, grade: A}\n  source: x\n", encoding="utf-8")
    with pytest.raises(SettingsError, match=r"crm.yaml, line 3: not valid YAML"):
        load_rules(path)


def test_max_hours_for(rules):
    assert rules.max_hours_for("Sampah") == 48.0
    assert rules.max_hours_for("Jalan") == 168.0  # no rule of its own: the default


def test_arrival_periods_are_read_as_start_hours_and_names(tmp_path):
    assert load_rules(write(tmp_path, DOC)).arrival_periods == (
        (0, "dini hari"), (6, "pagi"), (11, "siang"), (15, "sore"), (18, "malam"))


def test_shipped_arrival_periods_are_the_customary_parts_of_the_day_and_marked_assumed():
    r = load_rules()
    assert r.arrival_periods == ((0, "dini hari"), (6, "pagi"), (11, "siang"), (15, "sore"), (18, "malam"))
    assert r.assumed["arrival_periods"] is True  # no official definition of their hours


@pytest.mark.parametrize(("periods", "named", "problem"), [
    (None, "arrival_periods.periods", "non-empty list"),
    ([], "arrival_periods.periods", "non-empty list"),
    ([{"start": 0}], r"arrival_periods.periods\[0\]", "expected {start"),
    ([{"start": 6, "name": "pagi"}], r"arrival_periods.periods\[0\].start", "must start at 0"),
    ([{"start": 0, "name": "dini hari"}, {"start": 24, "name": "malam"}], r"arrival_periods.periods\[1\].start",
     "from 0 to 23"),
    ([{"start": 0, "name": "dini hari"}, {"start": 6.5, "name": "pagi"}], r"arrival_periods.periods\[1\].start",
     "whole hour"),
    ([{"start": 0, "name": "dini hari"}, {"start": True, "name": "pagi"}], r"arrival_periods.periods\[1\].start",
     "whole hour"),
    ([{"start": 0, "name": "dini hari"}, {"start": 11, "name": "siang"}, {"start": 6, "name": "pagi"}],
     r"arrival_periods.periods\[2\].start", "increasing"),
    ([{"start": 0, "name": "dini hari"}, {"start": 6, "name": ""}], r"arrival_periods.periods\[1\].name", "a name"),
    ([{"start": 0, "name": "malam"}, {"start": 18, "name": "malam"}], r"arrival_periods.periods\[1\].name", "twice"),
])
def test_a_bad_arrival_period_is_one_line_naming_its_key(tmp_path, periods, named, problem):
    doc = copy.deepcopy(DOC)
    doc["arrival_periods"]["periods"] = periods
    with pytest.raises(SettingsError, match=f"'{named}'.*{problem}") as caught:
        load_rules(write(tmp_path, doc))
    assert "\n" not in str(caught.value)


def test_missing_arrival_periods_section_is_named(tmp_path):
    doc = copy.deepcopy(DOC)
    del doc["arrival_periods"]
    with pytest.raises(SettingsError, match="'arrival_periods'"):
        load_rules(write(tmp_path, doc))
