"""Access-matrix cases for the core, accounts and students pages (see access_matrix.py).

Statuses: 200 shown; 403 the role has no rule for the page at all; 404 the object is outside the
actor's scope (answered exactly like a missing one); LOGIN for anonymous visitors.
"""

from __future__ import annotations

from tsunagu.core.tests.access_matrix import REDIRECT, Case, expect

# Everyone signed in gets the page; anonymous visitors are sent to log in.
SIGNED_IN = expect(200)
# Pages of the login flow itself, open to all.
OPEN = expect(200, anonymous=200)


def _pupil(label: str, attr: str, **by_role: int) -> list[Case]:
    """The pupil record and the principal's audit view of one pupil."""
    detail = expect(404, helpdesk=403, **by_role)
    audit = expect(403, principal=by_role.get("principal", 404))
    return [
        Case("students:student_detail", label, detail, lambda p: {"student_uuid": getattr(p, attr).uuid}),
        Case("audit:student_audit", label, audit, lambda p: {"student_uuid": getattr(p, attr).uuid}),
    ]


SAKURA_SCHOOL = {"principal": 200, "nurse": 200, "office": 200}
NO_ROSTER_RULE = {"board": 403, "helpdesk": 403, "guardian": 403, "student": 403}

CASES: list[Case] = [
    Case("home", "any", SIGNED_IN),
    Case("healthz", "any", OPEN),
    Case("accounts:profile", "any", SIGNED_IN),
    Case("set_language", "any", expect(REDIRECT, anonymous=REDIRECT)),
    # Pupils, by relationship to the cast.
    *_pupil("classmate", "classmate", teacher=200, **SAKURA_SCHOOL),
    *_pupil("protected", "protected", teacher=200, **SAKURA_SCHOOL),
    *_pupil("own child", "own_child", teacher=200, guardian=200, student=200, **SAKURA_SCHOOL),
    *_pupil("sibling at the junior high", "sibling", subject_teacher=200, guardian=200),
    *_pupil("another class", "other_class_pupil", **SAKURA_SCHOOL),
    *_pupil("teacher's class last year", "last_years_pupil", **SAKURA_SCHOOL),
    *_pupil("another school", "other_school_pupil", outsider=200),
    *_pupil("split group taught", "split_group_pupil", subject_teacher=200),
    *_pupil("split group not taught", "other_split_pupil"),
    *_pupil("junior high 1st year", "junior_high_pupil"),
    # The elementary school keeps read access to the years the pupil spent there.
    *_pupil("graduated to the junior high", "graduate", **SAKURA_SCHOOL),
    *_pupil("left this year", "left_pupil", **SAKURA_SCHOOL),
    # Class rosters.
    Case(
        "students:homeroom_roster",
        "own class",
        expect(404, teacher=200, **SAKURA_SCHOOL, **NO_ROSTER_RULE),
        lambda p: {"homeroom_uuid": p.homeroom.uuid},
    ),
    Case(
        "students:homeroom_roster",
        "another class",
        expect(404, **SAKURA_SCHOOL, **NO_ROSTER_RULE),
        lambda p: {"homeroom_uuid": p.other_homeroom.uuid},
    ),
    Case(
        "students:homeroom_roster",
        "teacher's class last year",
        expect(404, **SAKURA_SCHOOL, **NO_ROSTER_RULE),
        lambda p: {"homeroom_uuid": p.teachers_last_year_homeroom.uuid},
    ),
    Case(
        "students:homeroom_roster",
        "class taught maths",
        expect(404, subject_teacher=200, **NO_ROSTER_RULE),
        lambda p: {"homeroom_uuid": p.maths_homeroom.uuid},
    ),
    Case(
        "students:homeroom_roster",
        "another school",
        expect(404, outsider=200, **NO_ROSTER_RULE),
        lambda p: {"homeroom_uuid": p.outsider_homeroom.uuid},
    ),
    # School rosters: only the school's principal, nurse and office.
    Case(
        "students:school_roster",
        "own school",
        expect(403, **SAKURA_SCHOOL),
        lambda p: {"school_uuid": p.school.uuid},
    ),
    Case(
        "students:school_roster",
        "another school",
        expect(403, principal=404, nurse=404, office=404),
        lambda p: {"school_uuid": p.other_school.uuid},
    ),
    # allauth: login, logout, password and e-mail pages.
    Case("account_login", "any", expect(REDIRECT, anonymous=200)),
    Case("account_logout", "any", expect(200)),
    Case("account_signup", "closed", expect(REDIRECT, anonymous=200)),
    Case("account_inactive", "any", OPEN),
    Case("account_reauthenticate", "any", SIGNED_IN),
    Case("account_email", "any", SIGNED_IN),
    Case("account_email_verification_sent", "any", OPEN),
    Case("account_confirm_email", "bad key", OPEN, lambda p: {"key": "no-such-key"}),
    Case("account_change_password", "any", SIGNED_IN),
    Case("account_set_password", "has one", expect(REDIRECT)),
    Case("account_reset_password", "any", OPEN),
    Case("account_reset_password_done", "any", OPEN),
    Case("account_reset_password_from_key", "bad key", OPEN, lambda p: {"uidb36": "zz", "key": "bad"}),
    Case("account_reset_password_from_key_done", "any", OPEN),
    Case("account_confirm_login_code", "no code pending", expect(REDIRECT)),
    # allauth MFA: staff have a TOTP app; pupils and guardians have no second factor.
    Case("mfa_index", "any", SIGNED_IN),
    Case("mfa_authenticate", "not pending", expect(REDIRECT)),
    Case("mfa_reauthenticate", "any", expect(200, guardian=REDIRECT, student=REDIRECT)),
    Case("mfa_activate_totp", "already active", expect(REDIRECT)),
    Case("mfa_deactivate_totp", "needs reauthentication", expect(REDIRECT, guardian=404, student=404)),
    Case("mfa_view_recovery_codes", "none generated", expect(404)),
    Case("mfa_download_recovery_codes", "none generated", expect(404)),
    Case("mfa_generate_recovery_codes", "needs reauthentication", expect(REDIRECT)),
    Case("mfa_list_webauthn", "any", SIGNED_IN),
    Case("mfa_add_webauthn", "needs a TOTP-less start", expect(REDIRECT)),
    Case("mfa_reauthenticate_webauthn", "any", expect(REDIRECT)),
    Case("mfa_edit_webauthn", "no such key", expect(REDIRECT), lambda p: {"pk": 999999}),
    Case("mfa_remove_webauthn", "no such key", expect(REDIRECT), lambda p: {"pk": 999999}),
    Case("mfa_login_webauthn", "any", expect(REDIRECT)),
]

__all__ = ["CASES"]
