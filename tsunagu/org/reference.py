"""Reference data every school of the ward shares: grade levels (MEXT codes) and subjects.

Written by a data migration and by the demo generator (``ensure_reference_data`` is idempotent), so a
database that was flushed by a transactional test can be refilled without migrating again.

Subject codes are our own short mnemonics, one per subject and stage (小 and 中 differ in hours,
evaluation and 評定 scale). Mapping them to the codes a standard asks for (OneRoster ``subjectCodes``,
学習指導要領コード) is done where that standard is written out, not by renaming them here.
"""

from __future__ import annotations

from typing import Any

#: (code, stage, number, order)
GRADE_LEVELS: list[tuple[str, str, int, int]] = [
    *[(f"P{n}", "P", n, n) for n in range(1, 7)],
    *[(f"J{n}", "J", n, 6 + n) for n in range(1, 4)],
]

#: (code, name, short name, stage, rated, order) — 規則 別表第一 / 第二, in the order of the forms.
SUBJECTS: list[tuple[str, str, str, str, bool, int]] = [
    ("JA", "国語", "国", "P", True, 1),
    ("SS", "社会", "社", "P", True, 2),
    ("MA", "算数", "算", "P", True, 3),
    ("SC", "理科", "理", "P", True, 4),
    ("LI", "生活", "生", "P", True, 5),
    ("MU", "音楽", "音", "P", True, 6),
    ("AR", "図画工作", "図", "P", True, 7),
    ("HE", "家庭", "家", "P", True, 8),
    ("PE", "体育", "体", "P", True, 9),
    ("FL", "外国語", "外", "P", True, 10),
    ("MO", "特別の教科 道徳", "道", "P", False, 11),
    ("FA", "外国語活動", "外活", "P", False, 12),
    ("IS", "総合的な学習の時間", "総", "P", False, 13),
    ("SA", "特別活動", "特活", "P", False, 14),
    ("JJA", "国語", "国", "J", True, 21),
    ("JSS", "社会", "社", "J", True, 22),
    ("JMA", "数学", "数", "J", True, 23),
    ("JSC", "理科", "理", "J", True, 24),
    ("JMU", "音楽", "音", "J", True, 25),
    ("JAR", "美術", "美", "J", True, 26),
    ("JPE", "保健体育", "保体", "J", True, 27),
    ("JTH", "技術・家庭", "技家", "J", True, 28),
    ("JFL", "外国語", "英", "J", True, 29),
    ("JMO", "特別の教科 道徳", "道", "J", False, 30),
    ("JIS", "総合的な学習の時間", "総", "J", False, 31),
    ("JSA", "特別活動", "特活", "J", False, 32),
]

#: Subjects taught per grade (規則 別表): elementary grades differ; junior high teaches all.
ELEMENTARY_SUBJECTS: dict[int, list[str]] = {
    1: ["JA", "MA", "LI", "MU", "AR", "PE", "MO", "SA"],
    2: ["JA", "MA", "LI", "MU", "AR", "PE", "MO", "SA"],
    3: ["JA", "SS", "MA", "SC", "MU", "AR", "PE", "MO", "FA", "IS", "SA"],
    4: ["JA", "SS", "MA", "SC", "MU", "AR", "PE", "MO", "FA", "IS", "SA"],
    5: ["JA", "SS", "MA", "SC", "MU", "AR", "HE", "PE", "FL", "MO", "IS", "SA"],
    6: ["JA", "SS", "MA", "SC", "MU", "AR", "HE", "PE", "FL", "MO", "IS", "SA"],
}
JUNIOR_HIGH_SUBJECTS: list[str] = [
    "JJA", "JSS", "JMA", "JSC", "JMU", "JAR", "JPE", "JTH", "JFL", "JMO", "JIS", "JSA",
]  # fmt: skip


def ensure_reference_data(grade_model: Any = None, subject_model: Any = None) -> None:
    """Create the grade levels and subjects that are missing (models may come from a migration's apps)."""
    if grade_model is None or subject_model is None:
        from tsunagu.org.models import GradeLevel, Subject

        grade_model, subject_model = GradeLevel, Subject
    existing = set(grade_model.objects.values_list("code", flat=True))
    grade_model.objects.bulk_create(
        grade_model(code=code, stage=stage, number=number, order=order)
        for code, stage, number, order in GRADE_LEVELS
        if code not in existing
    )
    existing = set(subject_model.objects.values_list("code", flat=True))
    subject_model.objects.bulk_create(
        subject_model(code=code, name=name, short_name=short, stage=stage, is_rated=rated, order=order)
        for code, name, short, stage, rated, order in SUBJECTS
        if code not in existing
    )
