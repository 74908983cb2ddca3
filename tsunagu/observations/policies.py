"""Who may read and write いいところ (GoodPoint) and 共有TOPIC (SharedTopic).

いいところ: staff who teach the pupil — the homeroom teacher, a subject teacher of a group the pupil is
in, the grade head, the principal and the school nurse — write and read the notes made at their own
school. Guardians and the pupil read the notes shared with home (a note shared with the family is one
the pupil may read too: it was written to encourage them). Office staff, the helpdesk, counsellors and
the board have no rule.

共有TOPIC: the staff who teach the pupil (homeroom, subject teacher, grade head, principal) read every
topic of their school about the pupil; the nurse and the counsellor read topics of level ``care`` and
up (and their own); board staff read level ``board`` and up, only for pupils assigned to them as a case
(a board assignment without a pupil reads none); guardians read level ``guardians`` about their own
children (which includes the 家庭のようす notes they sent). Pupils read no topics. A sensitive topic is at
most level ``care`` (a database constraint), so it never reaches the board or a family. The change
history of a topic (``view_history``) is for the staff and board members who may read the topic, not
for families.
"""

from __future__ import annotations

from django.db.models import Q

from tsunagu.accounts.models import RoleAssignment
from tsunagu.core.policy import RuleResult, rule
from tsunagu.core.scopes import assignment_school_id, pupil_scope
from tsunagu.observations.models import GoodPoint, SharedTopic, Source, Visibility
from tsunagu.org.models import Homeroom
from tsunagu.students.models import Student

#: Staff who write いいところ about the pupils they teach.
GOOD_POINT_STAFF = ["homeroom_teacher", "subject_teacher", "grade_head", "principal", "nurse"]
#: Staff who teach the pupil: level (a) of a shared topic.
TEACHING_STAFF = ["homeroom_teacher", "subject_teacher", "grade_head", "principal"]
#: Level (b) adds these.
CARE_STAFF = ["nurse", "counselor"]
TOPIC_STAFF = TEACHING_STAFF + CARE_STAFF


def in_own_school(a: RoleAssignment, via: str = "student__") -> Q:
    """Records about pupils in the assignment's scope that were made at the assignment's school (a
    school a pupil has left keeps its own records; a counsellor's case has no school of its own)."""
    school_id = assignment_school_id(a)
    scope = pupil_scope(a, via)
    return scope & Q(school=school_id) if school_id else scope


# --- pages ----------------------------------------------------------------------------------------


@rule(
    Student,
    actions=["view_observations"],
    roles=[*GOOD_POINT_STAFF, "counselor", "board", "guardian", "student"],
)
def student_view_observations(a: RoleAssignment) -> RuleResult:
    """Pupils in the assignment's scope: the pupil's いいところ and 共有TOPIC page (what it shows is
    narrowed per note; the board reaches only pupils assigned to it as a case)."""
    return pupil_scope(a)


@rule(Student, actions=["add_topic"], roles=TOPIC_STAFF)
def student_add_topic(a: RoleAssignment) -> RuleResult:
    """Pupils in the assignment's scope: post a 共有TOPIC about them."""
    return pupil_scope(a)


@rule(Student, actions=["send_home_note"], roles=["guardian"])
def student_send_home_note(a: RoleAssignment) -> RuleResult:
    """Own children (custody, no contact restriction): send a 家庭のようす note to the school."""
    return pupil_scope(a)


@rule(Homeroom, actions=["view_observations"], roles=["homeroom_teacher"])
def homeroom_observations_own(a: RoleAssignment) -> RuleResult:
    """One's own homeroom: いいところ and topics per pupil."""
    return Q(pk=a.homeroom_id)


@rule(Homeroom, actions=["view_observations"], roles=["grade_head"])
def homeroom_observations_grade(a: RoleAssignment) -> RuleResult:
    """Homerooms of one's grade this year."""
    return Q(school=a.school_id, school_year=a.school_year_id, grade_level=a.grade_level_id)


@rule(Homeroom, actions=["view_observations"], roles=["principal"])
def homeroom_observations_school(a: RoleAssignment) -> RuleResult:
    """Every homeroom of one's school."""
    return Q(school=a.school_id)


# --- いいところ -------------------------------------------------------------------------------------


@rule(GoodPoint, actions=["view"], roles=GOOD_POINT_STAFF)
def goodpoint_view_staff(a: RoleAssignment) -> RuleResult:
    """Notes made at one's school about pupils in the assignment's scope (all years at that school)."""
    return in_own_school(a)


@rule(GoodPoint, actions=["add"], roles=GOOD_POINT_STAFF)
def goodpoint_add(a: RoleAssignment) -> RuleResult:
    """Notes this school year at one's school about pupils in the assignment's scope."""
    return in_own_school(a) & Q(school_year=a.school_year_id)


@rule(GoodPoint, actions=["delete"], roles=GOOD_POINT_STAFF)
def goodpoint_delete(a: RoleAssignment) -> RuleResult:
    """One's own notes this school year (a slip of the finger is taken back; the history keeps it)."""
    return in_own_school(a) & Q(author=a.user_id, school_year=a.school_year_id)


@rule(GoodPoint, actions=["view"], roles=["guardian", "student"])
def goodpoint_view_home(a: RoleAssignment) -> RuleResult:
    """Notes shared with home about one's own children (guardian) or oneself (pupil)."""
    return pupil_scope(a, "student__") & Q(shared_with_home=True)


# --- 共有TOPIC ------------------------------------------------------------------------------------


@rule(SharedTopic, actions=["view", "view_history"], roles=TEACHING_STAFF)
def topic_view_teaching(a: RoleAssignment) -> RuleResult:
    """Every topic made at one's school about pupils in the assignment's scope (levels a–d)."""
    return in_own_school(a)


@rule(SharedTopic, actions=["view", "view_history"], roles=CARE_STAFF)
def topic_view_care(a: RoleAssignment) -> RuleResult:
    """Topics at one's school (or of one's case) of level b and up, and one's own topics."""
    levels = [Visibility.CARE, Visibility.BOARD, Visibility.GUARDIANS]
    return in_own_school(a) & (Q(visibility__in=levels) | Q(author=a.user_id))


@rule(SharedTopic, actions=["view", "view_history"], roles=["board"])
def topic_view_board(a: RoleAssignment) -> RuleResult:
    """Topics of level c and up about a pupil assigned to one as a case (none without an assignment)."""
    return pupil_scope(a, "student__") & Q(visibility__in=[Visibility.BOARD, Visibility.GUARDIANS])


@rule(SharedTopic, actions=["view"], roles=["guardian"])
def topic_view_guardian(a: RoleAssignment) -> RuleResult:
    """Topics of level d about one's own children, the 家庭のようす notes one sent included."""
    return pupil_scope(a, "student__") & Q(visibility=Visibility.GUARDIANS)


@rule(SharedTopic, actions=["add"], roles=TOPIC_STAFF)
def topic_add_staff(a: RoleAssignment) -> RuleResult:
    """Topics this school year at one's school about pupils in the assignment's scope."""
    return in_own_school(a) & Q(school_year=a.school_year_id, source=Source.STAFF)


@rule(SharedTopic, actions=["add"], roles=["guardian"])
def topic_add_guardian(a: RoleAssignment) -> RuleResult:
    """家庭のようす notes about one's own children, readable by the family."""
    return pupil_scope(a, "student__") & Q(
        source=Source.GUARDIAN, area="home", visibility=Visibility.GUARDIANS
    )


@rule(SharedTopic, actions=["change"], roles=TOPIC_STAFF)
def topic_change(a: RoleAssignment) -> RuleResult:
    """One's own topics at one's school, this school year (every version is kept)."""
    return in_own_school(a) & Q(author=a.user_id, school_year=a.school_year_id, source=Source.STAFF)


@rule(SharedTopic, actions=["acknowledge"], roles=["homeroom_teacher"])
def topic_acknowledge(a: RoleAssignment) -> RuleResult:
    """家庭のようす notes from the guardians of one's own class: mark them as read."""
    return in_own_school(a) & Q(source=Source.GUARDIAN)
