"""Report metrics: pure functions over one city-month's canonical tickets and coordinations."""

from crmlib.metrics.counts import (
    category_mix,
    channel_shares,
    geotag_counts,
    tied_past,
    top_categories,
    top_counts,
    top_subcategories,
    top_units,
    total_complaints,
)
from crmlib.metrics.durations import (
    completion_histogram,
    completion_hours,
    coordination_hours,
    duration_stats,
    fastest,
    kelurahan_completion_stats,
    kelurahan_coordination_stats,
    response_hours,
    response_split,
    slowest,
    summary_stats,
    units_faster_than,
)
from crmlib.metrics.follow_ups import late_follow_ups, rejected_follow_ups
from crmlib.metrics.history import city_trend, export_months, monthly_history
from crmlib.metrics.pivot import DEFAULT_STATUS_COLUMNS, status_columns, status_pivot
from crmlib.metrics.scores import capaian, effective_max_tl_hours, follow_up_score, follow_up_scores, grade

__all__ = [
    "DEFAULT_STATUS_COLUMNS",
    "capaian",
    "category_mix",
    "city_trend",
    "channel_shares",
    "completion_histogram",
    "completion_hours",
    "coordination_hours",
    "duration_stats",
    "effective_max_tl_hours",
    "export_months",
    "fastest",
    "follow_up_score",
    "follow_up_scores",
    "geotag_counts",
    "grade",
    "kelurahan_completion_stats",
    "kelurahan_coordination_stats",
    "late_follow_ups",
    "monthly_history",
    "rejected_follow_ups",
    "response_hours",
    "response_split",
    "slowest",
    "status_columns",
    "status_pivot",
    "summary_stats",
    "tied_past",
    "top_categories",
    "top_counts",
    "top_subcategories",
    "top_units",
    "total_complaints",
    "units_faster_than",
]
