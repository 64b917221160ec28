"""The anomalies command on the bundled sample: one line per kind, every flag in a CSV that can be checked."""

import pandas as pd

from crmlib.metrics import flag_kinds
from crmlib.pipeline.context.city import sample_inputs
from crmlib.pipeline.orchestration.cli import main


def test_anomalies_command_counts_kinds_and_writes_the_flags(tmp_path, capsys):
    csv = tmp_path / "flags.csv"
    # The sample's planted fast closure is in Jakarta Timur, September 2022.
    code = main(["anomalies", "--city", "jaktim", "--month", "2022-09", "--outputs", str(tmp_path),
                 "--csv", str(csv)])
    lines = capsys.readouterr().out.splitlines()
    assert code == 0
    assert [line.split()[0] for line in lines[:-1]] == list(flag_kinds.names())
    flags = pd.read_csv(csv, dtype={"ticket_id": str})
    # The CSV's columns, in the order figures.json records them since the flags were first written.
    assert list(flags.columns) == ["kind", "unit_type", "unit", "month", "ticket_id", "observed", "expected",
                                   "evidence", "p_value", "q_value"]
    counts = {line.split()[0]: int(line.split()[1]) for line in lines[:-1]}
    assert sum(counts.values()) == len(flags)
    # The fast closures are exactly the month's tickets completed within 10 minutes of entry by the export's own
    # times (the planted one at 2 minutes among them).
    export = pd.read_csv(sample_inputs()["tickets"], sep=";", dtype=str, keep_default_na=False)
    created, done = (pd.to_datetime(export[c], format="%d/%m/%Y %H:%M", errors="coerce")
                     for c in ("Tanggal Laporan Masuk", "Tanggal TL"))
    minutes = (done - created).dt.total_seconds() / 60
    september = (export["Wilayah"] == "JAKARTA TIMUR") & (created.dt.strftime("%Y-%m") == "2022-09")
    quick = set(export.loc[september & minutes.between(0, 10), "No Laporan"])
    assert set(flags.loc[flags["kind"] == "fast_closure", "ticket_id"]) == quick
    assert counts["fast_closure"] == len(quick) and 2 in set(minutes[export["No Laporan"].isin(quick)])
    unit_month = flags["kind"].isin(flag_kinds.names("unit_month"))
    assert flags.loc[unit_month, "ticket_id"].isna().all() and flags.loc[~unit_month, "p_value"].isna().all()
