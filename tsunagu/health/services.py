"""Writes of the daily health check-in: keyword-only, validated, atomic, checked against the policy.

Each service re-reads what it touches through ``visible_to(actor, action)``; after writing it checks,
inside the transaction, that the actor may still see the new state, and rolls back otherwise
(ARCHITECTURE §4). Validation messages go through gettext (Japanese by default).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tsunagu.core.scope import system_scope
from tsunagu.core.views import ensure_visible_after_write
from tsunagu.health.models import (
    CheckInSession,
    HealthCheckIn,
    Mood,
    Period,
    Source,
    Symptom,
    TalkRequest,
)
from tsunagu.org.models import DayKind, Homeroom, SchoolDay
from tsunagu.students.models import Enrolment, Student
from tsunagu.students.selectors import enrolled_on

COMMENT_MAX = 200
#: Minutes a talk request may wait for an acknowledgement before it escalates to the nurse and the
#: principal; ``TSUNAGU_HEALTH_TALK_RESPONSE_MINUTES`` overrides it.
DEFAULT_TALK_RESPONSE_MINUTES = 60


def talk_response_time() -> dt.timedelta:
    """How long a talk request may stay unacknowledged before it escalates."""
    return dt.timedelta(
        minutes=getattr(settings, "TSUNAGU_HEALTH_TALK_RESPONSE_MINUTES", DEFAULT_TALK_RESPONSE_MINUTES)
    )


# --- validation helpers -----------------------------------------------------------------------------


def clean_symptoms(values: Iterable[str]) -> list[str]:
    """The chosen symptoms, each once, in the fixed order of :class:`Symptom`; unknown codes refused."""
    chosen = {str(v) for v in values if str(v)}
    unknown = chosen - set(Symptom.values)
    if unknown:
        raise ValidationError(_("Unknown symptom: %(codes)s") % {"codes": ", ".join(sorted(unknown))})
    return [value for value in Symptom.values if value in chosen]


def clean_mood(value: str, *, required: bool) -> str:
    """A mood code, or "" when not required and not given."""
    value = (value or "").strip()
    if not value:
        if required:
            raise ValidationError(_("Please choose today's weather."), code="mood_required")
        return ""
    if value not in Mood.values:
        raise ValidationError(_("Unknown mood."), code="mood_unknown")
    return value


def clean_comment(value: str) -> str:
    """The comment without surrounding spaces, at most 200 characters."""
    value = (value or "").strip()
    if len(value) > COMMENT_MAX:
        raise ValidationError(
            _("Please keep the comment to %(n)d characters.") % {"n": COMMENT_MAX}, code="comment_long"
        )
    return value


def is_school_day(school_id: int, day: dt.date) -> bool:
    """Lessons on ``day`` per the school calendar; a day the calendar does not list counts on weekdays."""
    row = SchoolDay.objects.filter(school_id=school_id, date=day).only("kind").first()
    if row is not None:
        return row.kind == DayKind.INSTRUCTIONAL
    return day.weekday() < 5


def check_school_day(school_id: int, day: dt.date) -> None:
    """Refuse a day without lessons."""
    if not is_school_day(school_id, day):
        raise ValidationError(_("There is no check-in on a day without lessons."), code="not_school_day")


def _pupil_of(actor: Any) -> Student:
    pupil = Student.objects.visible_to(actor, "view").filter(user=actor).first()
    if pupil is None:
        raise PermissionDenied(_("Your account is not linked to a pupil record."))
    return pupil


def pupil_enrolment(*, actor: Any, student: Student, day: dt.date) -> Enrolment | None:
    """The enrolment, in a homeroom, of ``student`` on ``day``, as ``actor`` may see it."""
    return (
        Enrolment.objects.visible_to(actor, "view")
        .filter(enrolled_on(day), student=student, homeroom__isnull=False)
        .select_related("homeroom__grade_level", "school", "grade_level")
        .first()
    )


def _session_for(
    *, actor: Any, homeroom: Homeroom, day: dt.date, period: str, create: bool, opened_by: Any = None
) -> CheckInSession | None:
    """The homeroom's session for ``day`` and ``period``; created when ``create`` (race-safe)."""
    found = (
        CheckInSession.objects.visible_to(actor, "view")
        .filter(homeroom=homeroom, date=day, period=period)
        .first()
    )
    if found is not None or not create:
        return found
    try:
        with transaction.atomic():
            return CheckInSession.objects.create(
                school_id=homeroom.school_id, homeroom=homeroom, date=day, period=period, opened_by=opened_by
            )
    except IntegrityError:
        # Two first answers of the morning at once: the other one created it.
        return (
            CheckInSession.objects.visible_to(actor, "view")
            .filter(homeroom=homeroom, date=day, period=period)
            .first()
        )


# --- sessions ---------------------------------------------------------------------------------------


@transaction.atomic
def checkin_session_open(
    *, actor: Any, homeroom: Homeroom, day: dt.date | None = None, period: str = Period.AFTERNOON
) -> CheckInSession:
    """Open the homeroom's check-in for ``period`` of ``day`` (today); returns the existing one if open.

    Only the homeroom teacher opens sessions (the morning one also opens by itself with the first
    answer). Days without lessons are refused.
    """
    day = day or timezone.localdate()
    if period not in Period.values:
        raise ValidationError(_("Unknown period."))
    if not Homeroom.objects.visible_to(actor, "health_entry").filter(pk=homeroom.pk).exists():
        raise PermissionDenied
    check_school_day(homeroom.school_id, day)
    session = _session_for(
        actor=actor, homeroom=homeroom, day=day, period=period, create=True, opened_by=actor
    )
    assert session is not None
    ensure_visible_after_write(actor, session, "add")
    return session


# --- the pupil's own check-in -------------------------------------------------------------------------


@dataclass(frozen=True)
class TalkOption:
    """A member of staff a pupil may ask to talk to; ``key`` is the public ID of their role assignment."""

    key: str
    role: str
    user_id: int
    name: str


def talk_options(*, enrolment: Enrolment, day: dt.date | None = None) -> list[TalkOption]:
    """Whom the pupil of ``enrolment`` may ask to talk to today: the class teacher, the school nurse,
    the school counselor and the principal, in that order (one query; names only)."""
    from django.db.models import Q

    from tsunagu.accounts.models import RoleAssignment

    day = day or timezone.localdate()
    rows = (
        RoleAssignment.objects.filter(
            Q(role="homeroom_teacher", homeroom=enrolment.homeroom_id)
            | Q(role__in=["nurse", "principal", "counselor"], school=enrolment.school_id),
            school_year__start_date__lte=day,
            school_year__end_date__gte=day,
            user__is_active=True,
        )
        .filter(Q(starts_on__isnull=True) | Q(starts_on__lte=day))
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=day))
        .select_related("user__staff_member")
    )
    order = {"homeroom_teacher": 0, "nurse": 1, "counselor": 2, "principal": 3}
    options: list[TalkOption] = []
    seen: set[int] = set()
    for a in sorted(rows, key=lambda r: (order[r.role], r.pk)):
        if a.user_id in seen:
            continue
        seen.add(a.user_id)
        role = a.role
        staff = getattr(a.user, "staff_member", None)
        if role == "principal" and staff is not None and staff.job_title == "vice_principal":
            role = "vice_principal"  # holds the principal's rights, but the pupil knows them as 副校長先生
        options.append(TalkOption(key=str(a.uuid), role=role, user_id=a.user_id, name=str(a.user)))
    return options


@transaction.atomic
def checkin_submit(
    *,
    actor: Any,
    mood: str,
    symptoms: Sequence[str] = (),
    comment: str = "",
    talk_to: str = "",
    period: str = Period.MORNING,
    day: dt.date | None = None,
) -> HealthCheckIn:
    """The pupil's own answer for ``period`` of ``day`` (today), after the confirmation step.

    The morning session opens with the first answer; the afternoon one must have been opened by the
    class teacher. One answer per session: a second one is refused (the teacher can correct it).
    ``talk_to`` is the key of a :class:`TalkOption`, or "" for none; it creates a talk request due
    for an acknowledgement within :func:`talk_response_time`.
    """
    day = day or timezone.localdate()
    pupil = _pupil_of(actor)
    enrolment = pupil_enrolment(actor=actor, student=pupil, day=day)
    if enrolment is None or enrolment.homeroom is None:
        raise ValidationError(_("You are not in a class today, so there is no check-in."))
    check_school_day(enrolment.school_id, day)
    mood = clean_mood(mood, required=True)
    symptom_list = clean_symptoms(symptoms)
    comment = clean_comment(comment)
    option = None
    if talk_to:
        option = next((o for o in talk_options(enrolment=enrolment, day=day) if o.key == talk_to), None)
        if option is None:
            raise ValidationError(_("Please choose a teacher from the list."), code="talk_unknown")
    session = _session_for(
        actor=actor,
        homeroom=enrolment.homeroom,
        day=day,
        period=period,
        create=period == Period.MORNING,
    )
    if session is None:
        raise ValidationError(_("The afternoon check-in has not started yet."), code="not_open")
    if HealthCheckIn.objects.visible_to(actor, "view").filter(session=session, student=pupil).exists():
        raise ValidationError(_("You have already answered this check-in."), code="duplicate")
    check_in = HealthCheckIn(
        session=session,
        student=pupil,
        mood=mood,
        symptoms=symptom_list,
        comment=comment,
        source=Source.PUPIL,
        entered_by=actor,
    )
    check_in.full_clean()
    check_in.save()
    if option is not None:
        now = timezone.now()
        TalkRequest.objects.create(
            check_in=check_in,
            student=pupil,
            school_id=enrolment.school_id,
            requested_of_id=option.user_id,
            requested_role=option.role,
            respond_by=now + talk_response_time(),
        )
    ensure_visible_after_write(actor, check_in, "submit")
    return check_in


# --- the teacher's entry for the class --------------------------------------------------------------


@dataclass
class Entry:
    """One pupil's line on the teacher's class screen."""

    student_id: int
    mood: str = ""
    symptoms: list[str] = field(default_factory=list)
    comment: str = ""

    @property
    def is_empty(self) -> bool:
        return not (self.mood or self.symptoms or self.comment)


@transaction.atomic
def checkins_record_for_class(
    *,
    actor: Any,
    homeroom: Homeroom,
    entries: Sequence[Entry],
    period: str = Period.MORNING,
    day: dt.date | None = None,
) -> int:
    """The homeroom teacher enters (or corrects) check-ins for pupils of the class on one screen.

    Empty lines are skipped; an answer already given is changed only when a value differs (the
    change history keeps the pupil's original). The mood may stay empty (an absent pupil). Every
    pupil must be in the class on ``day``. Returns the number of check-ins created or changed.
    """
    day = day or timezone.localdate()
    if not Homeroom.objects.visible_to(actor, "health_entry").filter(pk=homeroom.pk).exists():
        raise PermissionDenied
    check_school_day(homeroom.school_id, day)
    in_class = set(
        Enrolment.objects.visible_to(actor, "view")
        .filter(enrolled_on(day), homeroom=homeroom)
        .values_list("student_id", flat=True)
    )
    strangers = {e.student_id for e in entries} - in_class
    if strangers:
        raise ValidationError(_("Some pupils are not in this class."), code="not_in_class")
    cleaned = [
        Entry(
            student_id=e.student_id,
            mood=clean_mood(e.mood, required=False),
            symptoms=clean_symptoms(e.symptoms),
            comment=clean_comment(e.comment),
        )
        for e in entries
    ]
    if all(e.is_empty for e in cleaned):
        return 0
    session = _session_for(
        actor=actor,
        homeroom=homeroom,
        day=day,
        period=period,
        create=period == Period.MORNING,
        opened_by=actor,
    )
    if session is None:
        raise ValidationError(_("The afternoon check-in has not started yet."), code="not_open")
    existing = {
        c.student_id: c
        for c in HealthCheckIn.objects.visible_to(actor, "change").filter(
            session=session, student_id__in=[e.student_id for e in cleaned]
        )
    }
    changed = 0
    for entry in cleaned:
        current = existing.get(entry.student_id)
        if current is None:
            if entry.is_empty:
                continue
            check_in = HealthCheckIn(
                session=session,
                student_id=entry.student_id,
                mood=entry.mood,
                symptoms=entry.symptoms,
                comment=entry.comment,
                source=Source.TEACHER,
                entered_by=actor,
            )
        else:
            if (current.mood, list(current.symptoms or []), current.comment) == (
                entry.mood,
                entry.symptoms,
                entry.comment,
            ) or entry.is_empty:
                continue
            check_in = current
            check_in.mood, check_in.symptoms, check_in.comment = entry.mood, entry.symptoms, entry.comment
            check_in.source, check_in.entered_by = Source.TEACHER, actor
        check_in.full_clean()
        check_in.save()
        ensure_visible_after_write(actor, check_in, "change")
        changed += 1
    return changed


# --- acknowledgements -------------------------------------------------------------------------------


@transaction.atomic
def checkins_mark_seen(*, actor: Any, session: CheckInSession, uuids: Iterable[Any] | None = None) -> int:
    """Mark the session's answered check-ins (or only ``uuids``) as seen by ``actor``; the pupil sees it.

    Check-ins already seen keep their first acknowledgement. Returns how many were marked.
    """
    rows = HealthCheckIn.objects.visible_to(actor, "mark_seen").filter(session=session, seen_at__isnull=True)
    if uuids is not None:
        rows = rows.filter(uuid__in=list(uuids))
    now = timezone.now()
    count = 0
    for check_in in rows.select_for_update():
        check_in.seen_at, check_in.seen_by = now, actor
        check_in.save(update_fields=["seen_at", "seen_by", "updated_at"])
        count += 1
    return count


@transaction.atomic
def talk_request_acknowledge(*, actor: Any, talk_request: TalkRequest) -> TalkRequest:
    """The chosen teacher (or the nurse or principal) acknowledges a talk request; idempotent.

    The pupil then sees that their wish was seen; an acknowledged request no longer escalates.
    """
    locked = (
        TalkRequest.objects.visible_to(actor, "acknowledge")
        .filter(pk=talk_request.pk)
        .select_for_update()
        .first()
    )
    if locked is None:
        raise PermissionDenied
    if locked.acknowledged_at is None:
        locked.acknowledged_at, locked.acknowledged_by = timezone.now(), actor
        locked.save(update_fields=["acknowledged_at", "acknowledged_by", "updated_at"])
    return locked


def talk_requests_escalate(
    *, actor: Any = None, now: dt.datetime | None = None, school: Any = None
) -> list[TalkRequest]:
    """Escalate every talk request nobody acknowledged by its ``respond_by`` time; idempotent.

    Escalation sets ``escalated_at``: the request then heads the nurse's and the principal's pages
    (they see every request of their school). Called by the periodic job (``manage.py
    health_escalate``, no ``actor``: runs in a logged system scope) and on the nurse's and principal's
    pages (``actor`` given: only requests that actor may see). Returns the requests escalated now.
    """
    now = now or timezone.now()
    with transaction.atomic():
        if actor is None:
            with system_scope(reason="health: escalate unacknowledged talk requests"):
                return _escalate(TalkRequest.objects.all(), now, school)
        return _escalate(TalkRequest.objects.visible_to(actor, "view"), now, school)


def _escalate(base: Any, now: dt.datetime, school: Any) -> list[TalkRequest]:
    due = base.filter(acknowledged_at__isnull=True, escalated_at__isnull=True, respond_by__lte=now)
    if school is not None:
        due = due.filter(school=school)
    escalated = []
    for request in due.select_for_update():
        request.escalated_at = now
        request.save(update_fields=["escalated_at", "updated_at"])
        escalated.append(request)
    return escalated


__all__ = [
    "Entry",
    "TalkOption",
    "checkin_session_open",
    "checkin_submit",
    "checkins_mark_seen",
    "checkins_record_for_class",
    "talk_options",
    "talk_request_acknowledge",
    "talk_requests_escalate",
]
