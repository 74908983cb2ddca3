"""Access-matrix cases of the learning-summaries pages (see tsunagu/core/tests/access_matrix.py).

The class learning overview is for the class's homeroom teacher, the grade head and the principal of
the school; the school's list of classes for the principal (and grade heads); the test-result import
for office staff, the principal (and grade heads) of the school. Anyone of another school holding the
same rule gets 404, like a missing object; roles without a rule get 403.
"""

from __future__ import annotations

from tsunagu.core.tests.access_matrix import Case, expect

CASES: list[Case] = [
    Case(
        "learning_summaries:school_index",
        "own school",
        expect(403, principal=200),
        lambda p: {"school_uuid": p.school.uuid},
    ),
    Case(
        "learning_summaries:school_index",
        "another school",
        expect(403, principal=404),
        lambda p: {"school_uuid": p.other_school.uuid},
    ),
    *[
        Case(
            "learning_summaries:test_results_import",
            where,
            expect(403, principal=status, office=status),
            (lambda p: {"school_uuid": p.school.uuid})
            if where == "own school"
            else (lambda p: {"school_uuid": p.other_school.uuid}),
            method,
        )
        for where, status in (("own school", 200), ("another school", 404))
        for method in ("get", "post")
    ],
    Case(
        "learning_summaries:homeroom_overview",
        "own class",
        expect(403, teacher=200, principal=200, outsider=404),
        lambda p: {"homeroom_uuid": p.homeroom.uuid},
    ),
    Case(
        "learning_summaries:homeroom_overview",
        "another class of the school",
        expect(403, teacher=404, principal=200, outsider=404),
        lambda p: {"homeroom_uuid": p.other_homeroom.uuid},
    ),
    Case(
        "learning_summaries:homeroom_overview",
        "another school",
        expect(403, teacher=404, principal=404, outsider=200),
        lambda p: {"homeroom_uuid": p.outsider_homeroom.uuid},
    ),
    Case(
        "learning_summaries:homeroom_overview",
        "the teacher's class last year",
        expect(403, teacher=404, principal=200, outsider=404),
        lambda p: {"homeroom_uuid": p.teachers_last_year_homeroom.uuid},
    ),
]
