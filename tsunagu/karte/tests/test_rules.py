"""The insight rules on constructed histories: each fires on its pattern with its evidence in the
sentence, and stays silent on too few observations, a single bad week, or a pattern spread over all days."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from tsunagu.karte.rules import Answers, History, Thresholds, Visit, evaluate

T = Thresholds()
MONDAY = dt.date(2026, 9, 7)


def school_days(weeks: int, end: dt.date = dt.date(2026, 11, 27)) -> list[dt.date]:
    """Monday–Friday school days for ``weeks`` weeks up to ``end`` (a Friday)."""
    start = end - dt.timedelta(weeks=weeks) + dt.timedelta(days=1)
    return [
        start + dt.timedelta(days=i)
        for i in range((end - start).days + 1)
        if (start + dt.timedelta(days=i)).weekday() < 5
    ]


def history(weeks: int = 8, **kwargs: object) -> History:
    days = school_days(weeks)
    h = History(school_days=days, **kwargs)  # type: ignore[arg-type]
    for d in days:
        h.marks.setdefault(d, "present")
        h.moods.setdefault(d, "sunny" if d.toordinal() % 3 else "cloudy")
    return h


def rules(h: History, t: Thresholds = T) -> dict[str, str]:
    return {f.rule: f.sentence for f in evaluate(h, t)}


def test_unwell_every_monday_is_found_with_its_count() -> None:
    h = history()
    mondays = [d for d in h.school_days if d.weekday() == 0]
    for d in mondays[:6]:
        h.symptoms.add(d)
    found = rules(h)
    assert (
        found["weekday_unwell"]
        == "毎週月曜日は体調不良を訴える傾向があります（直近8週の月曜日8回のうち6回）。"
    )


def test_a_few_unwell_mondays_are_not_a_pattern() -> None:
    h = history()
    for d in [d for d in h.school_days if d.weekday() == 0][:3]:
        h.symptoms.add(d)
    assert "weekday_unwell" not in rules(h)


def test_being_unwell_on_every_weekday_is_not_a_monday_pattern() -> None:
    h = history()
    for d in h.school_days[::2]:
        h.symptoms.add(d)
    assert "weekday_unwell" not in rules(h)


def test_too_few_weeks_of_data_say_nothing() -> None:
    h = history(weeks=3)
    for d in h.school_days:
        if d.weekday() == 0:
            h.symptoms.add(d)
    assert "weekday_unwell" not in rules(h)


def test_absences_on_fridays_are_a_pattern_of_their_own() -> None:
    h = history()
    for d in [d for d in h.school_days if d.weekday() == 4][:5]:
        h.marks[d] = "absent_other"
    assert rules(h)["weekday_absence"].startswith("毎週金曜日は欠席する傾向があります")


def test_three_rainy_mornings_in_a_row_up_to_today() -> None:
    h = history()
    for d in h.school_days[-3:]:
        h.moods[d] = "rainy"
    assert rules(h)["mood_streak"].startswith("3日続けて心の天気が「雨」か「かみなり」です")


def test_a_single_bad_week_that_ended_is_no_streak() -> None:
    h = history()
    for d in h.school_days[-8:-3]:
        h.moods[d] = "stormy"
    assert "mood_streak" not in rules(h)


def test_seven_school_days_absent_asks_for_the_legal_notice() -> None:
    h = history()
    for d in h.school_days[-7:]:
        h.marks[d] = "absent_illness"
    found = {f.rule: f for f in evaluate(h, T)}
    assert "absence_streak_legal" in found and found["absence_streak_legal"].severity == "act"
    assert "施行令第20条" in found["absence_streak_legal"].sentence
    assert "absence_streak" not in found


def test_an_absence_broken_by_a_present_day_is_counted_from_there() -> None:
    h = history()
    for d in h.school_days[-8:]:
        h.marks[d] = "absent_illness"
    h.marks[h.school_days[-5]] = "present"
    assert "absence_streak_legal" not in rules(h)
    assert rules(h)["absence_streak"].startswith("4日続けて欠席しています")


def test_the_yearly_threshold_warns_before_thirty_days() -> None:
    assert "yearly_absence" not in rules(history(year_absences=19))
    assert rules(history(year_absences=23))["yearly_absence"] == "今年度の欠席が23日です（30日まであと7日）。"
    assert "30日を超えました" in rules(history(year_absences=31))["yearly_absence"]


def test_a_mood_decline_against_the_pupils_own_baseline() -> None:
    h = history()
    for d in h.school_days:
        h.moods[d] = "sunny"
    for d in h.school_days[-10:]:
        h.moods[d] = "rainy"
    assert rules(h)["mood_decline"].startswith("最近10日の心の天気が、それまでの30日より下がっています")


def test_a_steadily_cloudy_pupil_has_no_decline() -> None:
    h = history()
    for d in h.school_days:
        h.moods[d] = "cloudy"
    found = rules(h)
    assert "mood_decline" not in found
    assert "stale_checkins" in found  # the same answer every day is flagged as possibly unreliable


def test_always_sunny_is_flagged_as_maybe_unreliable_not_as_risk() -> None:
    h = history()
    for d in h.school_days:
        h.moods[d] = "sunny"
    found = {f.rule: f for f in evaluate(h, T)}
    assert (
        "可能性があります" in found["stale_checkins"].sentence and found["stale_checkins"].severity == "watch"
    )


def test_morning_stomach_aches_in_the_nurses_room() -> None:
    h = history()
    visits = [Visit(d, dt.time(10, 15), "internal", "腹痛") for d in h.school_days[-30::6]]
    h.visits = [*visits, Visit(h.school_days[-2], dt.time(14, 0), "internal", "頭痛")]
    assert rules(h)["morning_visits"].startswith("午前中は腹痛を訴えて保健室に来る傾向があります")


def test_injuries_and_afternoon_visits_are_no_morning_pattern() -> None:
    h = history()
    h.visits = [Visit(d, dt.time(10, 0), "injury", "擦り傷") for d in h.school_days[-20::4]]
    h.visits += [Visit(d, dt.time(13, 30), "internal", "頭痛") for d in h.school_days[-30::6]]
    assert "morning_visits" not in rules(h)


def test_rising_lateness() -> None:
    h = history(weeks=12)
    for d in h.school_days[-18::4]:
        h.marks[d] = "late"
    assert rules(h)["lateness_rising"].startswith("遅刻が増えています（直近4週で")


def test_a_board_can_make_a_rule_stricter() -> None:
    h = history()
    for d in h.school_days[-3:]:
        h.moods[d] = "rainy"
    assert "mood_streak" not in rules(h, Thresholds.from_dict({"mood_streak": 5, "unknown": 1}))


def test_absences_rising_after_a_note_from_home_name_its_date() -> None:
    h = history(weeks=16)
    note = h.school_days[40]
    h.home_notes = [note]
    for d in h.school_days[3:40:20]:
        h.marks[d] = "absent_illness"
    for d in h.school_days[41::4]:
        h.marks[d] = "absent_other"
    found = {f.rule: f for f in evaluate(h, T)}["absence_since_home_note"]
    assert found.sentence.startswith(f"{note.month}/{note.day}の家庭のようすの記録のあと、欠席が増えています")
    assert found.evidence["before_absences"] == 2 and found.evidence["after_absences"] == 10


def test_a_note_from_home_without_more_absences_says_nothing() -> None:
    h = history(weeks=16)
    h.home_notes = [h.school_days[40]]
    for d in h.school_days[::8]:  # the same rate before and after
        h.marks[d] = "absent_illness"
    assert "absence_since_home_note" not in rules(h)


def test_a_recent_note_from_home_waits_for_enough_days() -> None:
    h = history(weeks=16)
    h.home_notes = [h.school_days[-10]]
    for d in h.school_days[-9:-1]:
        h.marks[d] = "absent_other"
    assert "absence_since_home_note" not in rules(h)


def _study(days: int, per_day: Callable[[int], int]) -> dict[dt.date, int]:
    end = dt.date(2026, 11, 27)
    return {end - dt.timedelta(days=days - 1 - i): per_day(i) for i in range(days)}


def test_study_time_falling_against_the_pupils_own_weeks() -> None:
    h = history()
    h.study_seconds = _study(42, lambda i: 2400 if i < 28 else 600)
    assert (
        rules(h)["study_time_drop"]
        == "最近14日の学習時間が、それまでの28日より減っています（1日平均 40分→10分）。"
    )


def test_a_quiet_week_or_a_pupil_who_hardly_used_the_apps_is_no_drop() -> None:
    h = history()
    h.study_seconds = _study(42, lambda i: 0 if 28 <= i < 35 else 2400)  # one week off, then back
    assert "study_time_drop" not in rules(h)
    h.study_seconds = _study(42, lambda i: 1800 if i % 5 == 0 else 0)  # too few days of study
    assert "study_time_drop" not in rules(h)


END = dt.date(2026, 11, 27)  # the last school day of history(): a Friday


def _answers(
    days: int, per_day: Callable[[int], tuple[int, int] | None], subject: tuple[str, str] = ("MA", "算数")
) -> list[Answers]:
    """Answers in one subject over ``days`` calendar days up to END: per_day(i) → (answered, correct),
    day 0 the oldest; None for a day without answers."""
    found = []
    for i in range(days):
        day = per_day(i)
        if day is not None:
            found.append(Answers(END - dt.timedelta(days=days - 1 - i), *subject, *day))
    return found


def _falling(i: int) -> tuple[int, int] | None:
    """Six weeks of 4 answers a day at 3 right, then three weeks at 2 right (75% → 50%)."""
    return (4, 3) if i < 42 else (4, 2)


def test_a_subjects_correct_rate_falling_against_the_pupils_own_weeks() -> None:
    h = history()
    h.answers = _answers(63, _falling)
    found = {f.rule: f for f in evaluate(h, T)}["correct_rate_drop"]
    assert found.sentence == (
        "算数の正答率が下がっています（直近3週 50%、それ以前6週 75%、回答 直近84問・それ以前168問）。"
    )
    assert found.key == "correct_rate_drop:MA:2026-11-07"
    assert found.evidence["before_correct"] == 126 and found.evidence["now_correct"] == 42


def test_each_subject_is_compared_with_itself_and_named() -> None:
    h = history()
    h.answers = _answers(63, _falling) + _answers(63, lambda i: (4, 3), ("JA", "国語"))
    found = [f for f in evaluate(h, T) if f.rule == "correct_rate_drop"]
    assert [f.evidence["subject"] for f in found] == ["MA"]  # 国語 held steady


def test_too_few_answers_are_no_drop() -> None:
    h = history()
    # The same fall, but a question every third day: 7 answers recently, fewer than the 20 asked for.
    h.answers = _answers(63, lambda i: _falling(i) if i % 3 == 0 else None)
    h.answers = [Answers(a.date, a.subject, a.subject_name, 1, 1 if a.correct == 3 else 0) for a in h.answers]
    assert "correct_rate_drop" not in rules(h)
    assert "correct_rate_drop" in rules(h, Thresholds.from_dict({"correct_min_answers": 5}))


def test_a_single_bad_week_or_a_single_bad_day_is_no_drop() -> None:
    h = history()
    # Steady at 75%, but the last week went badly (a hard unit, a cold): none right of 4. Over the
    # three weeks that is 50%, far enough below 75% to count; without that week it is 75% again.
    h.answers = _answers(63, lambda i: (4, 0) if i >= 56 else (4, 3))
    assert "correct_rate_drop" not in rules(h)
    # One day of 40 answers all wrong in an otherwise steady window (50% over the three weeks).
    h.answers = _answers(63, lambda i: (40, 0) if i == 50 else (4, 3))
    assert "correct_rate_drop" not in rules(h)


def test_a_drop_within_noise_is_no_drop() -> None:
    h = history()
    # 75% → 55% on 20 answers each side: 20 points, but within chance for so few answers.
    h.answers = [Answers(END - dt.timedelta(days=40 + i), "MA", "算数", 2, 1 + (i < 5)) for i in range(10)]
    h.answers += [Answers(END - dt.timedelta(days=3 * i), "MA", "算数", 2, 1 + (i < 1)) for i in range(7)]
    h.answers += [Answers(END - dt.timedelta(days=1), "MA", "算数", 6, 3)]
    recent = [a for a in h.answers if a.date > END - dt.timedelta(days=21)]
    assert sum(a.answered for a in recent) == 20 and sum(a.correct for a in recent) == 11
    assert "correct_rate_drop" not in rules(h)
    assert "correct_rate_drop" in rules(h, Thresholds.from_dict({"correct_min_z": 1.0}))
    # A small fall on many answers is significant but too small to speak of: 75% → 70%.
    h.answers = _answers(63, lambda i: (20, 15) if i < 42 else (20, 14))
    assert "correct_rate_drop" not in rules(h)


def test_answers_spread_thin_over_subjects_are_pooled() -> None:
    h = history()

    # Three subjects, each with 2 answers every third day (14 recently: too few alone), falling together.
    def day(i: int) -> tuple[int, int] | None:
        if i % 3:
            return None
        return (2, 1 + (i // 3) % 2) if i < 42 else (2, (i // 3) % 2)

    h.answers = []
    for code, name in (("MA", "算数"), ("JA", "国語"), ("SC", "理科")):
        h.answers += _answers(63, day, (code, name))
    found = [f for f in evaluate(h, T) if f.rule == "correct_rate_drop"]
    assert [f.key for f in found] == ["correct_rate_drop:all:2026-11-07"]
    assert found[0].sentence == (
        "全教科の正答率が下がっています（直近3週 21%、それ以前6週 75%、回答 直近42問・それ以前84問）。"
    )


def test_a_board_can_ask_for_more_answers() -> None:
    h = history()
    h.answers = _answers(63, _falling)
    assert "correct_rate_drop" not in rules(h, Thresholds.from_dict({"correct_min_answers": 100}))
