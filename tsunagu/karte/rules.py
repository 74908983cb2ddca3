"""The insight rules (DASHBOARD.md §3): explainable, per pupil, against the pupil's own history.

Pure functions over a :class:`History` (what the register, the check-ins and the nurse's room say about
one pupil on each school day), so that every rule is tested on constructed histories, including the cases
where it must stay silent. No rule reads anything demographic: only dates, marks, moods and visits.

Each finding carries a stable ``key`` (the same pattern found again tomorrow is the same insight, not a
new one), a Japanese sentence that states its evidence, and the evidence itself as data.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

WEEKDAYS_JA = "月火水木金土日"

#: Mark kinds (tsunagu.attendance.models.Mark values) the rules look at.
ABSENT = frozenset({"absent_illness", "absent_other"})
ILLNESS = "absent_illness"
LATE = "late"
#: 心の天気 as a score, best first (tsunagu.health.models.Mood values).
MOOD_SCORE = {"sunny": 4, "cloudy": 3, "rainy": 2, "stormy": 1}
MOOD_JA = {"sunny": "晴れ", "cloudy": "くもり", "rainy": "雨", "stormy": "かみなり"}
BAD_MOODS = frozenset({"rainy", "stormy"})


@dataclass(frozen=True)
class Visit:
    """A nurse-office visit as the rules see it: when, and 内科 (internal) or 外科 (injury)."""

    date: dt.date
    time: dt.time
    category: str  # "internal" | "injury" | "other"
    complaint: str = ""


@dataclass(frozen=True)
class Answers:
    """Questions a pupil answered in one subject on one day in the learning apps, and how many right."""

    date: dt.date
    subject: str  # the subject's code (the insight's key)
    subject_name: str  # as the sentence names it (算数, 国語 …)
    answered: int
    correct: int


@dataclass
class History:
    """One pupil's school days in a window, oldest first: the day's mark kind ("" before the register
    is taken), morning mood ("" when not answered), whether symptoms were reported; and visits."""

    school_days: list[dt.date]
    marks: dict[dt.date, str] = field(default_factory=dict)
    moods: dict[dt.date, str] = field(default_factory=dict)
    symptoms: set[dt.date] = field(default_factory=set)
    visits: list[Visit] = field(default_factory=list)
    #: 欠席日数 so far this school year (the register's own count, for the 30-day threshold).
    year_absences: int = 0
    #: Dates of 家庭のようす records (HOME topics from the guardian or staff; never sensitive ones).
    home_notes: list[dt.date] = field(default_factory=list)
    #: Study time in seconds per calendar day from the learning apps (every day of the window, 0 when
    #: nothing was done); empty when the pupil's school has no learning data.
    study_seconds: dict[dt.date, int] = field(default_factory=dict)
    #: Answered and correct questions per day and subject from the learning apps (days with answers
    #: only); empty when the pupil's school has no learning data.
    answers: list[Answers] = field(default_factory=list)


@dataclass(frozen=True)
class Thresholds:
    """Per-board settings (InsightSettings); the defaults are conservative so that rules do not shout."""

    weeks: int = 8  # the window of weekday and time-of-day patterns
    min_weekday_days: int = 5  # school days on that weekday within the window
    min_hits: int = 4  # days showing the signal on that weekday
    min_rate: float = 0.5  # share of those weekdays with the signal
    other_rate_factor: float = 2.0  # that share must be this many times the rate on other weekdays
    mood_streak: int = 3
    absence_streak: int = 3
    legal_absence_streak: int = 7
    yearly_absence_warning: int = 20
    yearly_absence_limit: int = 30
    baseline_recent_days: int = 10
    baseline_days: int = 30
    min_baseline_observations: int = 15
    mood_drop: float = 0.8  # mean mood score fall (one level = 1.0)
    stale_days: int = 20
    morning_visit_share: float = 0.75
    min_visits: int = 4
    home_change_min_days: int = 20  # school days on each side of the 家庭のようす record
    home_change_factor: float = 2.0  # the absence rate after it, at least this many times the rate before
    home_change_min_absences: int = 5
    study_recent_days: int = 14  # calendar days compared with the pupil's own …
    study_baseline_days: int = 28  # … calendar days before them
    study_min_active_days: int = 10  # days with some study time in the baseline
    study_drop: float = 0.5  # the recent daily mean at most this share of the baseline's
    correct_recent_days: int = 21  # calendar days compared with the pupil's own …
    correct_baseline_days: int = 42  # … calendar days before them
    correct_min_answers: int = 20  # answered questions needed in each of the two windows
    correct_drop: float = 0.15  # the recent correct rate at least this much lower (0.15 = 15 points)
    correct_min_z: float = 3.0  # and at least this many standard errors lower (not a chance wobble)

    @classmethod
    def from_dict(cls, values: dict[str, Any]) -> Thresholds:
        known = {k: v for k, v in values.items() if k in cls.__dataclass_fields__}
        return cls(**known)


@dataclass(frozen=True)
class Finding:
    """One insight as a rule states it."""

    rule: str
    key: str
    sentence: str
    evidence: dict[str, Any]
    severity: str = "watch"  # "watch" | "act" (the law or the 30-day threshold asks for action)


def _md(day: dt.date) -> str:
    return f"{day.month}/{day.day}"


def _weekday_pattern(
    history: History, t: Thresholds, signal: Callable[[dt.date], bool], code: str, phrase: str
) -> list[Finding]:
    """A weekday whose share of days with ``signal`` is high and well above the pupil's other weekdays."""
    window_start = history.school_days[-1] - dt.timedelta(weeks=t.weeks) if history.school_days else None
    days = [d for d in history.school_days if window_start and d > window_start]
    findings = []
    for weekday in range(5):
        on = [d for d in days if d.weekday() == weekday]
        others = [d for d in days if d.weekday() != weekday]
        hits = sum(1 for d in on if signal(d))
        other_hits = sum(1 for d in others if signal(d))
        if len(on) < t.min_weekday_days or hits < t.min_hits:
            continue
        rate = hits / len(on)
        other_rate = other_hits / len(others) if others else 0.0
        if rate >= t.min_rate and rate >= t.other_rate_factor * other_rate:
            name = WEEKDAYS_JA[weekday]
            findings.append(
                Finding(
                    rule=f"weekday_{code}",
                    key=f"weekday_{code}:{weekday}",
                    sentence=f"毎週{name}曜日は{phrase}傾向があります（直近{t.weeks}週の{name}曜日{len(on)}回のうち{hits}回）。",
                    evidence={
                        "weekday": weekday,
                        "hits": hits,
                        "days": len(on),
                        "other_hits": other_hits,
                        "other_days": len(others),
                        "dates": [d.isoformat() for d in on if signal(d)],
                    },
                )
            )
    return findings


def weekday_patterns(history: History, t: Thresholds) -> list[Finding]:
    """毎週月曜日は… in being unwell (illness absence, symptoms, a 内科 visit), absences and bad moods."""
    visit_days = {v.date for v in history.visits if v.category == "internal"}

    def unwell(d: dt.date) -> bool:
        return history.marks.get(d) == ILLNESS or d in history.symptoms or d in visit_days

    def absent(d: dt.date) -> bool:
        return history.marks.get(d) in ABSENT

    def low(d: dt.date) -> bool:
        return history.moods.get(d) in BAD_MOODS

    findings = _weekday_pattern(history, t, unwell, "unwell", "体調不良を訴える")
    findings += [
        f
        for f in _weekday_pattern(history, t, absent, "absence", "欠席する")
        if not any(g.evidence["weekday"] == f.evidence["weekday"] for g in findings)
    ]
    findings += _weekday_pattern(history, t, low, "mood", "心の天気が「雨」「かみなり」になる")
    return findings


def morning_visits(history: History, t: Thresholds) -> list[Finding]:
    """午前中は腹痛を… : most of the window's 内科 visits before noon, with the commonest complaint."""
    if not history.school_days:
        return []
    since = history.school_days[-1] - dt.timedelta(weeks=t.weeks)
    visits = [v for v in history.visits if v.date > since and v.category == "internal"]
    if len(visits) < t.min_visits:
        return []
    morning = [v for v in visits if v.time < dt.time(12, 0)]
    if len(morning) / len(visits) < t.morning_visit_share or len(morning) < t.min_visits:
        return []
    complaints: dict[str, int] = {}
    for v in morning:
        if v.complaint:
            complaints[v.complaint] = complaints.get(v.complaint, 0) + 1
    top = max(complaints, key=lambda c: complaints[c]) if complaints else ""
    what = f"{top}を訴えて" if top else ""
    return [
        Finding(
            rule="morning_visits",
            key="morning_visits",
            sentence=f"午前中は{what}保健室に来る傾向があります（直近{t.weeks}週の来室{len(visits)}回のうち午前{len(morning)}回）。",
            evidence={"visits": len(visits), "morning": len(morning), "complaint": top},
        )
    ]


def _run(days: Iterable[dt.date], test: Callable[[dt.date], bool]) -> list[dt.date]:
    """The run of consecutive school days ending on the last day for which ``test`` holds."""
    run: list[dt.date] = []
    for day in reversed(list(days)):
        if not test(day):
            break
        run.append(day)
    return list(reversed(run))


def streaks(history: History, t: Thresholds) -> list[Finding]:
    """Bad moods and absences on consecutive school days up to the latest; the 7-day legal notice."""
    findings = []
    answered = [d for d in history.school_days if history.moods.get(d)]
    moods = _run(answered, lambda d: history.moods.get(d) in BAD_MOODS)
    if len(moods) >= t.mood_streak:
        findings.append(
            Finding(
                rule="mood_streak",
                key=f"mood_streak:{moods[0].isoformat()}",
                sentence=f"{len(moods)}日続けて心の天気が「雨」か「かみなり」です（{_md(moods[0])}〜{_md(moods[-1])}）。",
                evidence={"days": len(moods), "from": moods[0].isoformat(), "to": moods[-1].isoformat()},
            )
        )
    taken = [d for d in history.school_days if history.marks.get(d)]
    absent = _run(taken, lambda d: history.marks.get(d) in ABSENT)
    if len(absent) >= t.legal_absence_streak:
        findings.append(
            Finding(
                rule="absence_streak_legal",
                key=f"absence_streak:{absent[0].isoformat()}",
                sentence=(
                    f"{len(absent)}日連続で欠席しています"
                    f"（{_md(absent[0])}〜{_md(absent[-1])}）。学校教育法施行令第20条の通知が必要です。"
                ),
                evidence={"days": len(absent), "from": absent[0].isoformat(), "to": absent[-1].isoformat()},
                severity="act",
            )
        )
    elif len(absent) >= t.absence_streak:
        findings.append(
            Finding(
                rule="absence_streak",
                key=f"absence_streak:{absent[0].isoformat()}",
                sentence=f"{len(absent)}日続けて欠席しています（{_md(absent[0])}〜{_md(absent[-1])}）。",
                evidence={"days": len(absent), "from": absent[0].isoformat(), "to": absent[-1].isoformat()},
            )
        )
    return findings


def yearly_absences(history: History, t: Thresholds) -> list[Finding]:
    """The 30-day yearly threshold (不登校の目安) approaching or reached."""
    n = history.year_absences
    if n >= t.yearly_absence_limit:
        return [
            Finding(
                rule="yearly_absence",
                key="yearly_absence:limit",
                sentence=f"今年度の欠席が{n}日になり、{t.yearly_absence_limit}日を超えました。",
                evidence={"absences": n, "limit": t.yearly_absence_limit},
                severity="act",
            )
        ]
    if n >= t.yearly_absence_warning:
        return [
            Finding(
                rule="yearly_absence",
                key="yearly_absence:warning",
                sentence=(
                    f"今年度の欠席が{n}日です"
                    f"（{t.yearly_absence_limit}日まであと{t.yearly_absence_limit - n}日）。"
                ),
                evidence={"absences": n, "limit": t.yearly_absence_limit},
            )
        ]
    return []


def mood_decline(history: History, t: Thresholds) -> list[Finding]:
    """The recent days' mean mood well below the pupil's own baseline of the days before."""
    answered = [d for d in history.school_days if history.moods.get(d) in MOOD_SCORE]
    recent = answered[-t.baseline_recent_days :]
    baseline = answered[-(t.baseline_recent_days + t.baseline_days) : -t.baseline_recent_days]
    if len(recent) < t.baseline_recent_days or len(baseline) < t.min_baseline_observations:
        return []
    before = sum(MOOD_SCORE[history.moods[d]] for d in baseline) / len(baseline)
    now = sum(MOOD_SCORE[history.moods[d]] for d in recent) / len(recent)
    if before - now < t.mood_drop:
        return []
    return [
        Finding(
            rule="mood_decline",
            key=f"mood_decline:{recent[0].isoformat()}",
            sentence=(
                f"最近{len(recent)}日の心の天気が、それまでの{len(baseline)}日より下がっています"
                f"（平均 {_mood_word(before)}→{_mood_word(now)}）。"
            ),
            evidence={"before": round(before, 2), "now": round(now, 2), "recent_from": recent[0].isoformat()},
        )
    ]


def _mood_word(score: float) -> str:
    """The nearest weather for a mean score (4 = 晴れ … 1 = かみなり)."""
    nearest = min(MOOD_SCORE, key=lambda m: abs(MOOD_SCORE[m] - score))
    return f"{MOOD_JA[nearest]}（{score:.1f}）"


def stale_checkins(history: History, t: Thresholds) -> list[Finding]:
    """The same answer every day for weeks: flagged as possibly unreliable, not as a risk."""
    answered = [d for d in history.school_days if history.moods.get(d)]
    if len(answered) < t.stale_days:
        return []
    last = history.moods[answered[-1]]
    same = _run(answered, lambda d: history.moods.get(d) == last)
    if len(same) < t.stale_days:
        return []
    return [
        Finding(
            rule="stale_checkins",
            key="stale_checkins",
            sentence=(
                f"{len(same)}日続けて同じ答え（{MOOD_JA.get(last, last)}）です。"
                "回答が実際の気持ちを表していない可能性があります。"
            ),
            evidence={"days": len(same), "mood": last},
        )
    ]


def lateness_rising(history: History, t: Thresholds) -> list[Finding]:
    """Late arrivals in the last four weeks well above the eight weeks before."""
    if not history.school_days:
        return []
    end = history.school_days[-1]
    recent = [d for d in history.school_days if d > end - dt.timedelta(weeks=4)]
    before = [
        d for d in history.school_days if end - dt.timedelta(weeks=12) < d <= end - dt.timedelta(weeks=4)
    ]
    late_now = sum(1 for d in recent if history.marks.get(d) == LATE)
    late_before = sum(1 for d in before if history.marks.get(d) == LATE)
    if late_now < 3 or len(before) < 20:
        return []
    if late_now / max(len(recent), 1) < 2 * (late_before / len(before)) + 0.05:
        return []
    return [
        Finding(
            rule="lateness_rising",
            key=f"lateness_rising:{recent[0].isoformat()}",
            sentence=f"遅刻が増えています（直近4週で{late_now}回、その前の8週で{late_before}回）。",
            evidence={"recent": late_now, "before": late_before},
        )
    ]


def absence_since_home_note(history: History, t: Thresholds) -> list[Finding]:
    """家庭環境の変化から休みがち: absences since a 家庭のようす record well above the rate before it.

    The oldest record after which the pupil's absence rate at least ``home_change_factor`` times the
    rate before (each side ``home_change_min_days`` school days of the register) is reported; its
    date is named, never its content (the record itself stays under its own visibility)."""
    taken = [d for d in history.school_days if history.marks.get(d)]
    for note in sorted(set(history.home_notes)):
        before = [d for d in taken if d < note]
        after = [d for d in taken if d >= note]
        if len(before) < t.home_change_min_days or len(after) < t.home_change_min_days:
            continue
        absent_before = sum(1 for d in before if history.marks[d] in ABSENT)
        absent_after = sum(1 for d in after if history.marks[d] in ABSENT)
        rate_before, rate_after = absent_before / len(before), absent_after / len(after)
        if absent_after < t.home_change_min_absences:
            continue
        if rate_after < t.home_change_factor * rate_before or rate_after - rate_before < 0.05:
            continue
        return [
            Finding(
                rule="absence_since_home_note",
                key=f"absence_since_home_note:{note.isoformat()}",
                sentence=(
                    f"{_md(note)}の家庭のようすの記録のあと、欠席が増えています"
                    f"（その後{len(after)}日のうち{absent_after}日、それまでは{len(before)}日のうち{absent_before}日）。"
                ),
                evidence={
                    "note": note.isoformat(),
                    "after_days": len(after),
                    "after_absences": absent_after,
                    "before_days": len(before),
                    "before_absences": absent_before,
                },
            )
        ]
    return []


def _minutes(seconds: float) -> str:
    return f"{round(seconds / 60)}分"


def study_time_drop(history: History, t: Thresholds) -> list[Finding]:
    """学習時間の減少: the recent days' mean study time well below the pupil's own days before."""
    if not history.study_seconds:
        return []
    end = max(history.study_seconds)
    recent_start = end - dt.timedelta(days=t.study_recent_days - 1)
    base_start = recent_start - dt.timedelta(days=t.study_baseline_days)
    recent = [
        history.study_seconds.get(recent_start + dt.timedelta(days=i), 0) for i in range(t.study_recent_days)
    ]
    base = [
        history.study_seconds.get(base_start + dt.timedelta(days=i), 0) for i in range(t.study_baseline_days)
    ]
    if sum(1 for s in base if s > 0) < t.study_min_active_days:
        return []
    before, now = sum(base) / len(base), sum(recent) / len(recent)
    if before < 300 or now > t.study_drop * before:  # less than 5 minutes a day is no baseline
        return []
    # Every week of the recent days is low, so that one week off (a trip, a cold) is no drop.
    weeks = [recent[i : i + 7] for i in range(0, len(recent), 7)]
    if any(sum(w) / len(w) > t.study_drop * before for w in weeks):
        return []
    return [
        Finding(
            rule="study_time_drop",
            key=f"study_time_drop:{recent_start.isoformat()}",
            sentence=(
                f"最近{t.study_recent_days}日の学習時間が、それまでの{t.study_baseline_days}日より減っています"
                f"（1日平均 {_minutes(before)}→{_minutes(now)}）。"
            ),
            evidence={
                "before_seconds_per_day": round(before),
                "now_seconds_per_day": round(now),
                "recent_from": recent_start.isoformat(),
            },
        )
    ]


def _span(days: int) -> str:
    """ "3週" for whole weeks, else "10日" (the windows as the sentence names them)."""
    return f"{days // 7}週" if days % 7 == 0 else f"{days}日"


def _rate_drop(
    answers: list[Answers], t: Thresholds, recent_start: dt.date, base_start: dt.date
) -> dict[str, Any] | None:
    """The evidence of a drop in ``answers`` (one subject, or all pooled), or None when there is none.

    A drop is the recent correct rate at least ``correct_drop`` below the baseline's, each window with
    ``correct_min_answers`` answers, at least ``correct_min_z`` standard errors of the difference (a
    pooled two-proportion comparison: with few answers a large gap is still chance), and still a drop
    without the recent window's worst week (one bad week — a hard unit, a cold — is not a drop)."""
    recent = [a for a in answers if a.date >= recent_start]
    base = [a for a in answers if base_start <= a.date < recent_start]
    n_recent, c_recent = sum(a.answered for a in recent), sum(a.correct for a in recent)
    n_base, c_base = sum(a.answered for a in base), sum(a.correct for a in base)
    if n_recent < t.correct_min_answers or n_base < t.correct_min_answers:
        return None
    before, now = c_base / n_base, c_recent / n_recent
    if before - now < t.correct_drop:
        return None
    pooled = (c_base + c_recent) / (n_base + n_recent)
    error = math.sqrt(pooled * (1 - pooled) * (1 / n_base + 1 / n_recent))
    if error == 0 or (before - now) / error < t.correct_min_z:
        return None
    weeks: dict[int, list[int]] = {}
    for a in recent:
        week = weeks.setdefault((a.date - recent_start).days // 7, [0, 0])
        week[0] += a.answered
        week[1] += a.correct
    if len(weeks) < 2:
        return None
    worst = min(weeks, key=lambda w: weeks[w][1] / weeks[w][0])
    n_rest, c_rest = n_recent - weeks[worst][0], c_recent - weeks[worst][1]
    if before - c_rest / n_rest < t.correct_drop:
        return None
    return {
        "before": round(before, 3),
        "now": round(now, 3),
        "before_answered": n_base,
        "now_answered": n_recent,
        "before_correct": c_base,
        "now_correct": c_recent,
        "recent_from": recent_start.isoformat(),
    }


def correct_rate_drop(history: History, t: Thresholds) -> list[Finding]:
    """正答率の低下: a subject's recent correct rate well below the pupil's own weeks before (per subject,
    as the karte's 成績(教科) shows it; all subjects pooled only when no single subject has enough
    answers to tell, so that a pupil who answers a little in many subjects is not missed)."""
    if not history.answers:
        return []
    # The day the rules run for: the study days run up to it, the school days and answers not past it.
    end = max([*history.study_seconds, *history.school_days[-1:], *(a.date for a in history.answers)])
    recent_start = end - dt.timedelta(days=t.correct_recent_days - 1)
    base_start = recent_start - dt.timedelta(days=t.correct_baseline_days)
    window = [a for a in history.answers if base_start <= a.date <= end and a.answered > 0]
    by_subject: dict[str, list[Answers]] = {}
    for a in window:
        by_subject.setdefault(a.subject, []).append(a)
    found: list[tuple[str, str, dict[str, Any]]] = []
    for code, answers in sorted(by_subject.items()):
        evidence = _rate_drop(answers, t, recent_start, base_start)
        if evidence is not None:
            found.append((code, answers[0].subject_name, evidence))
    if not found and len(by_subject) > 1:
        evidence = _rate_drop(window, t, recent_start, base_start)
        if evidence is not None:
            found.append(("all", "全教科", evidence))
    return [
        Finding(
            rule="correct_rate_drop",
            key=f"correct_rate_drop:{code}:{recent_start.isoformat()}",
            sentence=(
                f"{name}の正答率が下がっています（直近{_span(t.correct_recent_days)} "
                f"{round(100 * e['now'])}%、それ以前{_span(t.correct_baseline_days)} "
                f"{round(100 * e['before'])}%、"
                f"回答 直近{e['now_answered']}問・それ以前{e['before_answered']}問）。"
            ),
            evidence={"subject": code, "subject_name": name, **e},
        )
        for code, name, e in found
    ]


RULES: list[Callable[[History, Thresholds], list[Finding]]] = [
    streaks,
    yearly_absences,
    weekday_patterns,
    morning_visits,
    mood_decline,
    lateness_rising,
    stale_checkins,
    absence_since_home_note,
    study_time_drop,
    correct_rate_drop,
]

#: Rules whose key names the start of a moving window (a drop over "the last days"): found again on a
#: later day under a new key, they are the same episode (see services.insights_refresh).
EPISODE_RULES = frozenset({"mood_decline", "lateness_rising", "study_time_drop", "correct_rate_drop"})

#: Rules on learning data (the learning apps' summaries): drawn with the learning cue (red, 学習), the
#: others with the school-life one.
LEARNING_RULES = frozenset({"study_time_drop", "correct_rate_drop"})

#: Each rule's name for people (the settings page, the dismissal statistics).
RULE_NAMES = {
    "weekday_unwell": "曜日ごとの体調不良",
    "weekday_absence": "曜日ごとの欠席",
    "weekday_mood": "曜日ごとの心の天気",
    "morning_visits": "午前中の保健室来室",
    "mood_streak": "心の天気の連続",
    "absence_streak": "欠席の連続",
    "absence_streak_legal": "7日連続欠席（施行令第20条）",
    "yearly_absence": "年間欠席日数",
    "mood_decline": "心の天気の低下",
    "lateness_rising": "遅刻の増加",
    "stale_checkins": "同じ回答の連続",
    "absence_since_home_note": "家庭のようすの記録のあとの欠席の増加",
    "study_time_drop": "学習時間の減少",
    "correct_rate_drop": "正答率の低下",
}


def evaluate(history: History, thresholds: Thresholds | None = None) -> list[Finding]:
    """Every finding of every rule for one pupil's history."""
    t = thresholds or Thresholds()
    return [finding for rule in RULES for finding in rule(history, t)]
