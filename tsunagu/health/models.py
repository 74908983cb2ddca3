"""保健 (health): the daily health check-in, 健康観察 / 心の天気, and the pupils' talk requests.

Every morning (and, when the homeroom teacher opens one, in the afternoon) each pupil answers once:
their mood as weather (晴れ / くもり / 雨 / かみなり), body symptoms from a fixed list, an optional
comment, and optionally "話したい" — a wish to talk to a chosen member of staff. The homeroom teacher
can answer for pupils instead (younger grades, absent pupils). Everything a pupil reports about their
health is 要配慮個人情報: data class I (domain/HEALTH.md, SECURITY.md §1).

Writes go through ``tsunagu.health.services``; reads through ``tsunagu.health.selectors``.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from tsunagu.core.fields import EncryptedTextField
from tsunagu.core.models import DataClass, ScopedModel


class Mood(models.TextChoices):
    """心の天気: the four-level mood scale, best first."""

    SUNNY = "sunny", _("Sunny")
    CLOUDY = "cloudy", _("Cloudy")
    RAINY = "rainy", _("Rainy")
    STORMY = "stormy", _("Stormy")


#: Moods that put a pupil on the teacher's "look after" list.
BAD_MOODS: frozenset[str] = frozenset({Mood.RAINY, Mood.STORMY})


class Symptom(models.TextChoices):
    """Body symptoms a pupil can tick (HEALTH.md §1: 頭痛, 腹痛, 発熱, 咳, だるい, 眠い, けが …).

    The list is fixed so that answers can be counted across classes and days; anything else goes in
    the comment.
    """

    HEADACHE = "headache", _("Headache")
    STOMACH_ACHE = "stomach_ache", _("Stomach ache")
    FEVER = "fever", _("Fever")
    COUGH = "cough", _("Cough")
    SORE_THROAT = "sore_throat", _("Sore throat")
    RUNNY_NOSE = "runny_nose", _("Runny nose")
    NAUSEA = "nausea", _("Nausea")
    TIRED = "tired", _("Tired")
    SLEEPY = "sleepy", _("Sleepy")
    INJURY = "injury", _("Injury")


#: The pupil's words for each choice. ``{漢字|よみ}`` marks a reading, shown as furigana in grades 1–3
#: (see ``health_tags.furigana``).
PUPIL_MOOD_LABELS = {
    Mood.SUNNY: pgettext_lazy("pupil", "Sunny"),
    Mood.CLOUDY: pgettext_lazy("pupil", "Cloudy"),
    Mood.RAINY: pgettext_lazy("pupil", "Rainy"),
    Mood.STORMY: pgettext_lazy("pupil", "Stormy"),
}
PUPIL_SYMPTOM_LABELS = {
    Symptom.HEADACHE: pgettext_lazy("pupil", "My head hurts"),
    Symptom.STOMACH_ACHE: pgettext_lazy("pupil", "My tummy hurts"),
    Symptom.FEVER: pgettext_lazy("pupil", "I feel hot (fever)"),
    Symptom.COUGH: pgettext_lazy("pupil", "I am coughing"),
    Symptom.SORE_THROAT: pgettext_lazy("pupil", "My throat hurts"),
    Symptom.RUNNY_NOSE: pgettext_lazy("pupil", "Runny nose"),
    Symptom.NAUSEA: pgettext_lazy("pupil", "I feel sick"),
    Symptom.TIRED: pgettext_lazy("pupil", "I feel tired"),
    Symptom.SLEEPY: pgettext_lazy("pupil", "I am sleepy"),
    Symptom.INJURY: pgettext_lazy("pupil", "I am hurt (injury)"),
}


class Period(models.TextChoices):
    """When in the day a check-in session runs."""

    MORNING = "morning", _("Morning")
    AFTERNOON = "afternoon", _("Afternoon")


class Source(models.TextChoices):
    """Who entered a check-in."""

    PUPIL = "pupil", _("The pupil")
    TEACHER = "teacher", _("A teacher for the pupil")


class CheckInSession(ScopedModel):
    """One round of 健康観察 in one homeroom: a school day's morning, or its afternoon.

    The morning session opens by itself with the first answer of the day; the afternoon one only
    when the homeroom teacher opens it. The session carries no health data (class III); its
    check-ins do.
    """

    data_class = DataClass.III

    school = models.ForeignKey(
        "org.School", on_delete=models.CASCADE, related_name="+", verbose_name=_("school")
    )
    homeroom = models.ForeignKey(
        "org.Homeroom",
        on_delete=models.CASCADE,
        related_name="health_sessions",
        verbose_name=_("homeroom"),
    )
    date = models.DateField(_("date"))
    period = models.CharField(_("period"), max_length=10, choices=Period.choices)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("opened by"),
    )

    class Meta:
        verbose_name = _("check-in session")
        verbose_name_plural = _("check-in sessions")
        ordering = ["-date", "homeroom", "period"]
        constraints = [
            models.UniqueConstraint(fields=["homeroom", "date", "period"], name="checkinsession_unique"),
        ]
        indexes = [models.Index(fields=["school", "date"])]

    def __str__(self) -> str:
        return f"{self.date} {self.homeroom_id} {self.get_period_display()}"


class HealthCheckIn(ScopedModel):
    """One pupil's answer in one session: mood, symptoms, comment (健康観察 / 心の天気).

    ``mood`` may be empty only when a teacher entered the answer (an absent pupil whose guardian
    phoned in a fever has no mood to report). ``seen_at``/``seen_by`` record that a teacher has
    looked at it; the pupil sees that acknowledgement.
    """

    data_class = DataClass.I
    #: Fields of class I: reads are logged (tsunagu.core.audit.log_access).
    class_i_fields: ClassVar[tuple[str, ...]] = ("mood", "symptoms", "comment")

    session = models.ForeignKey(
        CheckInSession, on_delete=models.PROTECT, related_name="check_ins", verbose_name=_("session")
    )
    student = models.ForeignKey(
        "students.Student",
        on_delete=models.PROTECT,
        related_name="health_check_ins",
        verbose_name=_("pupil"),
    )
    mood = models.CharField(_("mood"), max_length=10, choices=Mood.choices, blank=True)
    symptoms = models.JSONField(_("symptoms"), default=list, blank=True)
    comment = EncryptedTextField(_("comment"), max_length=200, blank=True, single_line=True)
    source = models.CharField(_("entered by"), max_length=10, choices=Source.choices)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("entered by (user)"),
    )
    seen_at = models.DateTimeField(_("seen at"), null=True, blank=True)
    seen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("seen by"),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("health check-in")
        verbose_name_plural = _("health check-ins")
        ordering = ["session", "id"]
        constraints = [
            models.UniqueConstraint(fields=["session", "student"], name="healthcheckin_one_per_session"),
            models.CheckConstraint(
                condition=~Q(mood="") | Q(source="teacher"), name="healthcheckin_pupil_gives_mood"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.session} {self.student_id} {self.mood}"

    @property
    def symptom_labels(self) -> list[str]:
        """The symptoms in words, in the fixed order of :class:`Symptom`."""
        chosen = set(self.symptoms or ())
        return [str(label) for value, label in Symptom.choices if value in chosen]

    @property
    def needs_attention(self) -> bool:
        """A bad mood (雨, かみなり) or any symptom."""
        return self.mood in BAD_MOODS or bool(self.symptoms)


class TalkRequest(ScopedModel):
    """「話したい」: a pupil asks, with a check-in, to talk to a chosen member of staff.

    The chosen person acknowledges it ("seen"), which the pupil sees. A request nobody acknowledges
    by ``respond_by`` is escalated (``escalated_at``) to the school nurse and the principal by
    ``services.talk_requests_escalate``, run by a periodic job and on the staff's pages.
    """

    data_class = DataClass.I
    class_i_fields: ClassVar[tuple[str, ...]] = ("requested_of",)

    check_in = models.OneToOneField(
        HealthCheckIn, on_delete=models.PROTECT, related_name="talk_request", verbose_name=_("check-in")
    )
    student = models.ForeignKey(
        "students.Student", on_delete=models.PROTECT, related_name="talk_requests", verbose_name=_("pupil")
    )
    school = models.ForeignKey(
        "org.School", on_delete=models.CASCADE, related_name="+", verbose_name=_("school")
    )
    requested_of = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("asked to talk to"),
    )
    requested_role = models.CharField(_("as"), max_length=20)
    respond_by = models.DateTimeField(_("respond by"))
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("acknowledged by"),
    )
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("talk request")
        verbose_name_plural = _("talk requests")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["school", "acknowledged_at", "respond_by"])]

    def __str__(self) -> str:
        return f"{self.student_id} → {self.requested_of_id}"

    @property
    def is_open(self) -> bool:
        """Nobody has acknowledged it yet."""
        return self.acknowledged_at is None


# --- 保健室来室記録 (nurse-office visits) ---------------------------------------------------------


class VisitCategory(models.TextChoices):
    """What kind of visit (HEALTH.md §2: 内科 / 外科 / 相談)."""

    ILLNESS = "illness", _("Illness (internal)")
    INJURY = "injury", _("Injury (external)")
    CONSULTATION = "consultation", _("Consultation")
    OTHER = "other", _("Other")


class Complaint(models.TextChoices):
    """What the pupil comes with, one tap each; anything else goes in the note."""

    HEADACHE = "headache", _("Headache")
    STOMACH_ACHE = "stomach_ache", _("Stomach ache")
    FEVER = "fever", _("Fever")
    NAUSEA = "nausea", _("Nausea")
    COLD = "cold", _("Cold symptoms")
    TIRED = "tired", _("Tired, unwell")
    DIZZY = "dizzy", _("Dizziness")
    NOSEBLEED = "nosebleed", _("Nosebleed")
    ITCH = "itch", _("Itch, rash")
    BRUISE = "bruise", _("Bruise")
    GRAZE = "graze", _("Graze")
    CUT = "cut", _("Cut")
    SPRAIN = "sprain", _("Sprain")
    STING = "sting", _("Insect sting")
    WORRY = "worry", _("Worries")


class InjuryPlace(models.TextChoices):
    """Where an injury happened (a 災害共済給付 claim asks for it)."""

    CLASSROOM = "classroom", _("Classroom")
    PLAYGROUND = "playground", _("Playground")
    GYM = "gym", _("Gym")
    CORRIDOR = "corridor", _("Corridor, stairs")
    SPECIAL_ROOM = "special_room", _("Special room")
    POOL = "pool", _("Pool")
    TOILET = "toilet", _("Toilet")
    ROUTE = "route", _("On the way to or from school")
    OUTSIDE = "outside", _("Outside the school (trip)")
    OTHER = "other", _("Other place")


class InjuryActivity(models.TextChoices):
    """What the pupil was doing (災害共済給付: 授業中 / 休憩時間 / 部活動 / 登下校 …)."""

    LESSON = "lesson", _("Lesson")
    PE = "pe", _("PE lesson")
    BREAK = "break", _("Break")
    LUNCH_BREAK = "lunch_break", _("Lunch break")
    SCHOOL_LUNCH = "school_lunch", _("School lunch, cleaning")
    CLUB = "club", _("Club activity")
    EVENT = "event", _("School event")
    COMMUTE = "commute", _("Going to or from school")
    OTHER = "other", _("Other")


class BodyPart(models.TextChoices):
    """The injured part of the body."""

    HEAD = "head", _("Head")
    FACE = "face", _("Face")
    EYE = "eye", _("Eye")
    TOOTH = "tooth", _("Teeth, mouth")
    NECK = "neck", _("Neck")
    ARM = "arm", _("Shoulder, arm")
    HAND = "hand", _("Hand, finger")
    TRUNK = "trunk", _("Chest, belly, back")
    LEG = "leg", _("Leg, knee")
    FOOT = "foot", _("Ankle, foot")


class InjuryCause(models.TextChoices):
    """How the injury happened."""

    FALL = "fall", _("Fell over")
    COLLISION = "collision", _("Collided with someone")
    OBJECT = "object", _("Hit by a ball or object")
    DROP = "drop", _("Fell from a height")
    PINCHED = "pinched", _("Caught, pinched")
    TOOL = "tool", _("Tool, sharp edge")
    ANIMAL = "animal", _("Insect, animal")
    OTHER = "other", _("Other cause")


class FirstAid(models.TextChoices):
    """What the nurse did (several may apply)."""

    OBSERVE = "observe", _("Observed")
    REST = "rest", _("Rest in bed")
    COOL = "cool", _("Cooling")
    WASH = "wash", _("Washed, disinfected")
    DRESSING = "dressing", _("Plaster, dressing")
    PRESSURE = "pressure", _("Pressure to stop bleeding")
    SPLINT = "splint", _("Splint, support")
    TALK = "talk", _("Listened, talked")


class Outcome(models.TextChoices):
    """What became of the visit (HEALTH.md §2: back to class, rest, early leave, doctor, emergency)."""

    BACK_TO_CLASS = "back_to_class", _("Back to class")
    REST_THEN_CLASS = "rest_then_class", _("Rested, then back to class")
    EARLY_LEAVE = "early_leave", _("Left early")
    DOCTOR = "doctor", _("Referred to a doctor")
    AMBULANCE = "ambulance", _("Ambulance")


#: Outcomes the daily log lists as notable cases (休養, 早退, 受診, 救急搬送).
NOTABLE_OUTCOMES: frozenset[str] = frozenset(
    {Outcome.REST_THEN_CLASS, Outcome.EARLY_LEAVE, Outcome.DOCTOR, Outcome.AMBULANCE}
)


class GuardianContact(models.TextChoices):
    """Whom the nurse reached at home."""

    MOTHER = "mother", _("Mother")
    FATHER = "father", _("Father")
    GRANDPARENT = "grandparent", _("Grandparent")
    OTHER = "other", _("Other guardian")
    NOT_REACHED = "not_reached", _("Not reached")


class RegisterState(models.TextChoices):
    """Whether an early leave reached the 出席簿."""

    NOT_NEEDED = "", _("Not needed")
    WRITTEN = "written", _("Written to the register")
    WAITING = "waiting", _("Waiting for the homeroom teacher")


class NurseVisit(ScopedModel):
    """保健室来室記録: one pupil's visit to the nurse's office (HEALTH.md §2).

    The nurse enters it on arrival (time in, category, complaints) and completes it later (time out,
    outcome). Injury fields are those a 災害共済給付 claim asks for. ``shared_with_teacher`` lets the
    homeroom teacher read the complaints and the note; otherwise they see only time, category and
    outcome (HEALTH.md §6). ``homeroom`` is the class on the day, so that the class teacher of that
    day is told. An early leave is written to the 出席簿 (``register_state``).
    """

    data_class = DataClass.I
    class_i_fields: ClassVar[tuple[str, ...]] = (
        "complaints",
        "temperature",
        "pulse",
        "injury_place",
        "injury_activity",
        "body_part",
        "injury_cause",
        "first_aid",
        "note",
    )

    school = models.ForeignKey(
        "org.School", on_delete=models.CASCADE, related_name="+", verbose_name=_("school")
    )
    student = models.ForeignKey(
        "students.Student", on_delete=models.PROTECT, related_name="nurse_visits", verbose_name=_("pupil")
    )
    homeroom = models.ForeignKey(
        "org.Homeroom",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="nurse_visits",
        verbose_name=_("homeroom"),
    )
    date = models.DateField(_("date"))
    time_in = models.TimeField(_("time in"))
    time_out = models.TimeField(_("time out"), null=True, blank=True)
    category = models.CharField(_("category"), max_length=12, choices=VisitCategory.choices)
    complaints = models.JSONField(_("complaints"), default=list, blank=True)
    temperature = models.DecimalField(_("temperature"), max_digits=3, decimal_places=1, null=True, blank=True)
    pulse = models.PositiveSmallIntegerField(_("pulse"), null=True, blank=True)
    injury_time = models.TimeField(_("time of injury"), null=True, blank=True)
    injury_place = models.CharField(_("place"), max_length=16, choices=InjuryPlace.choices, blank=True)
    injury_activity = models.CharField(
        _("activity"), max_length=16, choices=InjuryActivity.choices, blank=True
    )
    body_part = models.CharField(_("body part"), max_length=10, choices=BodyPart.choices, blank=True)
    injury_cause = models.CharField(_("cause"), max_length=12, choices=InjuryCause.choices, blank=True)
    first_aid = models.JSONField(_("first aid"), default=list, blank=True)
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices, blank=True)
    guardian_contacted_at = models.TimeField(_("guardian contacted at"), null=True, blank=True)
    guardian_contact = models.CharField(
        _("guardian contacted"), max_length=12, choices=GuardianContact.choices, blank=True
    )
    note = EncryptedTextField(_("note"), blank=True)
    shared_with_teacher = models.BooleanField(_("details shared with the homeroom teacher"), default=False)
    register_state = models.CharField(
        _("register"), max_length=10, choices=RegisterState.choices, blank=True, default=""
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("recorded by"),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("nurse-office visit")
        verbose_name_plural = _("nurse-office visits")
        ordering = ["-date", "-time_in", "-id"]
        indexes = [
            models.Index(fields=["school", "date"]),
            models.Index(fields=["homeroom", "date"]),
            models.Index(fields=["student", "date"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(time_out__isnull=True) | Q(time_out__gte=models.F("time_in")),
                name="nursevisit_out_after_in",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.time_in} {self.student_id} {self.category}"

    @property
    def complaint_labels(self) -> list[str]:
        """The complaints in words, in the fixed order of :class:`Complaint`."""
        chosen = set(self.complaints or ())
        return [str(label) for value, label in Complaint.choices if value in chosen]

    @property
    def first_aid_labels(self) -> list[str]:
        """The first aid in words, in the fixed order of :class:`FirstAid`."""
        chosen = set(self.first_aid or ())
        return [str(label) for value, label in FirstAid.choices if value in chosen]

    @property
    def is_open(self) -> bool:
        """Still in the nurse's office (no time out yet)."""
        return self.time_out is None

    @property
    def is_notable(self) -> bool:
        """Rest, early leave, referral or ambulance: listed on the daily log."""
        return self.outcome in NOTABLE_OUTCOMES


class HealthNotice(ScopedModel):
    """Tells the homeroom teacher, in the app, that a pupil of the class visited the nurse.

    One notice per visit; when the nurse changes the outcome or time out the notice becomes unread
    again. It carries no health data of its own: the teacher's page reads the visit's outline (time,
    category, outcome) and its detail only when the nurse shared it.
    """

    data_class = DataClass.III

    visit = models.OneToOneField(
        NurseVisit, on_delete=models.CASCADE, related_name="notice", verbose_name=_("visit")
    )
    school = models.ForeignKey(
        "org.School", on_delete=models.CASCADE, related_name="+", verbose_name=_("school")
    )
    homeroom = models.ForeignKey(
        "org.Homeroom", on_delete=models.CASCADE, related_name="health_notices", verbose_name=_("homeroom")
    )
    date = models.DateField(_("date"))
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    read_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("read by"),
    )

    class Meta:
        verbose_name = _("health notice")
        verbose_name_plural = _("health notices")
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["homeroom", "read_at"])]

    def __str__(self) -> str:
        return f"{self.date} {self.homeroom_id} {self.visit_id}"


# --- 保健日誌 (the nurse's daily log) ----------------------------------------------------------------


class Weather(models.TextChoices):
    """The day's weather as the log records it."""

    SUNNY = "sunny", _("Sunny")
    CLOUDY = "cloudy", _("Cloudy")
    RAINY = "rainy", _("Rainy")
    SNOWY = "snowy", _("Snowy")


class NurseDailyLog(ScopedModel):
    """What the nurse adds to the day's 保健日誌: weather, readings, events and remarks.

    Everything else on the log (absences, 出席停止, visits, check-ins) is computed from the records
    each time (``selectors.daily_log_get``), so the log always says what the records say. Kept five
    years (HEALTH.md §3).
    """

    data_class = DataClass.I
    class_i_fields: ClassVar[tuple[str, ...]] = ("events", "remarks")

    school = models.ForeignKey(
        "org.School", on_delete=models.CASCADE, related_name="+", verbose_name=_("school")
    )
    date = models.DateField(_("date"))
    weather = models.CharField(_("weather"), max_length=10, choices=Weather.choices, blank=True)
    temperature = models.DecimalField(
        _("air temperature"), max_digits=3, decimal_places=1, null=True, blank=True
    )
    humidity = models.PositiveSmallIntegerField(_("humidity"), null=True, blank=True)
    events = EncryptedTextField(_("events"), blank=True)
    remarks = EncryptedTextField(_("remarks"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("recorded by"),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("nurse's daily log")
        verbose_name_plural = _("nurse's daily logs")
        ordering = ["-date"]
        constraints = [models.UniqueConstraint(fields=["school", "date"], name="nursedailylog_unique")]

    def __str__(self) -> str:
        return f"{self.school_id} {self.date}"


__all__ = [
    "BAD_MOODS",
    "NOTABLE_OUTCOMES",
    "BodyPart",
    "CheckInSession",
    "Complaint",
    "FirstAid",
    "GuardianContact",
    "HealthCheckIn",
    "HealthNotice",
    "InjuryActivity",
    "InjuryCause",
    "InjuryPlace",
    "Mood",
    "NurseDailyLog",
    "NurseVisit",
    "Outcome",
    "Period",
    "RegisterState",
    "Source",
    "Symptom",
    "TalkRequest",
    "VisitCategory",
    "Weather",
]
