"""Demo 指導要録: the cast's class (さくら小 4年1組) with last year's records submitted and signed off by the
principal, so that the pages show a locked year (with its signature and retention dates) next to the
current year read live. Through the services, as the principal of the cast; only one class, so the step
stays fast on every scale.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model

from tsunagu.demo.cast import DEMO_PASSWORD
from tsunagu.demo.steps import DemoContext, demo_step
from tsunagu.org.models import Homeroom
from tsunagu.records import services
from tsunagu.records.models import GuidanceSection, SectionStatus
from tsunagu.students.models import Enrolment


@demo_step(order=960)
def signed_records(ctx: DemoContext) -> None:
    """Open the records of 4年1組's pupils at さくら小 and sign last year's off (see the module docstring)."""
    sakura = ctx.schools.get("sakura")
    principal = get_user_model().objects.filter(username="principal").first()
    if sakura is None or principal is None or ctx.previous_year is None:
        return
    room = Homeroom.objects.filter(
        school=sakura, school_year=ctx.school_year, grade_level__code="P4", name="1組"
    ).first()
    if room is None:
        return
    pupils = [e.student for e in Enrolment.objects.filter(homeroom=room).select_related("student")]
    records = services.records_open(
        actor=principal, school=sakura, students=pupils, school_year=ctx.school_year
    )
    last_year = set(
        GuidanceSection.objects.filter(
            record__in=[r.pk for r in records.values()],
            school_year=ctx.previous_year,
            status=SectionStatus.DRAFT,
        ).values_list("record_id", flat=True)
    )
    chosen = [r for r in records.values() if r.pk in last_year]
    if not chosen:
        return
    for r in chosen:
        r.student = next(p for p in pupils if p.pk == r.student_id)
    services.year_submit(actor=principal, records=chosen, school_year=ctx.previous_year)
    services.year_sign(actor=principal, records=chosen, school_year=ctx.previous_year, password=DEMO_PASSWORD)
