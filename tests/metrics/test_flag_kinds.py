"""The registry of anomaly flag kinds: each kind declared once has its function, its rules, its label, its
planted example, and every reader follows it.

Adding a kind to crmlib.metrics.flag_kinds.KINDS without its finder, its keys in the rules file or its planted
example in the sample fails here.
"""

import dataclasses

import pandas as pd
import pytest
import yaml

from crmlib.ingest.rules import AnomalyRules, rules_from_dict
from crmlib.metrics import anomalies, flag_kinds
from crmlib.pipeline.context.anomaly_scan import FINDERS, ScanInputs
from crmlib.report import anomaly_notes
from crmlib.resources import default_params_dir
from crmlib.sample import PLANTED
from crmlib.schema import FLAG_COLUMNS, ReasonCode, row_frame_dtypes

import frames

SHIPPED_RULES = yaml.safe_load((default_params_dir() / "rules" / "crm.yaml").read_text(encoding="utf-8"))


def _lookup(document: dict, dotted: str) -> object:
    value = document
    for part in dotted.split("."):
        value = value[part]
    return value


def test_every_kind_has_a_finder_in_the_scan_and_every_finder_a_kind():
    assert list(FINDERS) == list(flag_kinds.names())


def test_each_finder_returns_flags_of_its_own_kind_only():
    # A fast closure (2 minutes) and an open ticket past its 168 hours at the cut-off, in a month with a
    # four-month history: each finder gives the declared columns, and only flags of its own kind.
    rules = rules_from_dict(frames.RULES_DOC)
    months = ["2022-02", "2022-03", "2022-04", "2022-05", "2022-06"]
    history = [{"created_at": f"{m}-10 08:00", "completed_at": f"{m}-10 10:00"} for m in months[:-1]]
    tickets = frames.tickets(*history, {"completed_at": "2022-06-01 08:02"}, {"status": "In Progres"})
    month = tickets[tickets["created_at"] >= pd.Timestamp("2022-06-01", tz="Asia/Jakarta")]
    inputs = ScanInputs(tickets, month, months, "2022-06", pd.Timestamp("2022-06-30 08:00", tz="Asia/Jakarta"), rules,
                        pd.DataFrame({c: pd.Series(dtype=t) for c, t in row_frame_dtypes(FLAG_COLUMNS).items()}),
                        frames.coordinations())
    found = {name: finder(inputs) for name, finder in FINDERS.items()}
    for name, flags in found.items():
        assert list(flags.columns) == flag_kinds.FLAG_COLUMNS, name
        assert set(flags["kind"]) <= {name}, name
    assert {name: len(flags) for name, flags in found.items() if len(flags)} == {"fast_closure": 1, "backlog_aged": 1}


@pytest.mark.parametrize("kind", flag_kinds.KINDS, ids=lambda k: k.name)
def test_every_kind_reads_keys_of_the_shipped_rules_file_or_passes_a_loader_code_through(kind):
    for key in kind.rules_keys:
        _lookup(SHIPPED_RULES, key)  # KeyError names a key the file does not have
    assert kind.rules_keys or kind.loader_code in set(ReasonCode)


def test_every_threshold_of_the_anomalies_section_belongs_to_a_kind():
    read = {key for kind in flag_kinds.KINDS for key in kind.rules_keys}
    thresholds = {f"anomalies.{field.name}" for field in dataclasses.fields(AnomalyRules)}
    assert thresholds <= read, sorted(thresholds - read)
    assert thresholds == {f"anomalies.{key}" for key in SHIPPED_RULES["anomalies"] if key not in ("source", "assumed")}


@pytest.mark.parametrize("kind", flag_kinds.KINDS, ids=lambda k: k.name)
def test_every_kind_has_an_indonesian_label_and_level(kind):
    assert kind.label and kind.label[0].isupper() and kind.description
    assert kind.level_label in ("unit-bulan", "laporan")
    assert anomaly_notes.counts_table({kind.name: 0})[["label", "level"]].values.tolist() == [
        [kind.label, kind.level_label]]


def test_labels_and_names_are_unique():
    assert len(set(flag_kinds.names())) == len(flag_kinds.KINDS)
    assert len(set(flag_kinds.labels().values())) == len(flag_kinds.KINDS)


def test_every_kind_has_one_planted_example_in_the_sample():
    assert sorted(p.kind for p in PLANTED) == sorted(flag_kinds.names())


def test_the_statistical_kinds_tests_are_the_ones_coverage_reports():
    # Coverage of a tiny city: one unit with five months of completions. Its tests, in order, are the registry's.
    rows = [{"created_at": f"2022-0{m}-10 08:00", "completed_at": f"2022-0{m}-10 10:00"} for m in range(1, 6)]
    months = ["2022-01", "2022-02", "2022-03", "2022-04", "2022-05"]
    coverage = anomalies.statistical_coverage(frames.tickets(*rows), months, "2022-05", rules_from_dict(frames.RULES_DOC))
    assert coverage["test"].tolist() == list(flag_kinds.coverage_labels())
    assert {kind.test for kind in flag_kinds.KINDS if kind.statistical} == set(coverage["test"])
    assert flag_kinds.statistical_names() == flag_kinds.names("unit_month")


def test_a_kind_is_checked_when_declared():
    with pytest.raises(ValueError, match="names its test"):
        flag_kinds.FlagKind("odd", "unit_month", True, "Aneh", None, None, ("anomalies.baseline_months",), "odd")
    with pytest.raises(ValueError, match="reads rules keys"):
        flag_kinds.FlagKind("odd", "ticket", False, "Aneh", None, None, (), "odd")
    with pytest.raises(KeyError, match="no flag kind 'odd'"):
        flag_kinds.by_name("odd")


def test_every_flag_function_returns_the_declared_columns():
    empty = anomalies.empty_flags()
    assert list(empty.columns) == flag_kinds.FLAG_COLUMNS
    assert {c: str(t) for c, t in empty.dtypes.items()} == flag_kinds.FLAG_DTYPES
    flags = anomalies.fast_closures(frames.tickets({"completed_at": "2022-06-01 08:01"}), rules_from_dict(
        frames.RULES_DOC))
    pd.testing.assert_frame_equal(flags.iloc[0:0], empty, check_index_type=False)
