"""Which of our subjects (``org.Subject`` codes) a learning statement or a test-result row is about.

Sources, first match wins (docs/decisions/0017-learning-summaries.md has the table):

1. the Japan xAPI profile's ``…/extensions/subject`` (in ``context.extensions`` or the object's
   ``definition.extensions``): one of our codes (``MA``, ``JMA``), a Japanese subject name (``算数``,
   ``数学``, ``英語`` …) or an English key (``math``, ``japanese``, ``english`` …);
2. the ``…/extensions/course-of-study-code`` (学習指導要領コード, 16 digits): its 2nd digit is the
   school type and its 3rd–4th digits the 教科 (:data:`COURSE_OF_STUDY_SUBJECTS`, overridable with the
   setting ``TSUNAGU_COURSE_OF_STUDY_SUBJECTS``).

A name or key means one subject at both stages (算数 at an elementary school is 数学 at a junior high),
so the stage is taken from the ``grade`` extension (``P4``, ``J2``, ``小4``, ``中2``), else from the
course-of-study code's school type, else from the pupil's current enrolment (looked up by the caller).
"""

from __future__ import annotations

import unicodedata
from typing import Any

from django.conf import settings

EXT = "https://w3id.org/japan-xapi/extensions/"
SUBJECT_EXT = EXT + "subject"
GRADE_EXT = EXT + "grade"
COS_EXT = EXT + "course-of-study-code"
UNIT_EXT = EXT + "unit"

#: (elementary code, junior-high code) per subject name or key; None where the stage has no such subject.
_BY_NAME: dict[str, tuple[str | None, str | None]] = {}
for _names, _codes in [
    (("国語", "japanese", "kokugo", "jpn"), ("JA", "JJA")),
    (("社会", "social", "socialstudies", "social_studies", "social-studies", "shakai"), ("SS", "JSS")),
    (("算数", "数学", "math", "maths", "mathematics", "arithmetic", "sansu", "sugaku"), ("MA", "JMA")),
    (("理科", "science", "rika"), ("SC", "JSC")),
    (("生活", "life", "lifeenvironmentalstudies", "seikatsu"), ("LI", None)),
    (("音楽", "music", "ongaku"), ("MU", "JMU")),
    (("図画工作", "図工", "美術", "art", "arts", "artsandcrafts", "finearts"), ("AR", "JAR")),
    (("家庭", "homeeconomics", "katei"), ("HE", None)),
    (("技術・家庭", "技術家庭", "技家", "technologyandhomeeconomics"), (None, "JTH")),
    (("体育", "保健体育", "pe", "physicaleducation", "healthandphysicaleducation"), ("PE", "JPE")),
    (("外国語", "英語", "english", "foreignlanguage", "eigo"), ("FL", "JFL")),
    (("外国語活動", "foreignlanguageactivities"), ("FA", None)),
    (("道徳", "特別の教科道徳", "moral", "moraleducation"), ("MO", "JMO")),
    (("総合的な学習の時間", "総合", "integratedstudies", "periodforintegratedstudies"), ("IS", "JIS")),
    (("特別活動", "specialactivities"), ("SA", "JSA")),
]:
    for _name in _names:
        _BY_NAME[_name] = _codes

#: Our codes, accepted as they are (``MA`` is always elementary 算数, ``JMA`` junior-high 数学).
OUR_CODES = {
    "JA", "SS", "MA", "SC", "LI", "MU", "AR", "HE", "PE", "FL", "MO", "FA", "IS", "SA",
    "JJA", "JSS", "JMA", "JSC", "JMU", "JAR", "JPE", "JTH", "JFL", "JMO", "JIS", "JSA",
}  # fmt: skip

#: 学習指導要領コード: (2nd digit = school type, 3rd–4th digits = 教科) → our code. The school types
#: are 2 = 小学校 and 3 = 中学校; the 教科 digits follow the order of the 学習指導要領's chapters.
#: This table is our reading of MEXT's 教育データ標準 and is to be checked against its published code
#: list before production use (decision 0017); a board may replace it with the setting.
COURSE_OF_STUDY_SUBJECTS: dict[tuple[str, str], str] = {
    ("2", "01"): "JA",
    ("2", "02"): "SS",
    ("2", "03"): "MA",
    ("2", "04"): "SC",
    ("2", "05"): "LI",
    ("2", "06"): "MU",
    ("2", "07"): "AR",
    ("2", "08"): "HE",
    ("2", "09"): "PE",
    ("2", "10"): "FL",
    ("3", "01"): "JJA",
    ("3", "02"): "JSS",
    ("3", "03"): "JMA",
    ("3", "04"): "JSC",
    ("3", "05"): "JMU",
    ("3", "06"): "JAR",
    ("3", "07"): "JPE",
    ("3", "08"): "JTH",
    ("3", "09"): "JFL",
}
_STAGE_OF_SCHOOL_TYPE = {"2": "P", "3": "J"}


def _key(text: str) -> str:
    """Width, case and spacing folded: ``ＭＡＴＨ``, ``Math `` and ``math`` are one key."""
    folded = unicodedata.normalize("NFKC", text).strip().lower()
    return "".join(folded.split())


def stage_of_grade(value: Any) -> str | None:
    """``P``/``J`` from a grade value: ``P4``, ``J2``, ``小4``, ``中学2年`` …; None when unreadable."""
    if not isinstance(value, str):
        return None
    text = unicodedata.normalize("NFKC", value).strip().upper()
    if text[:1] in ("P", "小"):
        return "P"
    if text[:1] in ("J", "中"):
        return "J"
    return None


def _course_of_study(code: Any) -> tuple[str | None, str | None]:
    """(our subject code, stage) from a 学習指導要領コード; (None, None) when it is not one."""
    if not isinstance(code, str):
        return None, None
    digits = unicodedata.normalize("NFKC", code).strip()
    if len(digits) != 16 or not digits.isalnum():
        return None, None
    table = getattr(settings, "TSUNAGU_COURSE_OF_STUDY_SUBJECTS", COURSE_OF_STUDY_SUBJECTS)
    return table.get((digits[1], digits[2:4])), _STAGE_OF_SCHOOL_TYPE.get(digits[1])


def subject_code(value: str, stage: str | None) -> str | None:
    """Our subject code for a subject name, key or code at ``stage`` (``P``/``J``); None when unknown or
    when the stage is needed but not known."""
    raw = unicodedata.normalize("NFKC", value).strip()
    if raw in OUR_CODES:  # case-sensitive: ``pe`` is the key of 体育 at either stage, ``PE`` our code
        return raw
    codes = _BY_NAME.get(_key(raw))
    if codes is None:
        return None
    if stage == "P":
        return codes[0]
    if stage == "J":
        return codes[1]
    return None


def resolve(extensions: list[dict[str, Any]]) -> tuple[str | None, str | None, bool]:
    """(subject code, stage, needs_stage) from the extension maps of a statement.

    ``needs_stage`` is True when a subject name was found but no grade or code said the stage: the
    caller then asks the pupil's enrolment and calls :func:`subject_code` again.
    """
    subject: Any = None
    grade: Any = None
    cos: Any = None
    for ext in extensions:
        subject = subject if subject is not None else ext.get(SUBJECT_EXT)
        grade = grade if grade is not None else ext.get(GRADE_EXT)
        cos = cos if cos is not None else ext.get(COS_EXT)
    stage = stage_of_grade(grade)
    parsed: tuple[str | None, str | None] | None = None  # the code read only when needed (ingest cost)
    if isinstance(subject, str) and subject.strip():
        if stage is None and cos is not None:
            parsed = _course_of_study(cos)
            stage = parsed[1]
        code = subject_code(subject, stage)
        if code is not None:
            return code, stage, False
        if stage is None and _BY_NAME.get(_key(subject)) is not None:
            return None, None, True
    if cos is None:
        return None, stage, False
    cos_subject, cos_stage = parsed or _course_of_study(cos)
    if cos_subject is not None:
        return cos_subject, stage or cos_stage, False
    return None, stage or cos_stage, False
