"""Demo data of grades: evaluation plans with units, criteria and assessments for every rated subject
taught to each grade (規則 別表: 国語 … 外国語) in every term begun so far, and scores with a realistic
spread for every pupil. 国語・算数/数学・社会・理科・外国語 have five assessments; the practical subjects
(音楽, 図画工作/美術, 体育/保健体育, 家庭/技術・家庭, 生活) two, as they are assessed mostly by observation.

Each pupil has an ability per subject (mean 72%, sd 13%); each score varies around it; about 2% of
cells are 欠. In every class one or two pupils' results fall in the current term (ability −25 points),
so their 観点 drop to C in the grid and the class list. In the current term only the assessments dated
up to today are scored; later ones are planned and empty. The teacher of さくら小 4年1組 has set one
pupil's 主体的 by hand, with a reason, so an override shows in the demo.
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

from tsunagu.demo.steps import DemoContext, demo_step
from tsunagu.grades.models import (
    Assessment,
    AssessmentKind,
    AssessmentPart,
    EvaluationCriterion,
    EvaluationPlan,
    GradingRule,
    Score,
    Unit,
    Viewpoint,
    ViewpointGrade,
)
from tsunagu.org.models import Term
from tsunagu.students.models import Enrolment

BATCH = 2000
UNITS = {
    "JA": ["物語を読もう", "説明文を読もう"],
    "SS": ["わたしたちのまち", "くらしを支える仕事"],
    "MA": ["計算のしかた", "図形"],
    "SC": ["天気と気温", "電気のはたらき"],
    "LI": ["がっこうたんけん", "いきものとなかよし"],
    "MU": ["リズムにのって", "合奏しよう"],
    "AR": ["絵に表そう", "立体に表そう"],
    "HE": ["家庭生活と仕事", "食べて元気に"],
    "PE": ["マット運動", "ハードル走"],
    "FL": ["What do you want?", "My Best Memory"],
    "JJA": ["文学的な文章を読む", "意見文を書く"],
    "JSS": ["世界の地域構成", "日本の歴史のあらまし"],
    "JMA": ["式の計算", "一次関数"],
    "JSC": ["化学変化と原子・分子", "電流とその利用"],
    "JMU": ["歌唱", "器楽"],
    "JAR": ["デザイン", "鑑賞"],
    "JPE": ["陸上競技", "保健：心身の機能の発達"],
    "JTH": ["材料と加工の技術", "食生活と自立"],
    "JFL": ["過去形を使って話そう", "比較の表現"],
}
#: Subjects with the five assessments below; the others have ``PRACTICAL_ASSESSMENTS``.
CORE = {"JA", "SS", "MA", "SC", "FL", "JJA", "JSS", "JMA", "JSC", "JFL"}
CRITERIA = {
    Viewpoint.KNOWLEDGE: "基本的な事項を理解し、正しく使うことができる。",
    Viewpoint.THINKING: "根拠を明らかにして考え、自分の言葉で表現している。",
    Viewpoint.ATTITUDE: "粘り強く取り組み、学習を振り返って次に生かそうとしている。",
}
#: (name, kind, {viewpoint: max points}, day offset into the term)
ASSESSMENTS: list[tuple[str, str, dict[str, int], int]] = [
    ("単元テスト1", AssessmentKind.TEST, {Viewpoint.KNOWLEDGE: 50, Viewpoint.THINKING: 50}, 30),
    ("ワークシート", AssessmentKind.TASK, {Viewpoint.THINKING: 10, Viewpoint.ATTITUDE: 10}, 40),
    ("単元テスト2", AssessmentKind.TEST, {Viewpoint.KNOWLEDGE: 60, Viewpoint.THINKING: 40}, 60),
    ("振り返りカード", AssessmentKind.OBSERVATION, {Viewpoint.ATTITUDE: 5}, 70),
    ("期末テスト", AssessmentKind.TEST, {Viewpoint.KNOWLEDGE: 50, Viewpoint.THINKING: 50}, 95),
]
PRACTICAL_ASSESSMENTS: list[tuple[str, str, dict[str, int], int]] = [
    ("実技", AssessmentKind.PERFORMANCE, {Viewpoint.KNOWLEDGE: 10, Viewpoint.THINKING: 10}, 45),
    ("学習カード", AssessmentKind.OBSERVATION, {Viewpoint.THINKING: 5, Viewpoint.ATTITUDE: 5}, 75),
]


def _assessments_of(code: str) -> list[tuple[str, str, dict[str, int], int]]:
    return ASSESSMENTS if code in CORE else PRACTICAL_ASSESSMENTS


@demo_step(order=70)
def grades(ctx: DemoContext) -> None:
    """Plans, assessments and scores of the terms begun so far (see the module docstring)."""
    rng = ctx.rng
    GradingRule.objects.bulk_create([GradingRule(school=s) for s in ctx.schools.values()])
    schools = ctx.detailed_schools()
    terms = list(
        Term.objects.filter(
            school__in=schools, school_year=ctx.school_year, start_date__lte=ctx.today
        ).order_by("school_id", "number")
    )
    current = {t.school_id: t for t in terms if t.start_date <= ctx.today <= t.end_date}
    enrolments = list(
        Enrolment.objects.filter(school__in=schools, school_year=ctx.school_year, end_date__isnull=True)
        .select_related("grade_level")
        .order_by("school_id", "homeroom_id", "roll_number", "student_id")
    )
    pupils: dict[tuple[int, int], list[Any]] = {}
    for e in enrolments:
        pupils.setdefault((e.school_id, e.grade_level_id), []).append(e)
    # One or two pupils per class whose results fall this term.
    falling: set[int] = set()
    by_room: dict[int | None, list[Any]] = {}
    for e in enrolments:
        by_room.setdefault(e.homeroom_id, []).append(e)
    for room in by_room.values():
        for e in rng.sample(room, min(len(room), rng.choice([1, 2]))):
            falling.add(e.student_id)
    ability: dict[tuple[int, str], float] = {}

    codes = _subject_codes()
    ids = {code: pk for pk, code in codes.items()}
    plans: list[EvaluationPlan] = []
    grade_levels = {e.grade_level_id: e.grade_level for e in enrolments}
    for term in terms:
        for (school_id, grade_id), _rows in pupils.items():
            if school_id != term.school_id:
                continue
            for code in _taught(grade_levels[grade_id]):
                plans.append(
                    EvaluationPlan(
                        school_id=school_id,
                        school_year=ctx.school_year,
                        term=term,
                        subject_id=ids[code],
                        grade_level_id=grade_id,
                    )
                )
    EvaluationPlan.objects.bulk_create(plans, batch_size=BATCH)
    units, criteria, assessments = [], [], []
    for plan in plans:
        own = [
            Unit(plan=plan, order=i, title=t) for i, t in enumerate(UNITS[codes[plan.subject_id]], start=1)
        ]
        units += own
        for i, (name, kind, _parts, offset) in enumerate(_assessments_of(codes[plan.subject_id]), start=1):
            assessments.append(
                Assessment(
                    plan=plan,
                    unit=own[0] if i <= 2 else own[-1],
                    name=name,
                    kind=kind,
                    order=i,
                    date=plan.term.start_date + dt.timedelta(days=offset),
                )
            )
    Unit.objects.bulk_create(units, batch_size=BATCH)
    for unit in units:
        for viewpoint, text in CRITERIA.items():
            criteria.append(EvaluationCriterion(unit=unit, viewpoint=viewpoint, text=text))
    EvaluationCriterion.objects.bulk_create(criteria, batch_size=BATCH)
    Assessment.objects.bulk_create(assessments, batch_size=BATCH)
    parts = []
    for a in assessments:
        code = codes[a.plan.subject_id]
        for vp, max_points in _assessments_of(code)[a.order - 1][2].items():
            parts.append(AssessmentPart(assessment=a, viewpoint=vp, max_points=Decimal(max_points)))
    AssessmentPart.objects.bulk_create(parts, batch_size=BATCH)

    plan_of = {p.pk: p for p in plans}
    scores: list[tuple[int, int, int | None, bool]] = []
    for part in parts:
        assessment = part.assessment
        plan = plan_of[assessment.plan_id]
        if assessment.date is None or assessment.date > ctx.today:
            continue
        this_term = current.get(plan.school_id) == plan.term
        for e in pupils.get((plan.school_id, plan.grade_level_id), []):
            key = (e.student_id, codes[plan.subject_id])
            if key not in ability:
                ability[key] = min(0.98, max(0.2, rng.gauss(0.72, 0.13)))
            level = ability[key] - (0.28 if this_term and e.student_id in falling else 0)
            if rng.random() < 0.02:
                scores.append((e.student_id, part.pk, None, True))
                continue
            share = min(1.0, max(0.0, rng.gauss(level, 0.08)))
            scores.append((e.student_id, part.pk, round(share * int(part.max_points)), False))
    _insert_scores(rng, scores)
    _cast_override(ctx, plans, codes)


def _insert_scores(rng: Any, rows: list[tuple[int, int, int | None, bool]]) -> None:
    """Write the scores (pupil, part, points, absent) with one prepared INSERT per batch.

    The grid's cells are most of the demo's rows; building a model instance per cell and letting
    ``bulk_create`` prepare every value cost four times the insert itself. The columns are the model's
    own (its field names, and ``get_db_prep_value`` for the UUID and the times); a new required
    column of ``Score`` makes this INSERT fail loudly, never write half a row."""
    from django.db import connection
    from django.utils import timezone

    fields = {f.name: f for f in Score._meta.concrete_fields}
    now = fields["created_at"].get_db_prep_value(timezone.now(), connection)
    to_uuid = fields["uuid"].get_db_prep_value
    names = ["uuid", "created_at", "updated_at", "student", "part", "points", "absent", "version"]
    quote = connection.ops.quote_name
    # Identifiers come from the model's own meta data, quoted; values go as parameters.
    sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608
        quote(Score._meta.db_table),
        ", ".join(quote(str(fields[n].column)) for n in names),
        ", ".join(["%s"] * len(names)),
    )
    values = [
        (
            to_uuid(uuid.UUID(int=rng.getrandbits(128), version=4), connection),
            now,
            now,
            student_id,
            part_id,
            points,
            absent,
            1,
        )
        for student_id, part_id, points, absent in rows
    ]
    with connection.cursor() as cursor:
        for start in range(0, len(values), BATCH):
            cursor.executemany(sql, values[start : start + BATCH])


def _taught(grade: Any) -> list[str]:
    """The rated subjects taught to a grade (規則 別表, as the ward's teaching groups are made)."""
    from tsunagu.org.reference import ELEMENTARY_SUBJECTS, JUNIOR_HIGH_SUBJECTS

    codes = ELEMENTARY_SUBJECTS[grade.number] if grade.stage == "P" else JUNIOR_HIGH_SUBJECTS
    return [c for c in codes if c in UNITS]


def _subject_codes() -> dict[int, str]:
    from tsunagu.org.models import Subject

    return {pk: code for code, pk in Subject.objects.values_list("code", "pk")}


def _cast_override(ctx: DemoContext, plans: list[EvaluationPlan], codes: dict[int, str]) -> None:
    """The cast teacher has set one pupil's 主体的 in 国語 (term 1) by hand."""
    from tsunagu.accounts.models import User
    from tsunagu.org.models import Homeroom

    sakura = ctx.schools.get("sakura")
    if sakura is None:
        return
    room = Homeroom.objects.filter(
        school=sakura, school_year=ctx.school_year, grade_level__code="P4", name="1組"
    ).first()
    plan = next(
        (
            p
            for p in plans
            if p.school_id == sakura.pk
            and codes[p.subject_id] == "JA"
            and p.term.number == 1
            and room is not None
            and p.grade_level_id == room.grade_level_id
        ),
        None,
    )
    teacher = User.objects.filter(username="teacher").first()
    pupil = Enrolment.objects.filter(homeroom=room, end_date__isnull=True).order_by("roll_number").last()
    if plan is None or pupil is None:
        return
    ViewpointGrade.objects.create(
        student_id=pupil.student_id,
        plan=plan,
        viewpoint=Viewpoint.ATTITUDE,
        value="A",
        reason="発表や振り返りでの粘り強い取り組みを授業観察で確認したため",
        set_by=teacher,
    )


# --- texts (所見, 道徳, 外国語活動, 総合), ○ marks and the phrase bank --------------------------------------

LEARNING_P = [
    "算数の学習では、図や式を使って自分の考えを分かりやすく説明することができました。",
    "国語の物語の学習では、登場人物の気持ちを叙述をもとに想像し、進んで発表しました。",
    "理科の観察では、気付いたことを丁寧に記録し、友達と比べながら考えを深めました。",
    "漢字の練習に毎日こつこつと取り組み、確実に力を付けています。",
    "社会科の見学では、働く人の工夫に気付き、分かりやすく新聞にまとめました。",
    "体育のマット運動では、友達にこつを教えながら練習し、新しい技を身に付けました。",
    "音楽の合奏では、友達の音をよく聞いてリズムを合わせ、美しい演奏を目指しました。",
]
LEARNING_J = [
    "数学では、一次関数の考え方を身の回りの事象に当てはめ、根拠を示して説明することができました。",
    "英語では、ペアでのやり取りに積極的に取り組み、自分の考えを伝える表現が豊かになりました。",
    "理科の実験では、仮説を立てて結果を考察し、レポートに的確にまとめました。",
    "国語では、意見文の構成を工夫し、説得力のある文章を書き上げました。",
    "社会科では、資料を比べて読み取り、自分の考えを筋道立てて発表しました。",
]
LIFE_P = [
    "係活動では、学級のみんなが気持ちよく過ごせるよう進んで仕事に取り組みました。",
    "困っている友達に優しく声をかける姿が見られ、学級の温かい雰囲気づくりに貢献しました。",
    "運動会では応援団として大きな声で学年をまとめ、責任感の強さを発揮しました。",
    "当番の仕事を最後まで丁寧にやり遂げ、友達からの信頼も厚いです。",
    "休み時間には誰とでも仲よく遊び、明るい笑顔で学級を和ませています。",
]
LIFE_J = [
    "委員会活動では、全校への呼びかけを工夫し、責任をもって活動をやり遂げました。",
    "部活動と学習を両立させ、計画的に生活しようとする姿勢が見られます。",
    "合唱コンクールではパートリーダーとして練習を引っ張り、学級の団結に貢献しました。",
    "班活動では、周りの意見をよく聞いて話合いをまとめる役割を果たしました。",
]
SUPPORT = "学習では、分からないところをそのままにせず質問できるよう、引き続き支えていきます。"
CLOSING = ["今後も自信をもって取り組めるよう励ましていきます。", "これからの成長が楽しみです。", ""]
MORAL = [
    "「思いやり」について考える学習では、相手の立場に立って考えることの大切さに気付きました。",
    "友達の意見を聞いて、自分の考えを広げたり深めたりすることができました。",
    "「きまりの大切さ」について、身近な生活の例を挙げながら考えを深めていました。",
    "「生命の尊さ」について、家族とのかかわりを思い出しながら考え、感じたことを発表しました。",
]
FOREIGN_LANGUAGE = [
    "ALTとのやり取りで、好きな食べ物について進んで尋ねたり答えたりしていました。",
    "英語の歌やチャンツに楽しく取り組み、数や色の言い方に慣れ親しみました。",
    "友達とあいさつを交わし、相手の目を見て伝えようとする姿が見られました。",
]
INTEGRATED = [
    (
        "地域の川の環境を調べよう",
        "課題を設定する力、情報を整理・分析する力",
        "川の水質を調べ、グループで結果を比べて分かりやすく模造紙にまとめました。",
    ),
    (
        "わたしたちのまちの昔と今",
        "情報を収集する力、まとめ・表現する力",
        "地域の方へのインタビューを通して、まちの変化に気付き、自分の言葉で発表しました。",
    ),
    (
        "福祉について考えよう",
        "協働して取り組む態度、自己の生き方を考える力",
        "高齢者施設との交流を計画し、相手を思いやった関わり方を考えて実行しました。",
    ),
]
PHRASES: list[tuple[str, str, str]] = [
    *[("general", "学習", t) for t in LEARNING_P[:5]],
    *[("general", "生活", t) for t in LIFE_P[:4]],
    ("general", "まとめ", "今後も自信をもって取り組めるよう励ましていきます。"),
    ("general", "支援", SUPPORT),
    *[("moral", "", t) for t in MORAL],
    *[("foreign_language", "", t) for t in FOREIGN_LANGUAGE],
    *[("integrated_evaluation", "", t[2]) for t in INTEGRATED],
]


def _remark_text(rng: Any, junior_high: bool, falling: bool, yearly: bool) -> str:
    """A 所見 of two or three sentences (within the default limits: 200 a term, 300 a year)."""
    learning = rng.sample(LEARNING_J if junior_high else LEARNING_P, 2 if yearly else 1)
    life = rng.choice(LIFE_J if junior_high else LIFE_P)
    parts = [*learning, life, SUPPORT if falling else rng.choice(CLOSING)]
    return "".join(parts)


def _text(
    rng: Any, kind: str, *, junior: bool, falling: bool, yearly: bool, chosen: tuple[str, str, str]
) -> str:
    """One text of a kind for a pupil (``chosen``: the pupil's 総合 theme, viewpoints, evaluation)."""
    if kind == "general":
        return _remark_text(rng, junior, falling, yearly)
    if kind == "moral":
        return str(rng.choice(MORAL))
    if kind == "foreign_language":
        return str(rng.choice(FOREIGN_LANGUAGE))
    return {"integrated_activity": chosen[0], "integrated_viewpoint": chosen[1]}.get(kind, chosen[2])


@demo_step(order=71)
def narratives(ctx: DemoContext) -> None:
    """The texts of the terms that have ended (所見, 道徳, 外国語活動, 総合) and last year's texts for the
    指導要録 for every pupil, ○ marks for those terms, and each school's phrase bank. The current
    term's texts are left to the teachers (the demo's work in progress)."""
    from tsunagu.accounts.models import User
    from tsunagu.grades.models import (
        BehaviourItem,
        BehaviourRecord,
        Phrase,
        Remark,
        RemarkKind,
        SpecialActivitiesRecord,
        SpecialActivity,
    )
    from tsunagu.grades.selectors import remark_kinds_for

    rng = ctx.rng
    schools = ctx.detailed_schools()
    author = User.objects.filter(username="teacher").first()
    Phrase.objects.bulk_create(
        [
            Phrase(school=s, kind=kind, topic=topic, text=text, created_by=author)
            for s in ctx.schools.values()
            for kind, topic, text in PHRASES
        ],
        batch_size=BATCH,
    )
    years = [y for y in (ctx.previous_year, ctx.school_year) if y is not None]
    ended = list(
        Term.objects.filter(school__in=schools, school_year__in=years, end_date__lt=ctx.today).order_by(
            "school_id", "school_year_id", "number"
        )
    )
    terms_of: dict[tuple[int, int], list[Term]] = {}
    for t in ended:
        terms_of.setdefault((t.school_id, t.school_year_id), []).append(t)
    enrolments = list(
        Enrolment.objects.filter(school__in=schools, school_year__in=years, homeroom__isnull=False)
        .select_related("grade_level")
        .order_by("student_id", "start_date")
    )
    remarks: list[Any] = []
    behaviour: list[Any] = []
    activities: list[Any] = []
    kinds = {str(k) for k in RemarkKind.values}
    items = list(BehaviourItem.values)
    seen: set[tuple[int, int]] = set()
    for e in enrolments:
        key = (e.student_id, e.school_year_id)
        if key in seen:
            continue  # one enrolment per pupil and year is enough for texts
        seen.add(key)
        junior = e.grade_level.stage == "J"
        own_kinds = [k for k in remark_kinds_for(e.grade_level.code) if k in kinds]
        ability = rng.random()
        chosen = INTEGRATED[e.student_id % len(INTEGRATED)]
        school_terms = terms_of.get((e.school_id, e.school_year_id), [])
        for term in school_terms:
            for kind in own_kinds:
                text = _text(rng, kind, junior=junior, falling=ability < 0.08, yearly=False, chosen=chosen)
                remarks.append(
                    Remark(
                        student_id=e.student_id,
                        school_id=e.school_id,
                        school_year_id=e.school_year_id,
                        term=term,
                        kind=kind,
                        text=text,
                        updated_by=author,
                    )
                )
            marked = [i for i in items if rng.random() < 0.3 + 0.4 * ability]
            behaviour.append(BehaviourRecord(student_id=e.student_id, term=term, items=marked))
            allowed = [a for a in SpecialActivity.values if not junior or a != SpecialActivity.CLUB]
            activities.append(
                SpecialActivitiesRecord(
                    student_id=e.student_id, term=term, items=[a for a in allowed if rng.random() < 0.35]
                )
            )
        if e.school_year_id == getattr(ctx.previous_year, "pk", None):
            # Last year's texts for the 指導要録 (the year is over).
            for kind in own_kinds:
                text = _text(rng, kind, junior=junior, falling=ability < 0.08, yearly=True, chosen=chosen)
                remarks.append(
                    Remark(
                        student_id=e.student_id,
                        school_id=e.school_id,
                        school_year_id=e.school_year_id,
                        term=None,
                        kind=kind,
                        text=text,
                        updated_by=author,
                    )
                )
    Remark.objects.bulk_create(remarks, batch_size=BATCH)
    BehaviourRecord.objects.bulk_create(behaviour, batch_size=BATCH)
    SpecialActivitiesRecord.objects.bulk_create(activities, batch_size=BATCH)
