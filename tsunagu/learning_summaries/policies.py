"""Who may see learning summaries and test results, and who imports test results (contract C3).

Learning summaries and test results are class II. They are seen (``view``) by the pupil's homeroom
teacher, the grade head and the principal of the pupil's school, by subject teachers for the pupils of
their teaching groups **in their own subject only** (a subject teacher needs the picture of their
subject; the pupil's other subjects are the homeroom teacher's business), and by the pupil and the
guardians (custody, not restricted) for their own. ``view_class`` — the rows behind class averages —
is the same for staff but not for pupils and guardians: their views compare a pupil with their own
past, never with classmates (DASHBOARD.md §5).

Test results are imported by the school's office staff and principal for any grade, and by a grade
head for their grade (``import_test_results`` on the school for the page, on homerooms for the rows).
The class learning overview page (``view_learning`` on a homeroom) is for the homeroom teacher, the grade
head and the principal. Nurses, counsellors, the board and the helpdesk have no rule here.
"""

from __future__ import annotations

from django.db.models import Q

from tsunagu.accounts.models import RoleAssignment
from tsunagu.core.policy import RuleResult, rule
from tsunagu.core.scopes import NOTHING, pupil_scope
from tsunagu.learning_summaries.models import LearningSummary, Test, TestImport, TestResult
from tsunagu.org.models import Homeroom, School

STAFF = ["homeroom_teacher", "grade_head", "principal"]
IMPORTERS = ["office", "principal", "grade_head"]


def _own_subject(a: RoleAssignment) -> Q:
    """The pupils of a subject teacher's teaching group, in the group's subject."""
    group = a.teaching_group
    if group is None:
        return NOTHING
    return pupil_scope(a, "student__") & Q(subject=group.subject_id)


@rule(LearningSummary, actions=["view", "view_class"], roles=STAFF)
def summary_staff(a: RoleAssignment) -> RuleResult:
    """Pupils in the assignment's scope: one's class, grade or school."""
    return pupil_scope(a, "student__")


@rule(LearningSummary, actions=["view", "view_class"], roles=["subject_teacher"])
def summary_subject_teacher(a: RoleAssignment) -> RuleResult:
    """Pupils of one's teaching group, in the group's subject only."""
    return _own_subject(a)


@rule(LearningSummary, actions=["view"], roles=["student", "guardian"])
def summary_self(a: RoleAssignment) -> RuleResult:
    """One's own learning, or one's own children's (never classmates': no ``view_class``)."""
    return pupil_scope(a, "student__")


@rule(TestResult, actions=["view", "view_class"], roles=STAFF)
def result_staff(a: RoleAssignment) -> RuleResult:
    """Test results of pupils in the assignment's scope."""
    return pupil_scope(a, "student__")


@rule(TestResult, actions=["view", "view_class"], roles=["subject_teacher"])
def result_subject_teacher(a: RoleAssignment) -> RuleResult:
    """Test results of one's teaching group's pupils in the group's subject."""
    return _own_subject(a)


@rule(TestResult, actions=["view"], roles=["student", "guardian"])
def result_self(a: RoleAssignment) -> RuleResult:
    """One's own results, or one's own children's."""
    return pupil_scope(a, "student__")


@rule(School, actions=["import_test_results"], roles=IMPORTERS)
def school_import_results(a: RoleAssignment) -> RuleResult:
    """One's own school: the test-result import page and its history."""
    return Q(pk=a.school_id) if a.school_id else NOTHING


@rule(Homeroom, actions=["import_test_results"], roles=["office", "principal"])
def homeroom_import_results_school(a: RoleAssignment) -> RuleResult:
    """Every class of one's school: rows of any grade may be imported."""
    return Q(school=a.school_id) if a.school_id else NOTHING


@rule(Homeroom, actions=["import_test_results"], roles=["grade_head"])
def homeroom_import_results_grade(a: RoleAssignment) -> RuleResult:
    """The classes of one's grade this year: a grade head imports their grade's results only."""
    return Q(school=a.school_id, school_year=a.school_year_id, grade_level=a.grade_level_id)


@rule(Test, actions=["view"], roles=IMPORTERS)
def test_view_importers(a: RoleAssignment) -> RuleResult:
    """The tests of one's school (names and dates; no pupil data), for the import history."""
    return Q(school=a.school_id) if a.school_id else NOTHING


@rule(TestImport, actions=["view"], roles=IMPORTERS)
def import_view_importers(a: RoleAssignment) -> RuleResult:
    """The test-result imports of one's school: who imported which file and when."""
    return Q(school=a.school_id) if a.school_id else NOTHING


@rule(Homeroom, actions=["view_learning"], roles=["homeroom_teacher"])
def homeroom_learning_own(a: RoleAssignment) -> RuleResult:
    """One's own class: the class learning overview."""
    return Q(pk=a.homeroom_id) if a.homeroom_id else NOTHING


@rule(Homeroom, actions=["view_learning"], roles=["grade_head"])
def homeroom_learning_grade(a: RoleAssignment) -> RuleResult:
    """The classes of one's grade this year."""
    return Q(school=a.school_id, school_year=a.school_year_id, grade_level=a.grade_level_id)


@rule(Homeroom, actions=["view_learning"], roles=["principal"])
def homeroom_learning_school(a: RoleAssignment) -> RuleResult:
    """Every class of one's school."""
    return Q(school=a.school_id) if a.school_id else NOTHING


@rule(School, actions=["view_learning"], roles=["grade_head", "principal"])
def school_learning(a: RoleAssignment) -> RuleResult:
    """One's own school: the list of classes whose learning overview one may open."""
    return Q(pk=a.school_id) if a.school_id else NOTHING
