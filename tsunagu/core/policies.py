"""Who may read the audit logs."""

from __future__ import annotations

from django.db.models import Q

from tsunagu.accounts.models import RoleAssignment
from tsunagu.core.models import AccessLog
from tsunagu.core.policy import RuleResult, rule


@rule(AccessLog, actions=["view"], roles=["principal"])
def accesslog_view(a: RoleAssignment) -> RuleResult:
    """Reads of records of pupils ever enrolled at the school."""
    from tsunagu.students.models import Enrolment

    with_school = Enrolment.objects.filter(school=a.school_id).values("student__uuid")
    return Q(student_uuid__in=with_school)
