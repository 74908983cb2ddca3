"""Demo data of the 通知表: every school's default template saved, and さくら小 4年1組's cards of the
1st term submitted by the cast teacher, approved by the cast principal and released on the term's last
day, so the cast guardian finds a released card of their child (the cast pupil) on the home page.

The cards are frozen from whatever the earlier demo steps wrote (grades, remarks, ○ marks, the
register), through the same services the pages use. On the ``tiny`` ward this is one class of a few
pupils: a handful of queries and no PDF (PDFs are rendered when someone opens them).
"""

from __future__ import annotations

from tsunagu.accounts.models import User
from tsunagu.demo.steps import DemoContext, demo_step
from tsunagu.org.models import Homeroom, Term
from tsunagu.report_cards import selectors, services
from tsunagu.report_cards.models import ReportCardTemplate


@demo_step(order=950)
def report_cards(ctx: DemoContext) -> None:
    """Default templates for every school; the cast class's 1st-term cards approved and released."""
    have = set(ReportCardTemplate.objects.values_list("school_id", flat=True))
    ReportCardTemplate.objects.bulk_create(
        ReportCardTemplate(school=school, **selectors.template_defaults(school))
        for school in ctx.schools.values()
        if school.pk not in have
    )
    sakura = ctx.schools.get("sakura")
    if sakura is None:
        return
    room = (
        Homeroom.objects.filter(
            school=sakura, school_year=ctx.school_year, grade_level__code="P4", name="1組"
        )
        .select_related("school", "school_year", "grade_level")
        .first()
    )
    term = Term.objects.filter(school=sakura, school_year=ctx.school_year, number=1).first()
    teacher = User.objects.filter(username="teacher").first()
    principal = User.objects.filter(username="principal").first()
    if room is None or term is None or teacher is None or principal is None or term.end_date > ctx.today:
        return
    card_set = services.report_card_set_submit(actor=teacher, homeroom=room, term=term)
    card_set = services.report_card_set_approve(actor=principal, card_set=card_set)
    services.report_card_set_release(actor=principal, card_set=card_set, release_on=term.end_date)
