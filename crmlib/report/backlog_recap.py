"""The open backlog in words: a short plain-text recap in Indonesian, to paste into the staff's chat group.

Seed report 000 advises recapping the complaints still waiting at least three times a day and sending it to the
WhatsApp group. The recap is plain text, one unit per group with its worst cases first, and capped (lines and
characters) so that it stays readable in a chat; the CSV and XLSX written beside it hold every row.
"""

from __future__ import annotations

import re
import unicodedata

import pandas as pd

from crmlib import formatting as fmt

RECAP_LINES = 40  # the default cap on the recap's lines, its title and its last line included
RECAP_CHARACTERS = 3000  # and on its characters: a chat message stays readable without scrolling far
SYNTHETIC_NOTE = "DATA SINTETIS: contoh buatan, bukan data CRM yang sebenarnya."
CASES_PER_UNIT = 3  # the worst cases listed under each unit; its count says how many it has
# Bidirectional embeddings, overrides and isolates: they would reorder the text of the lines after them.
_BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")


def one_line(text: object) -> str:
    """Text from data on one line: control characters, line and paragraph separators and bidi controls become
    spaces, and runs of spaces one space.

    >>> one_line("Kebon\\nKelapa\\u2028\\x1b[31m"), one_line(None)
    ('Kebon Kelapa [31m', '–')
    """
    if fmt.optional_text(text) == fmt.MISSING:
        return fmt.MISSING
    cleaned = "".join(" " if unicodedata.category(c) in ("Cc", "Zl", "Zp") else c for c in str(text))
    return " ".join(_BIDI_CONTROLS.sub(" ", cleaned).split())


def unit_label(unit_type: str, unit: str, kecamatan: str | None) -> str:
    """A unit as the recap names it: a kelurahan with its kecamatan; an office by its own name.

    >>> unit_label("kelurahan", "Kebon Kelapa", "Gambir"), unit_label("kecamatan", "Kecamatan Gambir", "Gambir")
    ('Kelurahan Kebon Kelapa (Kec. Gambir)', 'Kecamatan Gambir')
    """
    if isinstance(unit_type, str) and unit_type == "kelurahan":
        where = f" (Kec. {one_line(kecamatan)})" if fmt.optional_text(kecamatan) != fmt.MISSING else ""
        return f"Kelurahan {one_line(unit)}{where}"
    return one_line(unit)


def _unanswered(backlog: pd.DataFrame) -> pd.Series:
    # Past the response rule and still without a response: what staff can still act on.
    return backlog["past_response_rule"] & ~backlog["responded"]


def _late_words(unanswered: bool, past_follow_up: bool, responded_late: bool, response_hours: str) -> str:
    words = []
    if unanswered:
        words.append(f"belum direspons > {response_hours} jam")
    elif responded_late:
        words.append(f"direspons > {response_hours} jam")
    if past_follow_up:
        words.append("lewat batas TL")
    return ", ".join(words)


def _worst_first(backlog: pd.DataFrame) -> pd.DataFrame:
    """Rows ranked by what is late (follow-up time and an unanswered response each count one), then by the wait."""
    ranked = backlog.assign(_unanswered=_unanswered(backlog),
                            _marks=_unanswered(backlog).astype(int) + backlog["past_follow_up"].astype(int))
    return ranked.sort_values(["_marks", "waited_hours", "ticket_id"], ascending=[False, False, True], kind="stable")


def _groups(backlog: pd.DataFrame) -> list[tuple[str, pd.DataFrame]]:
    """(label, rows worst first) per unit; the units with the most late complaints first, then the most open,
    then the longest wait, then by name."""
    ranked = _worst_first(backlog)
    groups = []
    for _, rows in ranked.groupby(["unit_type", "unit"], sort=False, dropna=False):
        first = rows.iloc[0]
        late = int((rows["_marks"] > 0).sum())
        label = unit_label(first["unit_type"], first["unit"], first["kecamatan"])
        groups.append(((-late, -len(rows), -float(first["waited_hours"]), label), label, rows))
    return [(label, rows) for _, label, rows in sorted(groups, key=lambda group: group[0])]


def _header(label: str, rows: pd.DataFrame, response_hours: str) -> str:
    parts = []
    unanswered = int(rows["_unanswered"].sum())
    past_follow_up = int(rows["past_follow_up"].sum())
    if unanswered:
        parts.append(f"{fmt.integer(unanswered)} belum direspons > {response_hours} jam")
    if past_follow_up:
        parts.append(f"{fmt.integer(past_follow_up)} lewat batas TL")
    return f"{label}: {fmt.integer(len(rows))} aduan" + (f" ({', '.join(parts)})" if parts else "")


def _case(row: pd.Series, response_hours: str) -> str:
    late = _late_words(bool(row["_unanswered"]), bool(row["past_follow_up"]),
                       bool(row["responded"] and row["past_response_rule"]), response_hours)
    return f"- {one_line(row['ticket_id'])}, {fmt.number(row['waited_hours'], 1)} jam" + (f", {late}" if late else "")


def recap_text(backlog: pd.DataFrame, city_label: str, at: pd.Timestamp, limit: int = RECAP_LINES, *,
               max_characters: int = RECAP_CHARACTERS, response_max_hours: float = 6,
               cases_per_unit: int = CASES_PER_UNIT, synthetic: bool = False) -> str:
    """The recap of an :func:`~crmlib.metrics.backlog.open_backlog` frame: a title with the city and the time,
    the totals, then one group per unit (a kelurahan, a kecamatan office, the mayor's office) with its count and
    its worst ``cases_per_unit`` cases (ticket number, hours waited, what is late).

    At most ``limit`` lines and ``max_characters`` characters (never fewer than the title, the totals and the last
    line): when the units do not all fit, whole units are left out from the end; whenever a complaint is not
    listed (beyond a unit's first cases, or in a unit left out) the last line says how many and that the CSV/XLSX
    hold every row. Text from data is kept on one line (:func:`one_line`).
    """
    hours = fmt.compact(response_max_hours)
    head = [f"Rekap aduan belum selesai, {one_line(city_label)}, {fmt.datetime_long(at)}"]
    if synthetic:
        head.append(SYNTHETIC_NOTE)
    if backlog.empty:
        return "\n".join([*head, "Tidak ada aduan yang belum selesai."])
    unanswered = int(_unanswered(backlog).sum())
    past_follow_up = int(backlog["past_follow_up"].sum())
    head.append(f"Belum selesai: {fmt.integer(len(backlog))} aduan; belum direspons > {hours} jam: "
                f"{fmt.integer(unanswered)}; lewat batas waktu TL: {fmt.integer(past_follow_up)}.")
    # Per unit: its header line, then its first cases.
    blocks = [(_header(label, rows, hours), [_case(row, hours) for _, row in rows.head(cases_per_unit).iterrows()])
              for label, rows in _groups(backlog)]
    whole = [*head, "", *(line for header, cases in blocks for line in [header, *cases])]
    if sum(len(cases) for _, cases in blocks) == len(backlog) and len(whole) <= limit \
            and len("\n".join(whole)) <= max_characters:
        return "\n".join(whole)  # every complaint listed, within the cap: no last line needed
    lines, listed = list(head), 0
    # The last line is kept free for the count of what is left out; a unit goes in whole or not at all.
    room_lines = max(limit, len(head) + 1) - 1
    room_characters = max_characters - len(_left_out_line(len(backlog), len(backlog))) - 1
    for header, cases in blocks:
        block = [*([""] if listed == 0 else []), header, *cases]
        if len(lines) + len(block) > room_lines or len("\n".join([*lines, *block])) > room_characters:
            break
        lines += block
        listed += len(cases)
    if listed < len(backlog):
        lines.append(_left_out_line(len(backlog) - listed, len(backlog)))
    return "\n".join(lines)


def _left_out_line(left_out: int, total: int) -> str:
    return (f"{fmt.integer(left_out)} aduan lain tidak dirinci di sini; berkas CSV/XLSX memuat semua "
            f"{fmt.integer(total)} aduan.")
