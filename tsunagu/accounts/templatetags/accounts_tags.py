"""Template filters for the account pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import template

from tsunagu.accounts.mfa import has_second_factor
from tsunagu.accounts.selectors import is_staff_actor

register = template.Library()


@register.filter
def minutes(value: dt.timedelta | None) -> int:
    """A duration in whole minutes (at least 1), e.g. the lockout cool-off."""
    if not value:
        return 0
    return max(1, round(value.total_seconds() / 60))


@register.filter
def must_enrol_mfa(user: Any) -> bool:
    """True for a staff user who has no second factor yet (the MFA page then explains why)."""
    return is_staff_actor(user) and not has_second_factor(user)
