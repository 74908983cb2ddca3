"""学習データ: registered learning apps (clients), the xAPI Learning Record Store and its log of refusals.

The LRS tables are written by machines (learning apps, through ``/xapi/``), not by users, so they are
plain models with a :class:`PolicyManager` (the board's pages narrow them with ``visible_to``); the LRS
itself narrows every query to what the calling client may read (its permissions). Storage follows
STANDARDS.md §2: the statement's JSON exactly as stored (``data``, returned as is for ``format=exact``)
plus normalised columns and link tables of agents and activities with their *usage* and the
statement's position in the stored order, so the filtered GETs are index range scans.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tsunagu.core.models import DataClass, PublicModel
from tsunagu.core.scope import PolicyManager


class ClientKind(models.TextChoices):
    """What a registered client is: a learning app (drills, online tests …) or a 学習eポータル."""

    APP = "app", _("Learning app")
    PORTAL = "portal", _("Learning e-portal")


class Permission(models.TextChoices):
    """What a client may do through the LRS (names after the xAPI OAuth scopes)."""

    STATEMENTS_WRITE = "statements/write", _("Write statements")
    STATEMENTS_READ_MINE = "statements/read/mine", _("Read its own statements")
    STATEMENTS_READ = "statements/read", _("Read all statements")
    STATE = "state", _("Read and write the State resource")
    PROFILE = "profile", _("Read and write activity and agent profiles")
    # The OneRoster REST provider's scopes (roster_sync.oauth), granted per app by the board.
    ONEROSTER_CORE = (
        "https://purl.imsglobal.org/spec/or/v1p2/scope/roster-core.readonly",
        _("OneRoster: read the roster (roster-core)"),
    )
    ONEROSTER = (
        "https://purl.imsglobal.org/spec/or/v1p2/scope/roster.readonly",
        _("OneRoster: read the roster, nested operations too (roster)"),
    )
    ONEROSTER_DEMOGRAPHICS = (
        "https://purl.imsglobal.org/spec/or/v1p2/scope/roster-demographics.readonly",
        _("OneRoster: pupils' birth dates and sex (roster-demographics)"),
    )


class LearningClient(PublicModel):
    """A learning app or portal registered by the board: its credentials, schools and permissions.

    ``key`` is the HTTP Basic user name; the secret is shown once and only its keyed hash is kept
    (HMAC-SHA256 under a key derived from ``SECRET_KEY``, see ``credentials.py``: the secret is 256
    random bits, so a slow password hash would add nothing but time to every request).
    """

    data_class = DataClass.II

    board = models.ForeignKey(
        "org.Board", on_delete=models.PROTECT, related_name="learning_clients", verbose_name=_("board")
    )
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=10, choices=ClientKind.choices, default=ClientKind.APP)
    all_schools = models.BooleanField(_("serves every school"), default=True)
    schools = models.ManyToManyField(
        "org.School", blank=True, related_name="learning_clients", verbose_name=_("schools served")
    )
    permissions = models.JSONField(_("permissions"), default=list)
    key = models.CharField(_("key"), max_length=40, unique=True)
    secret_hash = models.CharField(_("secret hash"), max_length=64)
    active = models.BooleanField(_("active"), default=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    rotated_at = models.DateTimeField(_("credentials issued at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("registered by"),
    )

    objects = PolicyManager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("learning app")
        verbose_name_plural = _("learning apps")

    def __str__(self) -> str:
        return self.name

    def may(self, permission: str) -> bool:
        """True when the client holds ``permission``."""
        return permission in self.permissions


class AgentStatus(models.TextChoices):
    """Whether an xAPI agent seen as a statement's actor has been matched to a pupil."""

    UNMATCHED = "unmatched", _("Waiting to be matched")
    MATCHED = "matched", _("Matched to a pupil")
    REJECTED = "rejected", _("Rejected")
    NOT_PUPIL = "not_pupil", _("Not a statement actor")


class XapiAgent(models.Model):
    """One xAPI agent or identified group, keyed by its inverse functional identifier (IFI).

    ``ifi`` is ``mbox:…``, ``mbox_sha1sum:…``, ``openid:…`` or ``account:<homePage>|<name>``.
    Actors whose account is ours (``homePage`` = the issuer, ``name`` = a pupil's UUID) are matched to
    the pupil when first seen; other actors wait in the quarantine until the board matches or rejects
    them (their statements are stored all the same).
    """

    data_class = DataClass.II

    uuid = models.UUIDField(_("public ID"), default=uuid.uuid4, unique=True, editable=False)
    ifi = models.CharField(_("identifier"), max_length=600, unique=True)
    object_type = models.CharField(_("type"), max_length=6, default="Agent")
    name = models.CharField(_("name"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=AgentStatus.choices, default=AgentStatus.NOT_PUPIL
    )
    student = models.ForeignKey(
        "students.Student",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="xapi_agents",
        verbose_name=_("pupil"),
    )
    first_seen = models.DateTimeField(_("first seen"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    objects = PolicyManager()

    class Meta:
        verbose_name = _("xAPI agent")
        indexes = [models.Index(fields=["status"], name="learning_agent_status")]

    def __str__(self) -> str:
        return self.ifi


class XapiActivity(models.Model):
    """One activity IRI and its definition as last received (the LRS's canonical version)."""

    data_class = DataClass.III

    iri = models.CharField(_("activity ID"), max_length=2048, unique=True)
    definition = models.JSONField(_("definition"), null=True, blank=True)

    class Meta:
        verbose_name = _("xAPI activity")

    def __str__(self) -> str:
        return self.iri


class Statement(models.Model):
    """One stored xAPI statement. ``id`` (monotonic) is the stored order the ``more`` cursor walks.

    ``data`` is the statement as stored (with ``stored``, ``authority``, ``version``, ``timestamp``),
    compact JSON text returned verbatim for ``format=exact``. The other columns are for filtering.
    """

    data_class = DataClass.II

    id = models.BigAutoField(primary_key=True)
    statement_id = models.UUIDField(_("statement ID"), unique=True)
    #: No index of its own: ``(client, stored)`` serves every look-up by client (one index fewer to
    #: maintain per statement stored).
    client = models.ForeignKey(
        LearningClient,
        on_delete=models.PROTECT,
        related_name="statements",
        verbose_name=_("learning app"),
        db_index=False,
    )
    data = models.TextField()
    stored = models.DateTimeField(_("stored"), db_index=True)
    timestamp = models.DateTimeField(_("timestamp"))
    verb = models.CharField(_("verb"), max_length=2048)
    #: None when the actor is an anonymous group (its members are in the agent links).
    actor = models.ForeignKey(XapiAgent, null=True, on_delete=models.PROTECT, related_name="+")
    registration = models.UUIDField(null=True, blank=True)
    #: The statement this one refers to with a StatementRef object (also the target of a voiding).
    target = models.UUIDField(null=True, blank=True)
    voided = models.BooleanField(default=False)
    #: No index of its own: ``(pupil, id)`` serves the look-ups by pupil.
    pupil = models.ForeignKey(
        "students.Student", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", db_index=False
    )

    objects = PolicyManager()

    class Meta:
        verbose_name = _("xAPI statement")
        indexes = [
            models.Index(fields=["verb", "id"], name="learning_stmt_verb"),
            models.Index(fields=["registration", "id"], name="learning_stmt_registration"),
            models.Index(fields=["target"], name="learning_stmt_target"),
            models.Index(fields=["client", "stored"], name="learning_stmt_client_stored"),
            models.Index(fields=["pupil", "id"], name="learning_stmt_pupil"),
        ]

    def __str__(self) -> str:
        return str(self.statement_id)


class AgentUsage(models.IntegerChoices):
    """Where an agent appears in a statement (ACTOR and OBJECT are the ``agent`` filter's places)."""

    ACTOR = 1
    OBJECT = 2
    AUTHORITY = 3
    INSTRUCTOR = 4
    TEAM = 5
    CONTEXT_AGENT = 6
    SUB = 7  # anywhere inside a SubStatement


class StatementAgent(models.Model):
    """Link of a statement to an agent it names, with the usage; ``statement`` is the stored order.

    The link tables carry no foreign-key constraints in the database (``db_constraint=False``): their
    rows are written only by the LRS's store, in the transaction that writes the statement and finds
    or creates the agent, so the references hold by construction, and the per-row constraint checks
    were ~25 % of PostgreSQL's work per statement stored (decision 0019). ``agent`` has no index of
    its own: the two composite indexes start with it."""

    data_class = DataClass.II

    statement = models.ForeignKey(
        Statement, on_delete=models.CASCADE, related_name="agent_links", db_constraint=False
    )
    agent = models.ForeignKey(
        XapiAgent, on_delete=models.CASCADE, related_name="+", db_constraint=False, db_index=False
    )
    usage = models.PositiveSmallIntegerField(choices=AgentUsage.choices)

    class Meta:
        indexes = [
            # The ``agent`` filter's places (actor, object) alone, newest first by walking backwards: a
            # partial index, so an agent that is never an actor (an app's authority in every statement)
            # answers at once instead of being filtered row by row.
            models.Index(
                fields=["agent", "statement"],
                name="learning_sa_agent_main",
                condition=models.Q(usage__in=[1, 2]),
            ),
            models.Index(fields=["agent", "statement"], name="learning_sa_agent"),  # related_agents
        ]

    def __str__(self) -> str:
        return f"{self.statement_id} {self.agent_id} {self.usage}"


class ActivityUsage(models.IntegerChoices):
    """Where an activity appears (OBJECT is the ``activity`` filter's place)."""

    OBJECT = 1
    PARENT = 2
    GROUPING = 3
    CATEGORY = 4
    OTHER = 5
    SUB = 6


class StatementActivity(models.Model):
    """Link of a statement to an activity it names, with the usage (no database constraints and no
    single-column ``activity`` index, as :class:`StatementAgent`)."""

    data_class = DataClass.III

    statement = models.ForeignKey(
        Statement, on_delete=models.CASCADE, related_name="activity_links", db_constraint=False
    )
    activity = models.ForeignKey(
        XapiActivity, on_delete=models.CASCADE, related_name="+", db_constraint=False, db_index=False
    )
    usage = models.PositiveSmallIntegerField(choices=ActivityUsage.choices)

    class Meta:
        indexes = [
            # The ``activity`` filter's place (the object) alone, as ``learning_sa_agent_main``.
            models.Index(
                fields=["activity", "statement"], name="learning_sact_act_object", condition=models.Q(usage=1)
            ),
            models.Index(fields=["activity", "statement"], name="learning_sact_act"),  # related_activities
        ]

    def __str__(self) -> str:
        return f"{self.statement_id} {self.activity_id} {self.usage}"


class DocumentKind(models.TextChoices):
    """The three document resources of xAPI."""

    STATE = "state", "State"
    ACTIVITY_PROFILE = "activity_profile", "Activity Profile"
    AGENT_PROFILE = "agent_profile", "Agent Profile"


class XapiDocument(models.Model):
    """A document of the State, Activity Profile or Agent Profile resource (empty key parts are '').

    ``client`` is the learning app that created it (its owner: a later change by another app keeps
    it): an app serving some schools only reaches the documents it owns unless they are about a
    pupil of its schools (decision 0019 §4)."""

    data_class = DataClass.II

    kind = models.CharField(max_length=16, choices=DocumentKind.choices)
    activity_iri = models.CharField(max_length=2048, blank=True)
    agent_ifi = models.CharField(max_length=600, blank=True)
    registration = models.CharField(max_length=36, blank=True)
    document_id = models.CharField(max_length=2048)
    content = models.BinaryField()
    content_type = models.CharField(max_length=200)
    etag = models.CharField(max_length=64)
    updated = models.DateTimeField()
    client = models.ForeignKey(LearningClient, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "activity_iri", "agent_ifi", "registration", "document_id"],
                name="learning_document_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.document_id}"


class XapiAttachment(models.Model):
    """The raw content of a statement attachment sent in a multipart request, keyed by its SHA-2."""

    data_class = DataClass.II

    sha2 = models.CharField(max_length=128, unique=True)
    content_type = models.CharField(max_length=200)
    content = models.BinaryField()

    def __str__(self) -> str:
        return self.sha2


class RejectedRequest(models.Model):
    """A request the LRS refused (4xx), with its reason, for the board's monitoring page."""

    data_class = DataClass.III

    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)
    client = models.ForeignKey(
        LearningClient, null=True, blank=True, on_delete=models.SET_NULL, related_name="rejections"
    )
    method = models.CharField(_("method"), max_length=10)
    path = models.CharField(_("path"), max_length=200)
    status = models.PositiveSmallIntegerField(_("status"))
    reason = models.CharField(_("reason"), max_length=500)

    objects = PolicyManager()

    class Meta:
        ordering = ["-at"]
        verbose_name = _("rejected request")

    def __str__(self) -> str:
        return f"{self.status} {self.method} {self.path}"


class StatementDay(models.Model):
    """Statements stored per learning app and local day, for the monitoring page.

    A closed day never changes (``stored`` is the moment of storing), so its counts are taken once
    from the statements and kept here; the page then reads a few hundred rows instead of counting
    the last fortnight's statements (~400,000 with 10 million a year) on every view. The row with no
    ``client`` marks a day as counted (its ``count`` is the day's total)."""

    data_class = DataClass.III

    day = models.DateField(_("day"))
    client = models.ForeignKey(
        LearningClient, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    count = models.PositiveIntegerField(_("statements"))

    class Meta:
        verbose_name = _("statements per day")
        constraints = [
            models.UniqueConstraint(fields=["day", "client"], name="learning_statementday_unique"),
            models.UniqueConstraint(
                fields=["day"], condition=models.Q(client__isnull=True), name="learning_statementday_marker"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.client_id} {self.count}"
