"""Hand-worked 出席停止 periods (issue 4, Done-when): the exact first and last day, and the register
showing 出席停止 on exactly the instructional days of the period.

Calendar: November 2026. Mon 11/2 is day 0 of the onset; Tue 11/3 (文化の日) and Mon 11/23 (勤労感謝の日)
are holidays, weekends are weekends: they count towards the period (the law counts calendar days) but
get no mark.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tsunagu.attendance.models import AttendanceMark, Mark
from tsunagu.core.scope import system_scope
from tsunagu.infection import services
from tsunagu.infection.diseases import DISEASES_BY_CODE, exclusion_period
from tsunagu.infection.tests.builders import TODAY, InfectionSchool

pytestmark = pytest.mark.django_db

NOV = 11


def d(day: int) -> dt.date:
    return dt.date(2026, NOV, day)


def register_days(site: InfectionSchool, pupil_index: int = 0) -> dict[dt.date, str]:
    """The pupil's 出席停止 marks: date → disease."""
    with system_scope(reason="test reads the register"):
        return dict(
            AttendanceMark.objects.filter(
                student=site.pupils[pupil_index], kind=Mark.SUSPENDED_INFECTION
            ).values_list("date", "disease")
        )


def record_and_confirm(site: InfectionSchool, disease: str, **dates: Any) -> services.RegisterWrite:
    infection = services.infection_record(
        actor=site.nurse, student=site.pupils[0], disease=disease, today=TODAY, **dates
    )
    return services.infection_confirm(actor=site.nurse, infection=infection)


# (disease, dates entered, first day, last day, instructional days marked)
CASES = [
    # インフルエンザ: 発症後5日 (→ Sat 11/7) and 解熱後2日.
    ("influenza", {"onset_date": d(2), "fever_end_date": d(4)}, d(2), d(7), [2, 4, 5, 6]),  # fever ends day 2
    ("influenza", {"onset_date": d(2), "fever_end_date": d(5)}, d(2), d(7), [2, 4, 5, 6]),  # day 3
    ("influenza", {"onset_date": d(2), "fever_end_date": d(7)}, d(2), d(9), [2, 4, 5, 6, 9]),  # day 5
    # 新型コロナ: 発症後5日 (→ 11/7) and 症状軽快後1日: eased Sun 11/8 → Mon 11/9.
    ("covid19", {"onset_date": d(2), "condition_date": d(8)}, d(2), d(9), [2, 4, 5, 6, 9]),
    # 麻しん: 解熱後3日: fever ends Fri 11/20 → Mon 11/23, a holiday: no mark that day.
    (
        "measles",
        {"onset_date": d(17), "diagnosed_on": d(19), "fever_end_date": d(20)},
        d(19),
        d(23),
        [19, 20],
    ),
    # 水痘: until every spot has crusted (Mon 11/16): last day Sun 11/15.
    (
        "varicella",
        {"onset_date": d(9), "diagnosed_on": d(10), "condition_date": d(16)},
        d(10),
        d(15),
        [10, 11, 12, 13],
    ),
    # 流行性耳下腺炎: swelling Wed 11/11 + 5 days (Mon 11/16), well again Fri 11/13: the 5 days decide.
    ("mumps", {"onset_date": d(11), "condition_date": d(13)}, d(11), d(16), [11, 12, 13, 16]),
    # … and well again only on Wed 11/18: the general condition decides (last day Tue 11/17).
    ("mumps", {"onset_date": d(11), "condition_date": d(18)}, d(11), d(17), [11, 12, 13, 16, 17]),
]


@pytest.mark.parametrize(("disease", "dates", "first", "last", "marked"), CASES)
def test_hand_worked_period_and_register(
    site: InfectionSchool,
    disease: str,
    dates: dict[str, Any],
    first: dt.date,
    last: dt.date,
    marked: list[int],
) -> None:
    infection = services.infection_record(
        actor=site.nurse, student=site.pupils[0], disease=disease, today=TODAY, **dates
    )
    assert (infection.proposed_first_day, infection.proposed_last_day) == (first, last)
    assert not infection.provisional
    result = services.infection_confirm(actor=site.nurse, infection=infection)
    name = DISEASES_BY_CODE[disease].name
    assert register_days(site) == {d(n): name for n in marked}
    assert result.written == [d(n) for n in marked]


def test_explanation_counts_day_zero() -> None:
    period = exclusion_period(DISEASES_BY_CODE["influenza"], onset=d(2), fever_end=d(4))
    assert period.lines[0] == "発症日（0日目）11/2（月） → 5日を経過: 11/7（土）まで"
    assert period.lines[1] == "解熱日（0日目）11/4（水） → 解熱後2日を経過: 11/6（金）まで"
    assert period.lines[-1] == "出席停止: 11/2（月）〜11/7（土）、11/8（日）から登校可"


def test_infant_influenza_counts_three_days_after_fever() -> None:
    period = exclusion_period(DISEASES_BY_CODE["influenza"], onset=d(2), fever_end=d(5), preschool=True)
    assert period.last_day == d(8)


def test_doctor_judged_diseases_run_until_the_day_before_permission() -> None:
    period = exclusion_period(DISEASES_BY_CODE["ekc"], onset=d(2), condition_met=d(10))
    assert (period.first_day, period.last_day, period.provisional) == (d(2), d(9), False)
    pending = exclusion_period(DISEASES_BY_CODE["tuberculosis"], onset=d(2))
    assert (pending.last_day, pending.provisional) == (d(2), True)


def test_pharyngoconjunctival_fever_two_days_after_symptoms() -> None:
    period = exclusion_period(DISEASES_BY_CODE["pcf"], onset=d(2), condition_met=d(5))
    assert period.last_day == d(7)


def test_unknown_fever_end_is_provisional_and_extended_later(site: InfectionSchool) -> None:
    infection = services.infection_record(
        actor=site.nurse, student=site.pupils[0], disease="influenza", onset_date=d(2), today=TODAY
    )
    assert infection.provisional and infection.proposed_last_day == d(7)
    assert "解熱日が未入力" in infection.explanation
    services.infection_confirm(actor=site.nurse, infection=infection)
    assert sorted(register_days(site)) == [d(2), d(4), d(5), d(6)]
    result = services.infection_dates_update(
        actor=site.nurse, infection=infection, fever_end_date=d(8), condition_date=None, today=TODAY
    )
    infection.refresh_from_db()
    assert (infection.provisional, infection.last_day) == (False, d(10))
    assert result.written == [d(9), d(10)]
    assert sorted(register_days(site)) == [d(2), d(4), d(5), d(6), d(9), d(10)]
