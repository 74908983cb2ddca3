"""Writes of いいところ and 共有TOPIC: keyword-only, validated, atomic, checked against the policy.

Each service finds the pupil's enrolment on the day through ``visible_to``, writes, and then checks
inside the transaction that the actor may still ``add`` (or ``change``) what they wrote; otherwise the
write is rolled back (ARCHITECTURE §4). Every change is kept by simple_history. Messages are Japanese
through gettext.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tsunagu.core.policy import registry
from tsunagu.core.views import ensure_visible_after_write
from tsunagu.observations.models import (
    SENSITIVE_LEVELS,
    Area,
    GoodPoint,
    SharedTopic,
    Source,
    Tag,
    Visibility,
)
from tsunagu.students.models import Enrolment, Student
from tsunagu.students.selectors import enrolled_on

GOOD_POINT_MAX = 200
TOPIC_MAX = 1000


def observation_today() -> dt.date:
    """The day new notes are dated by default (a seam for tests)."""
    return timezone.localdate()


def clean_text(value: str, *, limit: int) -> str:
    """The text without surrounding spaces; required, at most ``limit`` characters."""
    value = (value or "").strip()
    if not value:
        raise ValidationError(_("Please write what you noticed."), code="text_required")
    if len(value) > limit:
        raise ValidationError(_("Please keep it to %(n)d characters.") % {"n": limit}, code="text_long")
    return value


def clean_date(value: dt.date | None) -> dt.date:
    """The note's date: today when not given; never in the future."""
    today = observation_today()
    day = value or today
    if day > today:
        raise ValidationError(_("The date cannot be in the future."), code="date_future")
    return day


def _enrolment_on(*, actor: Any, student: Student, day: dt.date) -> Enrolment:
    """The pupil's enrolment on ``day`` as ``actor`` sees it; refused when the pupil is not one the actor
    teaches (``add_topic``: a teacher who is also a parent does not write as staff about their own
    child) or was not enrolled that day."""
    if not Student.objects.visible_to(actor, "add_topic").filter(pk=student.pk).exists():
        raise PermissionDenied
    enrolment = (
        Enrolment.objects.visible_to(actor, "view")
        .filter(enrolled_on(day), student=student)
        .order_by("-start_date")
        .first()
    )
    if enrolment is None:
        raise ValidationError(_("The pupil was not enrolled on that day."), code="not_enrolled")
    return enrolment


# --- いいところ -------------------------------------------------------------------------------------


@transaction.atomic
def good_point_create(
    *,
    actor: Any,
    student: Student,
    tag: str,
    text: str,
    shared_with_home: bool = False,
    day: dt.date | None = None,
) -> GoodPoint:
    """Record a positive note about ``student`` by ``actor`` (dated today unless ``day``).

    Allowed to staff who teach the pupil, at the pupil's school of the day, in the current school year.
    """
    if not registry.allows_any(actor, GoodPoint, "add"):
        raise PermissionDenied
    if tag not in Tag.values:
        raise ValidationError(_("Please choose 学習 or 生活."), code="tag_required")
    text = clean_text(text, limit=GOOD_POINT_MAX)
    day = clean_date(day)
    enrolment = _enrolment_on(actor=actor, student=student, day=day)
    point = GoodPoint.objects.create(
        student=student,
        school_id=enrolment.school_id,
        school_year_id=enrolment.school_year_id,
        date=day,
        tag=tag,
        text=text,
        shared_with_home=bool(shared_with_home),
        author=actor,
    )
    ensure_visible_after_write(actor, point, "add")
    return point


@transaction.atomic
def good_point_delete(*, actor: Any, good_point: GoodPoint) -> None:
    """Take back one's own note (this school year); the change history keeps what it said."""
    found = GoodPoint.objects.visible_to(actor, "delete").filter(pk=good_point.pk).first()
    if found is None:
        raise PermissionDenied
    found.delete()


# --- 共有TOPIC ------------------------------------------------------------------------------------


def _clean_topic(*, area: str, visibility: str, sensitive: bool) -> None:
    if area not in Area.values:
        raise ValidationError(_("Please choose an area."), code="area_required")
    if visibility not in Visibility.values:
        raise ValidationError(_("Please choose who may read it."), code="visibility_required")
    if sensitive and visibility not in SENSITIVE_LEVELS:
        raise ValidationError(
            _("A sensitive topic can be shared at most with the nurse and the counsellor."),
            code="sensitive_too_wide",
        )


@transaction.atomic
def topic_create(
    *,
    actor: Any,
    student: Student,
    area: str,
    text: str,
    visibility: str = Visibility.TEACHERS,
    sensitive: bool = False,
    day: dt.date | None = None,
) -> SharedTopic:
    """Post a staff member's dated observation about ``student`` (共有TOPIC)."""
    if not registry.allows_any(actor, SharedTopic, "add"):
        raise PermissionDenied
    _clean_topic(area=area, visibility=visibility, sensitive=sensitive)
    text = clean_text(text, limit=TOPIC_MAX)
    day = clean_date(day)
    enrolment = _enrolment_on(actor=actor, student=student, day=day)
    topic = SharedTopic.objects.create(
        student=student,
        school_id=enrolment.school_id,
        school_year_id=enrolment.school_year_id,
        date=day,
        area=area,
        text=text,
        visibility=visibility,
        sensitive=bool(sensitive),
        source=Source.STAFF,
        author=actor,
    )
    ensure_visible_after_write(actor, topic, "add")
    return topic


@transaction.atomic
def topic_update(
    *,
    actor: Any,
    topic: SharedTopic,
    area: str,
    text: str,
    visibility: str,
    sensitive: bool,
    day: dt.date | None = None,
) -> SharedTopic:
    """Change one's own topic; the previous version stays in the history, which readers can open."""
    found = SharedTopic.objects.visible_to(actor, "change").filter(pk=topic.pk).first()
    if found is None:
        raise PermissionDenied
    _clean_topic(area=area, visibility=visibility, sensitive=sensitive)
    found.text = clean_text(text, limit=TOPIC_MAX)
    found.area = area
    found.visibility = visibility
    found.sensitive = bool(sensitive)
    found.date = clean_date(day or found.date)
    found.save()
    ensure_visible_after_write(actor, found, "change")
    return found


@transaction.atomic
def home_note_send(*, actor: Any, student: Student, text: str) -> SharedTopic:
    """A guardian's 家庭のようす note about their own child: a HOME topic the family can read, waiting
    for the homeroom teacher's acknowledgement (shown on the teacher's home page)."""
    if not Student.objects.visible_to(actor, "send_home_note").filter(pk=student.pk).exists():
        raise PermissionDenied
    text = clean_text(text, limit=TOPIC_MAX)
    day = observation_today()
    enrolment = (
        Enrolment.objects.visible_to(actor, "view")
        .filter(enrolled_on(day), student=student)
        .order_by("-start_date")
        .first()
    )
    if enrolment is None:
        raise ValidationError(_("Your child is not enrolled at a school today."), code="not_enrolled")
    topic = SharedTopic.objects.create(
        student=student,
        school_id=enrolment.school_id,
        school_year_id=enrolment.school_year_id,
        date=day,
        area=Area.HOME,
        text=text,
        visibility=Visibility.GUARDIANS,
        sensitive=False,
        source=Source.GUARDIAN,
        author=actor,
    )
    ensure_visible_after_write(actor, topic, "add")
    return topic


@transaction.atomic
def topic_acknowledge(*, actor: Any, topic: SharedTopic) -> SharedTopic:
    """The homeroom teacher marks a guardian's note as read (it leaves the home page's list)."""
    found = SharedTopic.objects.visible_to(actor, "acknowledge").filter(pk=topic.pk).first()
    if found is None:
        raise PermissionDenied
    if found.acknowledged_at is None:
        found.acknowledged_at = timezone.now()
        found.acknowledged_by = actor
        found.save(update_fields=["acknowledged_at", "acknowledged_by", "updated_at"])
    return found
