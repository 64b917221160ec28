"""The open backlog on hand-worked frames: who is open at T, how long each has waited, and what is late."""

from dataclasses import replace

import pandas as pd
import pytest

from crmlib.metrics.backlog import BACKLOG_COLUMNS, open_at, open_backlog

from frames import at, tickets

T = "2022-06-01 20:00"  # 12 hours after the frames' default creation time, 08:00


def _row(frame: pd.DataFrame, ticket_id: str) -> pd.Series:
    return frame.set_index("ticket_id").loc[ticket_id]


def test_open_at_t_is_judged_by_times_not_by_status(rules):
    frame = tickets(
        {"ticket_id": "CREATED_AT_T", "created_at": T, "status": "Wait"},
        {"ticket_id": "CREATED_AFTER_T", "created_at": at(12.01), "status": "Wait"},
        {"ticket_id": "COMPLETED_AT_T", "completed_at": T},
        {"ticket_id": "COMPLETED_AFTER_T", "completed_at": at(12.01)},  # status Complete, yet open at T
        {"ticket_id": "COMPLETED_BEFORE_T", "completed_at": at(11.99)},
        {"ticket_id": "COMPLETE_NO_TIME", "status": "Complete", "completed_at": None},
        {"ticket_id": "IN_PROGRESS", "status": "In Progres", "completed_at": None},
        # a time but not a Complete status: the time says it was done (as still_open reads it)
        {"ticket_id": "TIME_NOT_COMPLETE", "status": "TL Ditolak", "completed_at": at(2)},
    )
    is_open = dict(zip(frame["ticket_id"], open_at(frame, T)))
    assert is_open == {"CREATED_AT_T": True, "CREATED_AFTER_T": False, "COMPLETED_AT_T": False,
                       "COMPLETED_AFTER_T": True, "COMPLETED_BEFORE_T": False, "COMPLETE_NO_TIME": False,
                       "IN_PROGRESS": True, "TIME_NOT_COMPLETE": False}
    backlog = open_backlog(frame, T, rules)
    assert sorted(backlog["ticket_id"]) == ["COMPLETED_AFTER_T", "CREATED_AT_T", "IN_PROGRESS"]
    assert _row(backlog, "CREATED_AT_T")["waited_hours"] == 0
    assert _row(backlog, "COMPLETED_AFTER_T")["status"] == "Complete"  # the export's status, shown as it is


@pytest.mark.parametrize(("inclusive", "late_at_six"), [(True, False), (False, True)])
def test_a_response_at_exactly_six_hours_follows_the_rules_inclusive_mark(inclusive, late_at_six, rules):
    frame = tickets(
        {"ticket_id": "AT_6", "status": "Wait", "responded_at": at(6)},
        {"ticket_id": "AT_5_59", "status": "Wait", "responded_at": at(5 + 59 / 60)},
        {"ticket_id": "AT_6_01", "status": "Wait", "responded_at": at(6 + 1 / 60)},
        # waiting exactly 6 hours at T without a response: the same boundary as a response at 6 h
        {"ticket_id": "WAITING_6", "status": "Wait", "created_at": at(6)},
        {"ticket_id": "WAITING_5", "status": "Wait", "created_at": at(7)},
    )
    backlog = open_backlog(frame, T, replace(rules, response_inclusive=inclusive))
    late = dict(zip(backlog["ticket_id"], backlog["past_response_rule"]))
    assert late == {"AT_6": late_at_six, "AT_5_59": False, "AT_6_01": True, "WAITING_6": late_at_six,
                    "WAITING_5": False}
    responded = dict(zip(backlog["ticket_id"], backlog["responded"]))
    assert responded == {"AT_6": True, "AT_5_59": True, "AT_6_01": True, "WAITING_6": False, "WAITING_5": False}


def test_a_response_after_t_was_not_known_at_t(rules):
    frame = tickets({"ticket_id": "LATER", "status": "Wait", "responded_at": at(13)})
    row = _row(open_backlog(frame, T, rules), "LATER")
    # At T it had waited 12 hours without a response: late by the rule, not responded.
    assert not row["responded"] and row["past_response_rule"] and row["waited_hours"] == 12


def test_past_follow_up_time_is_strictly_longer_than_the_maximum(rules):
    frame = tickets(
        {"ticket_id": "EXACTLY_MAX", "status": "Wait", "max_tl_hours": 12.0},
        {"ticket_id": "PAST_MAX", "status": "Wait", "max_tl_hours": 11.5},
        {"ticket_id": "FROM_CATEGORY", "status": "Wait", "max_tl_hours": None, "category": "Sampah",
         "created_at": "2022-05-30 08:00"},  # 60 hours at T against Sampah's 48
        {"ticket_id": "DEFAULT_MAX", "status": "Wait", "max_tl_hours": None, "category": "Lain-lain",
         "created_at": "2022-05-30 08:00"},  # 60 hours against the default 168
    )
    backlog = open_backlog(frame, T, rules)
    assert dict(zip(backlog["ticket_id"], backlog["past_follow_up"])) == {
        "EXACTLY_MAX": False, "PAST_MAX": True, "FROM_CATEGORY": True, "DEFAULT_MAX": False}
    assert dict(zip(backlog["ticket_id"], backlog["max_tl_hours"])) == {
        "EXACTLY_MAX": 12.0, "PAST_MAX": 11.5, "FROM_CATEGORY": 48.0, "DEFAULT_MAX": 168.0}


def test_rows_are_per_unit_oldest_first_with_only_the_listed_columns(rules):
    frame = tickets(
        {"ticket_id": "KAYU_NEW", "status": "Wait", "created_at": at(3)},
        {"ticket_id": "KAYU_OLD", "status": "Wait", "created_at": at(1)},
        {"ticket_id": "PAL", "status": "Wait", "unit": "Pal Meriam"},
        {"ticket_id": "KEC", "status": "Wait", "unit_type": "kecamatan", "unit": "Kecamatan Matraman"},
        {"ticket_id": "KOTA", "status": "Wait", "unit_type": "kota", "unit": "Walikota Jakarta Timur",
         "kecamatan": None},
        {"ticket_id": "CAKUNG", "status": "Wait", "kecamatan": "Cakung", "unit": "Pulo Gebang"},
    )
    backlog = open_backlog(frame, T, rules)
    assert backlog["ticket_id"].tolist() == ["CAKUNG", "KEC", "KAYU_OLD", "KAYU_NEW", "PAL", "KOTA"]
    assert list(backlog.columns) == BACKLOG_COLUMNS
    assert backlog["waited_hours"].tolist() == [12, 12, 11, 9, 12, 12]


def test_a_naive_time_is_jakarta_wall_time_and_nothing_open_is_an_empty_frame(rules):
    frame = tickets({"ticket_id": "DONE", "completed_at": at(1)})
    aware = pd.Timestamp(T).tz_localize("Asia/Jakarta")
    assert open_backlog(frame, aware, rules).empty
    assert list(open_backlog(frame, T, rules).columns) == BACKLOG_COLUMNS
    waiting = tickets({"ticket_id": "W", "status": "Wait"})
    # 20:00 in Jakarta is 13:00 UTC
    assert open_backlog(waiting, pd.Timestamp("2022-06-01 13:00", tz="UTC"), rules)["waited_hours"].tolist() == [12]
