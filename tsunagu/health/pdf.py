"""The data of the printed 保健日誌 (``typst/daily_log.typ``): every value the form prints, as text.

Python decides everything (和暦 dates, labels, what is left out when space runs short); the template
only lays it out, on one A4 page for a school of 600 pupils.
"""

from __future__ import annotations

from typing import Any

from tsunagu.core.wareki import wareki
from tsunagu.health.models import VisitCategory
from tsunagu.health.selectors import DailyLog

WEEKDAYS = "月火水木金土日"
#: Notable cases the page lists; more are counted in a closing line.
NOTABLE_ROWS = 10


def _counts(mapping: dict[str, int]) -> str:
    return "、".join(f"{k} {n}" for k, n in mapping.items()) or "なし"


def _reasons(mapping: dict[str, int]) -> str:
    return "、".join(k if n == 1 else f"{k}×{n}" for k, n in mapping.items())


def daily_log_data(log: DailyLog) -> dict[str, Any]:
    """The JSON the template reads (all strings, so the template never formats)."""
    entry = log.entry
    weather = ""
    if entry is not None:
        parts = [entry.get_weather_display() if entry.weather else ""]
        if entry.temperature is not None:
            parts.append(f"気温 {entry.temperature}℃")
        if entry.humidity is not None:
            parts.append(f"湿度 {entry.humidity}%")
        weather = "　".join(p for p in parts if p)
    totals = log.totals
    labels = dict(VisitCategory.choices)
    notable = log.notable
    rows = [
        {
            "time": v.time_in.strftime("%H:%M"),
            "class": v.homeroom.display_name if v.homeroom else "",
            "name": v.student.full_name,
            "category": str(labels[v.category]),
            "complaints": "、".join(v.complaint_labels),
            "outcome": v.get_outcome_display(),
            "contact": v.guardian_contacted_at.strftime("%H:%M") if v.guardian_contacted_at else "",
        }
        for v in notable[:NOTABLE_ROWS]
    ]
    return {
        "title": "保健日誌",
        "school": log.school.name,
        "date": f"{wareki(log.day)}（{WEEKDAYS[log.day.weekday()]}）",
        "weather": weather or "—",
        "classes": [
            {
                "name": row.homeroom.display_name,
                "enrolled": str(row.enrolled),
                "absent": str(row.absent or ""),
                "excused": str(row.excused or ""),
                "late": str(row.late or ""),
                "early": str(row.early_leave or ""),
                "visits": str(row.visits or ""),
                "reasons": _reasons(row.reasons),
            }
            for row in log.classes
        ],
        "totals": {
            "enrolled": str(totals.enrolled),
            "absent": str(totals.absent),
            "excused": str(totals.excused),
            "late": str(totals.late),
            "early": str(totals.early_leave),
            "visits": str(totals.visits),
        },
        "suspensions": _counts(log.suspensions),
        "visits_total": str(len(log.visits)),
        "visits_by_category": [
            {"label": str(labels[c]), "n": str(n)} for c, n in log.visits_by_category.items()
        ],
        "complaints": _counts(log.complaints),
        "notable": rows,
        "notable_more": str(len(notable) - len(rows)) if len(notable) > len(rows) else "",
        "checkin": (
            f"回答 {log.checkin_answered}　雨・かみなり {log.checkin_bad_mood}　"
            f"話したい {log.talk_requests}　症状：{_counts(log.checkin_symptoms)}"
        ),
        "events": entry.events if entry else "",
        "remarks": entry.remarks if entry else "",
    }
