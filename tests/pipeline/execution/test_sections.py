"""Tests for crmlib.pipeline.execution.sections: the order sections start in, from a report's last build, and the order
they come back in."""

from __future__ import annotations

import json
from concurrent.futures import Executor, Future
from pathlib import Path

from crmlib.pipeline.execution.sections import SectionRun, previous_seconds, run_sections


class RecordingPool(Executor):
    """Runs nothing: records which section each task would run, and answers at once."""

    def __init__(self) -> None:
        self.started: list[str] = []

    def submit(self, fn, notebook: Path, out_dir: Path, *args, **kwargs) -> Future:
        self.started.append(notebook.stem)
        future: Future = Future()
        future.set_result(SectionRun(notebook.stem, out_dir / notebook.name, out_dir / "figures.json", 0.0))
        return future


def _executed(folder: Path, name: str, metadata: dict) -> None:
    (folder / "executed").mkdir(parents=True, exist_ok=True)
    notebook = {"cells": [], "metadata": metadata, "nbformat": 4, "nbformat_minor": 5}
    (folder / "executed" / f"{name}.ipynb").write_text(json.dumps(notebook), encoding="utf-8")


def test_previous_seconds_are_papermills_durations_and_a_section_without_one_is_left_out(tmp_path):
    _executed(tmp_path, "04_data_aduan", {"papermill": {"duration": 0.39}})
    _executed(tmp_path, "11_anomali", {"papermill": {"duration": 0.77}})
    _executed(tmp_path, "12_penutup", {})  # edited by hand: no record
    (tmp_path / "executed" / "13_kualitas_data.ipynb").write_text("{cut short", encoding="utf-8")
    assert previous_seconds(tmp_path) == {"04_data_aduan": 0.39, "11_anomali": 0.77}
    assert previous_seconds(tmp_path / "not built yet") == {}


def test_the_longest_sections_start_first_and_the_rest_keep_their_order(tmp_path):
    notebooks = [Path(f"{name}.ipynb") for name in ("00_sampul", "04_data_aduan", "09_kanal", "11_anomali", "12_penutup")]
    pool = RecordingPool()
    runs = run_sections(notebooks, tmp_path, {}, pool=pool, expected={"04_data_aduan": 0.39, "11_anomali": 0.77})
    assert pool.started == ["11_anomali", "04_data_aduan", "00_sampul", "09_kanal", "12_penutup"]
    assert [r.name for r in runs] == [nb.stem for nb in notebooks]  # reported in report order all the same
    pool = RecordingPool()
    run_sections(notebooks, tmp_path, {}, pool=pool)
    assert pool.started == [nb.stem for nb in notebooks]


def test_runs_come_back_in_the_layouts_order_not_by_name(tmp_path):
    notebooks = [Path(f"{name}.ipynb") for name in ("00_sampul", "11_anomali", "04_data_aduan")]
    runs = run_sections(notebooks, tmp_path, {}, pool=RecordingPool(), expected={"04_data_aduan": 0.39})
    assert [r.name for r in runs] == ["00_sampul", "11_anomali", "04_data_aduan"]
