"""Writes of the daily health check-in: keyword-only, validated, atomic, checked against the policy.

Each service re-reads what it touches through ``visible_to(actor, action)``; after writing it checks,
inside the transaction, that the actor may still see the new state, and rolls back otherwise
(ARCHITECTURE §4). Validation messages go through gettext (Japanese by default).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tsunagu.core.scope import system_scope
from tsunagu.core.views import ensure_visible_after_write
from tsunagu.health.models import (
    BodyPart,
    CheckInSession,
    Complaint,
    FirstAid,
    GuardianContact,
    HealthCheckIn,
    HealthNotice,
    InjuryActivity,
    InjuryCause,
    InjuryPlace,
    Mood,
    NurseDailyLog,
    NurseVisit,
    Outcome,
    Period,
    RegisterState,
    Source,
    Symptom,
    TalkRequest,
    VisitCategory,
    Weather,
)
from tsunagu.org.models import DayKind, Homeroom, School, SchoolDay
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


# --- 保健室来室記録: the nurse's visit entry -------------------------------------------------------

NOTE_MAX = 1000
TEMPERATURE_RANGE = (Decimal("34.0"), Decimal("43.0"))
PULSE_RANGE = (30, 250)


@dataclass
class VisitInput:
    """What the nurse entered for a visit (every field of HEALTH.md §2); the service validates it."""

    time_in: dt.time | None
    category: str
    complaints: list[str] = field(default_factory=list)
    temperature: Decimal | None = None
    pulse: int | None = None
    injury_time: dt.time | None = None
    injury_place: str = ""
    injury_activity: str = ""
    body_part: str = ""
    injury_cause: str = ""
    first_aid: list[str] = field(default_factory=list)
    time_out: dt.time | None = None
    outcome: str = ""
    guardian_contacted_at: dt.time | None = None
    guardian_contact: str = ""
    note: str = ""
    shared_with_teacher: bool = False


def _choices_in(values: Iterable[str], choices: type[models.TextChoices]) -> list[str] | None:
    """``values`` each once in the order of ``choices``, or None when one is unknown."""
    chosen = {str(v) for v in values if str(v)}
    if chosen - set(choices.values):
        return None
    return [v for v in choices.values if v in chosen]


def clean_visit(data: VisitInput) -> dict[str, Any]:
    """Validate a visit; the model fields to write, or ``ValidationError`` with a message per field.

    Injury details are kept only for injuries; completing a visit (time out) needs an outcome, and an
    injury's place, activity and body part (the 災害共済給付 claim asks for them); an early leave is
    the time out.
    """
    errors: dict[str, str] = {}
    if data.time_in is None:
        errors["time_in"] = _("Please enter the time the pupil came in.")
    if data.category not in VisitCategory.values:
        errors["category"] = _("Please choose the kind of visit.")
    complaints = _choices_in(data.complaints, Complaint)
    if complaints is None:
        errors["complaints"] = _("Unknown complaint.")
    first_aid = _choices_in(data.first_aid, FirstAid)
    if first_aid is None:
        errors["first_aid"] = _("Unknown first aid.")
    low, high = TEMPERATURE_RANGE
    if data.temperature is not None and not low <= data.temperature <= high:
        errors["temperature"] = _("Please enter a temperature between 34.0 and 43.0.")
    if data.pulse is not None and not PULSE_RANGE[0] <= data.pulse <= PULSE_RANGE[1]:
        errors["pulse"] = _("Please enter a pulse between 30 and 250.")
    injury = data.category == VisitCategory.INJURY
    for name, choices in (
        ("injury_place", InjuryPlace),
        ("injury_activity", InjuryActivity),
        ("body_part", BodyPart),
        ("injury_cause", InjuryCause),
    ):
        value = getattr(data, name)
        if value and value not in choices.values:
            errors[name] = _("Unknown choice.")
    if data.outcome and data.outcome not in Outcome.values:
        errors["outcome"] = _("Unknown outcome.")
    if data.guardian_contact and data.guardian_contact not in GuardianContact.values:
        errors["guardian_contact"] = _("Unknown choice.")
    if data.time_in and data.time_out and data.time_out < data.time_in:
        errors["time_out"] = _("The time out must not be before the time in.")
    if data.time_out and not data.outcome:
        errors["outcome"] = _("Please choose what became of the visit.")
    if data.outcome == Outcome.EARLY_LEAVE and data.time_out is None:
        errors["time_out"] = _("For an early leave, enter the time the pupil left as the time out.")
    if injury and data.time_out:
        for name in ("injury_place", "injury_activity", "body_part"):
            if not getattr(data, name):
                errors.setdefault(name, _("Needed for an injury (the accident insurance claim asks for it)."))
    reached = data.guardian_contact and data.guardian_contact != GuardianContact.NOT_REACHED
    if reached and data.guardian_contacted_at is None:
        errors["guardian_contacted_at"] = _("Please enter when the guardian was contacted.")
    if data.guardian_contacted_at and not data.guardian_contact:
        errors["guardian_contact"] = _("Please choose whom you contacted.")
    note = (data.note or "").strip()
    if len(note) > NOTE_MAX:
        errors["note"] = _("Please keep the note to %(n)d characters.") % {"n": NOTE_MAX}
    if errors:
        raise ValidationError(errors)
    return {
        "time_in": data.time_in,
        "time_out": data.time_out,
        "category": data.category,
        "complaints": complaints,
        "temperature": data.temperature,
        "pulse": data.pulse,
        "injury_time": data.injury_time if injury else None,
        "injury_place": data.injury_place if injury else "",
        "injury_activity": data.injury_activity if injury else "",
        "body_part": data.body_part if injury else "",
        "injury_cause": data.injury_cause if injury else "",
        "first_aid": first_aid,
        "outcome": data.outcome,
        "guardian_contacted_at": data.guardian_contacted_at,
        "guardian_contact": data.guardian_contact,
        "note": note,
        "shared_with_teacher": bool(data.shared_with_teacher),
    }


#: Changes of these fields make the homeroom teacher's notice unread again.
NOTICE_FIELDS = ("time_out", "outcome", "category", "guardian_contacted_at")


@transaction.atomic
def nurse_visit_record(
    *,
    actor: Any,
    data: VisitInput,
    student: Student | None = None,
    day: dt.date | None = None,
    visit: NurseVisit | None = None,
) -> NurseVisit:
    """Record a new visit of ``student`` on ``day`` (today), or change ``visit`` (complete it later).

    The pupil must be enrolled, on the day, at a school where the actor records visits; the visit
    keeps the pupil's homeroom of that day, whose teacher gets a notice (unread again when the time
    out or outcome changes). An early leave is written to the 出席簿 (see :func:`_early_leave_to_register`).
    """
    from tsunagu.core.policy import registry

    if not registry.allows_any(actor, NurseVisit, "add" if visit is None else "change"):
        raise PermissionDenied
    fields = clean_visit(data)
    if visit is None:
        if student is None:
            raise ValidationError({"student": _("Please choose a pupil.")})
        day = day or timezone.localdate()
        if day > timezone.localdate():
            raise ValidationError({"date": _("A visit cannot be recorded for a future day.")})
        schools = School.objects.visible_to(actor, "nurse_visit_entry")
        enrolment = (
            Enrolment.objects.visible_to(actor, "view")
            .filter(enrolled_on(day), student=student, school__in=schools)
            .order_by("homeroom__is_special_needs")
            .first()
        )
        if enrolment is None:
            raise ValidationError({"student": _("This pupil is not enrolled at your school on that day.")})
        visit = NurseVisit(
            school_id=enrolment.school_id,
            student=student,
            homeroom_id=enrolment.homeroom_id,
            date=day,
            recorded_by=actor,
            **fields,
        )
        visit.save()
        ensure_visible_after_write(actor, visit, "add")
        changed_notice = True
    else:
        locked = (
            NurseVisit.objects.visible_to(actor, "change").filter(pk=visit.pk).select_for_update().first()
        )
        if locked is None:
            raise PermissionDenied
        visit = locked
        changed_notice = any(getattr(visit, name) != fields[name] for name in NOTICE_FIELDS)
        for name, value in fields.items():
            setattr(visit, name, value)
        visit.save()
        ensure_visible_after_write(actor, visit, "change")
    if visit.homeroom_id is not None:
        _notice_for(actor=actor, visit=visit, unread=changed_notice)
    if visit.outcome == Outcome.EARLY_LEAVE and visit.register_state != RegisterState.WRITTEN:
        _early_leave_to_register(actor=actor, visit=visit)
    return visit


def _notice_for(*, actor: Any, visit: NurseVisit, unread: bool) -> None:
    """Create the class teacher's notice of ``visit``, or make it unread again after a change."""
    notice = HealthNotice.objects.visible_to(actor, "change").filter(visit=visit).first()
    if notice is None:
        notice = HealthNotice.objects.create(
            visit=visit, school_id=visit.school_id, homeroom_id=visit.homeroom_id, date=visit.date
        )
        ensure_visible_after_write(actor, notice, "add")
    elif unread and notice.read_at is not None:
        notice.read_at, notice.read_by = None, None
        notice.save(update_fields=["read_at", "read_by", "updated_at"])


def early_leave_reason(visit: NurseVisit) -> str:
    """The register's reason for an early leave from the nurse's office: no diagnosis (the register is
    read by office staff), only that it came from the nurse's office and whom the nurse reached."""
    text = _("Left early from the nurse's office")
    if visit.guardian_contacted_at and visit.guardian_contact and visit.guardian_contact != "not_reached":
        text += _(" (guardian contacted %(time)s, %(who)s)") % {
            "time": visit.guardian_contacted_at.strftime("%H:%M"),
            "who": visit.get_guardian_contact_display(),
        }
    return text


def _early_leave_to_register(*, actor: Any, visit: NurseVisit) -> bool:
    """Write the visit's early leave as an 早退 mark with its time to the 出席簿, through the attendance
    app's ``early_leave_record`` (which the nurse may call); True when written.

    A pupil already marked late keeps the late mark and gets the leaving time. When the register refuses
    the day (the pupil is marked absent or suspended: a person must judge) or the actor may not write
    it, nothing is written there and the visit waits (``RegisterState.WAITING``) for the homeroom
    teacher, who writes it with one tap on their notice (:func:`visit_register_early_leave`) — the time
    and reason come from the visit, nobody types them again.
    """
    from tsunagu.attendance.services import early_leave_record

    if visit.homeroom is None or visit.time_out is None:
        return False
    state = RegisterState.WAITING
    try:
        with transaction.atomic():
            early_leave_record(
                actor=actor,
                student=visit.student,
                left_at=visit.time_out,
                day=visit.date,
                reason=early_leave_reason(visit),
            )
    except (PermissionDenied, ValidationError):
        pass
    else:
        state = RegisterState.WRITTEN
    NurseVisit.objects.visible_to(actor, "view_outline").filter(pk=visit.pk).update(register_state=state)
    visit.register_state = state
    return state == RegisterState.WRITTEN


@transaction.atomic
def visit_register_early_leave(*, actor: Any, visit: NurseVisit) -> NurseVisit:
    """The homeroom teacher writes a visit's early leave to the class's register with one tap.

    The time and the reason come from the visit. Refused when the visit is not an early leave, and
    with the register's own message when the register refuses the day.
    """
    from tsunagu.attendance.models import AttendanceMark, Mark

    locked = (
        NurseVisit.objects.visible_to(actor, "register_early_leave")
        .filter(pk=visit.pk)
        .select_for_update()
        .first()
    )
    if locked is None:
        raise PermissionDenied
    if locked.outcome != Outcome.EARLY_LEAVE or locked.time_out is None:
        raise ValidationError(_("This visit did not end in an early leave."))
    if locked.register_state == RegisterState.WRITTEN:
        return locked
    if not _early_leave_to_register(actor=actor, visit=locked):
        mark = AttendanceMark.objects.visible_to(actor, "view").filter(
            student=locked.student_id, date=locked.date
        )
        if mark.exclude(kind__in=[Mark.EARLY_LEAVE, Mark.LATE]).exists():
            raise ValidationError(
                _("The register has another mark for this pupil on that day; please correct it there.")
            )
        raise ValidationError(_("The register could not be written for that day; please enter it there."))
    return locked


@transaction.atomic
def health_notice_mark_read(*, actor: Any, notice: HealthNotice) -> HealthNotice:
    """The homeroom teacher has read a visit notice; idempotent."""
    locked = (
        HealthNotice.objects.visible_to(actor, "mark_read").filter(pk=notice.pk).select_for_update().first()
    )
    if locked is None:
        raise PermissionDenied
    if locked.read_at is None:
        locked.read_at, locked.read_by = timezone.now(), actor
        locked.save(update_fields=["read_at", "read_by", "updated_at"])
    return locked


# --- 保健日誌: what the nurse adds ---------------------------------------------------------------

LOG_TEXT_MAX = 2000


@transaction.atomic
def daily_log_save(
    *,
    actor: Any,
    school: School,
    day: dt.date,
    weather: str = "",
    temperature: Decimal | None = None,
    humidity: int | None = None,
    events: str = "",
    remarks: str = "",
) -> NurseDailyLog:
    """Save the nurse's part of the day's log (weather, air temperature, humidity, events, remarks).

    The rest of the log is computed from the records; this is stored once per school and day.
    """
    if not School.objects.visible_to(actor, "nurse_office").filter(pk=school.pk).exists():
        raise PermissionDenied
    errors: dict[str, str] = {}
    if day > timezone.localdate():
        errors["date"] = _("The log of a future day cannot be written yet.")
    if weather and weather not in Weather.values:
        errors["weather"] = _("Unknown choice.")
    if temperature is not None and not Decimal("-20") <= temperature <= Decimal("50"):
        errors["temperature"] = _("Please enter an air temperature between -20 and 50.")
    if humidity is not None and not 0 <= humidity <= 100:
        errors["humidity"] = _("Please enter a humidity between 0 and 100.")
    events, remarks = (events or "").strip(), (remarks or "").strip()
    for name, text in (("events", events), ("remarks", remarks)):
        if len(text) > LOG_TEXT_MAX:
            errors[name] = _("Please keep this to %(n)d characters.") % {"n": LOG_TEXT_MAX}
    if errors:
        raise ValidationError(errors)
    log = NurseDailyLog.objects.visible_to(actor, "change").filter(school=school, date=day).first()
    action = "change"
    if log is None:
        log, action = NurseDailyLog(school=school, date=day), "add"
    log.weather, log.temperature, log.humidity = weather, temperature, humidity
    log.events, log.remarks, log.recorded_by = events, remarks, actor
    log.full_clean(validate_unique=False, validate_constraints=False)
    log.save()
    ensure_visible_after_write(actor, log, action)
    return log


__all__ = [
    "Entry",
    "TalkOption",
    "VisitInput",
    "checkin_session_open",
    "checkin_submit",
    "checkins_mark_seen",
    "checkins_record_for_class",
    "clean_visit",
    "daily_log_save",
    "health_notice_mark_read",
    "nurse_visit_record",
    "talk_options",
    "talk_request_acknowledge",
    "talk_requests_escalate",
    "visit_register_early_leave",
]
