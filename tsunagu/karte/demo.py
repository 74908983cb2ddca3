"""Demo step: run the insight rules over the generated year, so that the karte and the class board of
the demo ward open with the insights its data holds (as the nightly job would have left them)."""

from __future__ import annotations

from tsunagu.demo.steps import DemoContext, demo_step
from tsunagu.karte.services import insights_refresh


@demo_step(order=900)
def find_insights(ctx: DemoContext) -> None:
    """After every app has written its data: the rules for every school, as of the demo's today."""
    for school in ctx.schools.values():
        insights_refresh(school=school, day=ctx.today)
