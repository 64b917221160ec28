"""The world as the CRM export's text frames and byte-stable gzipped CSV files."""

from __future__ import annotations

import datetime as dt
import gzip
import io

import numpy as np
import pandas as pd

from crmlib.sample.world import Ticket, World, max_hours

TICKETS_FILE = "laporan_sintetis_2022.csv.gz"
COORDINATIONS_FILE = "koordinasi_sintetis_2022.csv.gz"

TICKET_COLUMNS = (
    "No Laporan", "Tanggal Laporan Masuk", "Kanal", "Kategori", "Rincian Masalah",
    "Isi Laporan", "Nama Pelapor", "No HP", "Email Pelapor", "Wilayah", "Kecamatan",
    "Nama SKPD", "Status", "Latitude", "Longitude", "Tanggal Respon", "Tanggal TL",
    "Max Waktu TL (Jam)", "Jumlah TL Ditolak",
)  # fmt: skip
COORDINATION_COLUMNS = ("No Laporan", "Nama SKPD", "Tanggal Koordinasi", "Tanggal Proses")

CITY_EXPORT_NAME = {
    "jakpus": "JAKARTA PUSAT", "jakut": "JAKARTA UTARA", "jakbar": "JAKARTA BARAT",
    "jaksel": "JAKARTA SELATAN", "jaktim": "JAKARTA TIMUR", "kepseribu": "KEPULAUAN SERIBU",
}  # fmt: skip
HEAD_EXPORT_NAME = {c: ("BUPATI " if c == "kepseribu" else "WALIKOTA ") + n for c, n in CITY_EXPORT_NAME.items()}
# How the export spells these kecamatan: always as a unit, in the Kecamatan column only on variant rows.
KECAMATAN_VARIANTS = {"Kramatjati": "KRAMAT JATI", "Pulogadung": "PULO GADUNG"}


def _when(x: dt.datetime | None) -> str:
    """A timestamp as the export prints it; empty when missing.

    >>> _when(dt.datetime(2022, 6, 3, 16, 15)), _when(None)
    ('03/06/2022 16:15', '')
    """
    return "" if x is None else x.strftime("%d/%m/%Y %H:%M")


def _decimal_comma(x: float | None) -> str:
    """A coordinate with a decimal comma, as the export prints it; empty when missing."""
    return "" if x is None else f"{x:.4f}".replace(".", ",")


def _unit_export_name(t: Ticket) -> str:
    """The ticket's unit (Nama SKPD) in the export's upper-case spelling."""
    if t.unit_type == "kota":
        return HEAD_EXPORT_NAME[t.city]
    if t.unit_type == "kecamatan":
        return "KECAMATAN " + KECAMATAN_VARIANTS.get(t.unit, t.unit.upper())
    return t.variant or "KELURAHAN " + t.unit.upper()


def tickets_frame(world: World) -> pd.DataFrame:
    """The tickets file as a text frame, sorted by ticket id, personal fields as placeholders."""
    rows = []
    for t in sorted(world.tickets, key=lambda x: x.ticket_id):
        rows.append(
            (
                t.ticket_id, _when(t.created), t.channel, t.category, t.subcategory,
                "", "", "", "",  # placeholders filled below, by row number
                CITY_EXPORT_NAME[t.city],
                "" if t.kecamatan is None
                else (KECAMATAN_VARIANTS.get(t.kecamatan, t.kecamatan.upper()) if t.variant else t.kecamatan.upper()),
                _unit_export_name(t), t.status, _decimal_comma(t.lat), _decimal_comma(t.lon),
                _when(None if t.response is None else t.created + dt.timedelta(minutes=t.response)),
                _when(None if t.completion is None else t.created + dt.timedelta(minutes=t.completion)),
                str(max_hours(t.category)), str(t.rejected),
            )
        )  # fmt: skip
    frame = pd.DataFrame(rows, columns=list(TICKET_COLUMNS), dtype="string")
    n = np.arange(1, len(frame) + 1)
    frame["Isi Laporan"] = pd.array([f"Isi laporan sintetis {i:06d}" for i in n], dtype="string")
    frame["Nama Pelapor"] = pd.array([f"Pelapor {i:06d}" for i in n], dtype="string")
    frame["No HP"] = pd.array([f"0800{i:06d}" for i in n], dtype="string")
    frame["Email Pelapor"] = pd.array([f"pelapor{i:06d}@contoh.invalid" for i in n], dtype="string")
    return frame


def coordinations_frame(world: World) -> pd.DataFrame:
    """The coordinations file as a text frame, in time order."""
    rows = [
        (c.ticket_id, c.variant or "KELURAHAN " + c.unit.upper(), _when(c.coordinated),
         _when(c.coordinated + dt.timedelta(minutes=c.duration)))
        for c in world.coordinations
    ]  # fmt: skip
    frame = pd.DataFrame(rows, columns=list(COORDINATION_COLUMNS), dtype="string")
    key = pd.to_datetime(frame["Tanggal Koordinasi"], format="%d/%m/%Y %H:%M")
    order = np.lexsort((frame["Nama SKPD"].to_numpy(dtype=str), frame["No Laporan"].to_numpy(dtype=str), key.to_numpy()))
    return frame.iloc[order].reset_index(drop=True)



def gzip_csv(frame: pd.DataFrame, inner_name: str) -> bytes:
    """The frame as semicolon CSV, gzipped byte-for-byte reproducibly."""
    text = frame.to_csv(sep=";", index=False, lineterminator="\n")
    buffer = io.BytesIO()
    # A fixed name and mtime=0 in the gzip header: same frame -> same bytes.
    with gzip.GzipFile(filename=inner_name, mode="wb", fileobj=buffer, mtime=0, compresslevel=9) as gz:
        gz.write(text.encode("utf-8"))
    return buffer.getvalue()

