"""The open backlog: the complaints still open at a moment, how long each has waited and what is already late.

Seed report 000 asks staff to recap the complaints still waiting several times a day; this is that list,
judged by times rather than by the export's status, so that it holds for any moment the export covers.
"""

from __future__ import annotations

import pandas as pd

from crmlib.ingest.rules import Rules
from crmlib.metrics.durations import response_hours
from crmlib.metrics.scores import effective_max_tl_hours
from crmlib.schema import TZ

# Ticket number, unit, category, status and ages only: never free text or the reporter's identity.
BACKLOG_COLUMNS = ["ticket_id", "unit_type", "unit", "kecamatan", "category", "status", "created_at",
                   "waited_hours", "responded", "past_response_rule", "max_tl_hours", "past_follow_up"]
# A kecamatan's own office before its kelurahan; the head unit has no kecamatan and so comes last.
_UNIT_TYPE_ORDER = {"kecamatan": 0, "kelurahan": 1, "kota": 2, "skpd": 3}


def _jakarta(at: pd.Timestamp | str) -> pd.Timestamp:
    # A naive time is Jakarta wall time, as everywhere in the package.
    stamp = pd.Timestamp(at)
    return stamp.tz_localize(TZ) if stamp.tzinfo is None else stamp.tz_convert(TZ)


def open_at(tickets: pd.DataFrame, at: pd.Timestamp | str) -> pd.Series:
    """Tickets open at ``at``: created at or before it and not completed at or before it.

    A ticket completed after ``at`` was open then, whatever its status says now. A ticket whose status is
    Complete but which has no completion time (the loader emptied an implausible one) is done at an unknown
    time: as in :func:`crmlib.metrics.durations.still_open`, it counts as done, so it is never in the backlog.

    >>> t = pd.DataFrame({"status": ["Complete", "Complete", "Wait", "Wait"],
    ...                   "created_at": pd.to_datetime(["2022-06-01 08:00"] * 3 + ["2022-06-02 09:00"]),
    ...                   "completed_at": pd.to_datetime(["2022-06-02 08:00", None, None, None])})
    >>> open_at(t, "2022-06-02 07:59").tolist(), open_at(t, "2022-06-02 09:00").tolist()
    ([True, False, True, False], [False, False, True, True])
    """
    at = _jakarta(at)
    created = _localized(tickets["created_at"])
    completed = _localized(tickets["completed_at"])
    done_by_then = (completed <= at).fillna(False)
    done_when_unknown = (completed.isna() & tickets["status"].eq("Complete")).fillna(False)
    mask = (created <= at).fillna(False) & ~done_by_then & ~done_when_unknown
    return mask.astype(bool)


def _localized(times: pd.Series) -> pd.Series:
    # Hand-built frames may hold naive times: Jakarta wall time, as the loader writes them.
    return times.dt.tz_localize(TZ) if times.dt.tz is None else times


def open_backlog(tickets: pd.DataFrame, at: pd.Timestamp | str, rules: Rules) -> pd.DataFrame:
    """The tickets open at ``at`` (see :func:`open_at`) with their age and lateness; per unit, oldest first.

    ``waited_hours``: from created_at to ``at``. ``responded``: a response at or before ``at``.
    ``past_response_rule``: the response took longer than ``rules.response_max_hours`` or, without a response
    yet, the wait already does; at exactly the maximum it is late only when the rule is not inclusive (as in
    :func:`crmlib.metrics.durations.response_split`). ``past_follow_up``: the wait is longer than the ticket's
    maximum follow-up hours (:func:`crmlib.metrics.scores.effective_max_tl_hours`); a completion at exactly
    the maximum scores as on time, so exactly the maximum is not past it.

    Rows are ordered by kecamatan (none last), the kecamatan's office before its kelurahan, unit, then
    oldest first. ``status`` is the export's: a ticket completed after ``at`` may say Complete.
    """
    at = _jakarta(at)
    frame = tickets.assign(created_at=_localized(tickets["created_at"]),
                           responded_at=_localized(tickets["responded_at"]),
                           completed_at=_localized(tickets["completed_at"]))
    frame = frame[open_at(frame, at).to_numpy()]
    waited = ((at - frame["created_at"]).dt.total_seconds() / 3600).astype("Float64")
    # A response after `at` was not known at `at`.
    responded = (frame["responded_at"] <= at).fillna(False).astype(bool)
    response_time = response_hours(frame).where(responded, waited)
    if rules.response_inclusive:
        late = response_time > rules.response_max_hours
    else:
        late = response_time >= rules.response_max_hours
    max_tl = effective_max_tl_hours(frame, rules)
    backlog = frame.assign(waited_hours=waited, responded=responded,
                           past_response_rule=late.fillna(False).astype(bool), max_tl_hours=max_tl,
                           past_follow_up=(waited > max_tl).fillna(False).astype(bool))
    order = backlog.assign(_no_kecamatan=backlog["kecamatan"].isna(),
                           _type=backlog["unit_type"].map(_UNIT_TYPE_ORDER).fillna(len(_UNIT_TYPE_ORDER)))
    order = order.sort_values(["_no_kecamatan", "kecamatan", "_type", "unit", "created_at", "ticket_id"],
                              kind="stable", na_position="last")
    return order[BACKLOG_COLUMNS].reset_index(drop=True)
