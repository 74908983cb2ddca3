"""The deterministic generator of the fictional demo ward, すずかけ区 (it does not exist).

``seed_ward(scale, seed)`` writes a board, its schools with calendars and terms, homerooms for this
year and last, subjects' teaching groups, staff with their teaching and role assignments, pupils with
their enrolment history (入学, 進級, 卒業 to the junior high, 転入学, 転学), guardians shared by
siblings, and the named cast of :mod:`tsunagu.demo.cast`. Then every app's registered demo steps run.

Rows are written in bulk (the ``city`` scale has ~50,000 pupils); model ``save()`` logic the bulk
path skips — the search key — is computed here. The same seed and date give the same ward.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from tsunagu.accounts.models import Role, RoleAssignment, User
from tsunagu.core.scope import system_scope
from tsunagu.core.text import normalize_for_search
from tsunagu.core.wareki import school_year_bounds, school_year_of
from tsunagu.demo import names
from tsunagu.demo.cast import CAST_BY_USERNAME, DEMO_PASSWORD, totp_secret_for
from tsunagu.demo.steps import DemoContext, registered_steps
from tsunagu.org.models import (
    AssignmentKind,
    Board,
    GradeLevel,
    Homeroom,
    JobTitle,
    Municipality,
    School,
    SchoolDay,
    SchoolKind,
    SchoolYear,
    StaffMember,
    Subject,
    TeachingAssignment,
    TeachingGroup,
    TeachingGroupKind,
    Term,
    TermSystem,
)
from tsunagu.org.reference import ELEMENTARY_SUBJECTS, JUNIOR_HIGH_SUBJECTS, ensure_reference_data
from tsunagu.org.services import calendar_days, role_assignment_for
from tsunagu.students.models import (
    Enrolment,
    EnrolmentEvent,
    EventKind,
    Guardian,
    GuardianLink,
    Relationship,
    Sex,
    Student,
    TeachingGroupMembership,
)

MUNICIPALITY_NAME = "すずかけ区"
MUNICIPALITY_CODE = "139998"  # not a real local-government code (Tokyo's wards are 131016–131237)
BATCH = 2000


@dataclass(frozen=True)
class Scale:
    """How big a ward to build."""

    elementary: int
    junior_high: int
    classes_elementary: int
    classes_junior_high: int
    pupils_per_class: int
    #: The first elementary school (さくら小) can be larger, for the 1,000-pupil roster benchmark.
    first_school_classes: int | None = None


SCALES: dict[str, Scale] = {
    "tiny": Scale(2, 1, 2, 2, 9),
    "small": Scale(2, 1, 2, 4, 29),
    "city": Scale(60, 30, 3, 6, 31, first_school_classes=6),
}


@dataclass
class WardSummary:
    """What was seeded: returned by ``seed_ward`` and by the ``ward`` test fixture."""

    scale: str
    seed: int
    today: dt.date
    board: Board
    school_year: SchoolYear
    previous_year: SchoolYear
    schools: dict[str, School]
    counts: dict[str, int] = field(default_factory=dict)
    #: Wall seconds of the ward itself (``"ward"``) and of each app's demo step, by step name: the
    #: ``seed_city`` benchmark reports them so a slow step is found without a profiler.
    step_seconds: dict[str, float] = field(default_factory=dict)


@dataclass
class _Family:
    family_name: tuple[str, str]
    town: tuple[str, str]
    address: str
    guardians: list[Guardian]
    grades: set[int] = field(default_factory=set)


class _Builder:
    """One run of the generator. Keeps the rows it creates so later stages can link to them."""

    def __init__(self, scale_name: str, seed: int, today: dt.date) -> None:
        self.scale_name = scale_name
        self.scale = SCALES[scale_name]
        self.seed = seed
        self.rng = random.Random(seed)
        self.today = today
        self.grades = {g.code: g for g in GradeLevel.objects.all()}
        self.subjects = {s.code: s for s in Subject.objects.all()}
        self.password_hash = make_password(DEMO_PASSWORD)
        self.staff_users: list[User] = []
        self.counts: dict[str, int] = defaultdict(int)

    # -- organisation ---------------------------------------------------------------------------

    def school_years(self) -> None:
        year = school_year_of(self.today)
        self.years = []
        for y in (year - 1, year):
            start, end = school_year_bounds(y)
            obj, _ = SchoolYear.objects.get_or_create(year=y, defaults={"start_date": start, "end_date": end})
            self.years.append(obj)
        self.previous_year, self.year = self.years

    def board_and_schools(self) -> None:
        muni = Municipality.objects.create(
            name=MUNICIPALITY_NAME, code=MUNICIPALITY_CODE, prefecture="東京都"
        )
        self.board = Board.objects.create(
            municipality=muni, name=f"{MUNICIPALITY_NAME}教育委員会", code="139998"
        )
        stems_e = [
            "さくら",
            "かえで",
            *[s for s in names.SCHOOL_STEMS if s not in ("さくら", "かえで", "みどり")],
        ]
        stems_j = [
            "みどり",
            *[s for s in reversed(names.SCHOOL_STEMS) if s not in ("さくら", "かえで", "みどり")],
        ]
        rows: list[tuple[str, School]] = []
        for i in range(self.scale.elementary):
            key = ["sakura", "kaede"][i] if i < 2 else f"e{i + 1:03d}"
            rows.append((key, self._school(i + 1, stems_e[i], SchoolKind.ELEMENTARY, term_3=(i != 1))))
        for i in range(self.scale.junior_high):
            key = "midori" if i == 0 else f"j{i + 1:03d}"
            rows.append((key, self._school(500 + i + 1, stems_j[i], SchoolKind.JUNIOR_HIGH, term_3=True)))
        School.objects.bulk_create([s for _, s in rows])
        self.schools = dict(rows)
        self.counts["schools"] = len(rows)

    def _school(self, number: int, stem: str, kind: str, *, term_3: bool) -> School:
        suffix = "小学校" if kind == SchoolKind.ELEMENTARY else "中学校"
        town, postal = names.TOWNS[number % len(names.TOWNS)]
        return School(
            board=self.board,
            mext_code=f"{kind}131{number:07d}{number % 10}",
            name=f"{MUNICIPALITY_NAME}立{stem}{suffix}",
            name_kana="",
            kind=kind,
            postal_code=postal,
            address=f"東京都{MUNICIPALITY_NAME}{town}{number % 5 + 1}丁目{number % 20 + 1}番1号",
            phone=f"03-5999-{number:04d}",
            term_system=TermSystem.THREE if term_3 else TermSystem.TWO,
        )

    def calendars_and_terms(self) -> None:
        terms, days = [], []
        for school in self.schools.values():
            for year in self.years:
                y = year.start_date.year
                if school.term_system == TermSystem.THREE:
                    spans = [
                        ("1学期", dt.date(y, 4, 1), dt.date(y, 8, 31)),
                        ("2学期", dt.date(y, 9, 1), dt.date(y, 12, 31)),
                        ("3学期", dt.date(y + 1, 1, 1), dt.date(y + 1, 3, 31)),
                    ]
                else:
                    spans = [
                        ("前期", dt.date(y, 4, 1), dt.date(y, 10, 9)),
                        ("後期", dt.date(y, 10, 10), dt.date(y + 1, 3, 31)),
                    ]
                terms += [
                    Term(school=school, school_year=year, number=n, name=name, start_date=s, end_date=e)
                    for n, (name, s, e) in enumerate(spans, start=1)
                ]
                own = [(dt.date(y, 6, 1 + school.pk % 20), "開校記念日")]
                if school.kind == SchoolKind.JUNIOR_HIGH or school.pk % 2:
                    own.append((dt.date(y, 10, 1), "都民の日"))
                days += calendar_days(school, year, school_holidays=own)
        Term.objects.bulk_create(terms, batch_size=BATCH)
        SchoolDay.objects.bulk_create(days, batch_size=BATCH)
        self.counts["school_days"] = len(days)

    def homerooms(self) -> None:
        """Homerooms for both years; each elementary school also has a special-needs class."""
        rows = []
        for key, school in self.schools.items():
            classes = self.scale.classes_elementary
            if school.kind == SchoolKind.JUNIOR_HIGH:
                classes = self.scale.classes_junior_high
            elif key == "sakura" and self.scale.first_school_classes:
                classes = self.scale.first_school_classes
            for year in self.years:
                for code in school.grade_codes:
                    for n in range(1, classes + 1):
                        rows.append(
                            Homeroom(
                                school=school,
                                school_year=year,
                                grade_level=self.grades[code],
                                name=f"{n}組",
                                order=n,
                            )
                        )
                if school.kind == SchoolKind.ELEMENTARY:
                    rows.append(
                        Homeroom(
                            school=school,
                            school_year=year,
                            grade_level=self.grades["P1"],
                            name="ひまわり学級",
                            order=9,
                            is_special_needs=True,
                        )
                    )
        Homeroom.objects.bulk_create(rows, batch_size=BATCH)
        self.rooms: dict[tuple[int, int, str], list[Homeroom]] = defaultdict(list)
        self.special: dict[tuple[int, int], Homeroom] = {}
        for room in rows:
            if room.is_special_needs:
                self.special[(room.school_id, room.school_year_id)] = room
            else:
                self.rooms[(room.school_id, room.school_year_id, room.grade_level.code)].append(room)
        self.counts["homerooms"] = len(rows)

    def teaching_groups(self) -> None:
        """A group per homeroom and subject this year; みどり中 3年 数学 is taught in three split groups."""
        groups, links = [], []
        through = TeachingGroup.homerooms.through
        for key, school in self.schools.items():
            for code in school.grade_codes:
                level = self.grades[code]
                subjects = JUNIOR_HIGH_SUBJECTS if level.stage == "J" else ELEMENTARY_SUBJECTS[level.number]
                for room in self.rooms[(school.pk, self.year.pk, code)]:
                    for sc in subjects:
                        if key == "midori" and code == "J3" and sc == "JMA":
                            continue
                        subject = self.subjects[sc]
                        group = TeachingGroup(
                            school=school,
                            school_year=self.year,
                            subject=subject,
                            grade_level=level,
                            name=f"{room.display_name} {subject.name}",
                        )
                        groups.append(group)
                        links.append((group, room))
                if key == "midori" and code == "J3":
                    for label in ("発展", "標準", "基礎"):
                        groups.append(
                            TeachingGroup(
                                school=school,
                                school_year=self.year,
                                subject=self.subjects["JMA"],
                                grade_level=level,
                                name=f"3年 数学 習熟度別（{label}）",
                                kind=TeachingGroupKind.SPLIT,
                            )
                        )
        TeachingGroup.objects.bulk_create(groups, batch_size=BATCH)
        through.objects.bulk_create(
            [through(teachinggroup_id=g.pk, homeroom_id=r.pk) for g, r in links], batch_size=BATCH
        )
        self.groups = groups
        self.split_groups = [g for g in groups if g.kind == TeachingGroupKind.SPLIT]
        self.counts["teaching_groups"] = len(groups)

    # -- people ---------------------------------------------------------------------------------

    def _name(self, sex: str) -> tuple[tuple[str, str], tuple[str, str]]:
        given = names.GIVEN_NAMES_MALE if sex == Sex.MALE else names.GIVEN_NAMES_FEMALE
        return self.rng.choice(names.FAMILY_NAMES), self.rng.choice(given)

    def staff(self) -> None:
        """Staff of every school and of the board, each with a user account (no usable password, except
        the cast) and the teaching and role assignments of this year and last."""
        members: list[StaffMember] = []
        users: list[User] = []
        plan: list[tuple[StaffMember, list[tuple[str, Any]]]] = []  # member → [(kind, target)]

        def add(
            school: School | None, title: str, duties: list[tuple[str, Any]], cast: str | None = None
        ) -> None:
            if cast:
                m = CAST_BY_USERNAME[cast]
                family, given = (m.family_name, m.family_name_kana), (m.given_name, m.given_name_kana)
                username = cast
            else:
                family, given = self._name(self.rng.choice([Sex.MALE, Sex.FEMALE]))
                username = f"staff{len(users) + 1:05d}"
            user = User(
                username=username,
                display_name=f"{family[0]} {given[0]}",
                password=self.password_hash if cast else "!",
                email=f"{username}@demo.tsunagu.invalid" if cast else "",
            )
            users.append(user)
            member = StaffMember(
                user=user,
                board=self.board,
                school=school,
                family_name=family[0],
                given_name=given[0],
                family_name_kana=family[1],
                given_name_kana=given[1],
                job_title=title,
            )
            members.append(member)
            plan.append((member, duties))

        for key, school in self.schools.items():
            add(
                school,
                JobTitle.PRINCIPAL,
                [("principal", school)],
                cast="principal" if key == "sakura" else None,
            )
            add(school, JobTitle.VICE_PRINCIPAL, [("principal", school)])
            add(
                school, JobTitle.NURSE_TEACHER, [("nurse", school)], cast="nurse" if key == "sakura" else None
            )
            add(school, JobTitle.OFFICE, [("office", school)], cast="office" if key == "sakura" else None)
            rooms_now = sorted(
                (
                    r
                    for (s, y, _), rs in self.rooms.items()
                    if s == school.pk and y == self.year.pk
                    for r in rs
                ),
                key=lambda r: (r.grade_level.order, r.order),
            )
            rooms_before = {
                (r.grade_level.order, r.order): r
                for (s, y, _), rs in self.rooms.items()
                if s == school.pk and y == self.previous_year.pk
                for r in rs
            }
            for room in rooms_now:
                cast = None
                if key == "sakura" and room.grade_level.code == "P4" and room.order == 1:
                    cast = "teacher"
                elif key == "kaede" and room.grade_level.code == "P3" and room.order == 1:
                    cast = "outsider"
                duties: list[tuple[str, Any]] = [(AssignmentKind.HOMEROOM, room)]
                # Last year the same teacher had the class one grade below (or the top grade again).
                before = rooms_before.get((room.grade_level.order - 1, room.order)) or rooms_before.get(
                    (room.grade_level.order, room.order)
                )
                if before is not None:
                    duties.append((AssignmentKind.HOMEROOM, before))
                add(school, JobTitle.TEACHER, duties, cast=cast)
            special = self.special.get((school.pk, self.year.pk))
            if special is not None:
                add(school, JobTitle.TEACHER, [(AssignmentKind.HOMEROOM, special)])
            if school.kind == SchoolKind.JUNIOR_HIGH:
                by_subject: dict[str, list[TeachingGroup]] = defaultdict(list)
                for g in self.groups:
                    if g.school_id == school.pk:
                        by_subject[g.subject.code].append(g)
                for code in JUNIOR_HIGH_SUBJECTS:
                    groups = by_subject.get(code, [])
                    if code == "JMA" and key == "midori":
                        # The cast's maths teacher: 2年 whole classes and the top 3年 split group.
                        mine = [g for g in groups if g.grade_level.code == "J2"] + self.split_groups[:1]
                        rest = [g for g in groups if g not in mine]
                        add(
                            school,
                            JobTitle.TEACHER,
                            [(AssignmentKind.SUBJECT, g) for g in mine],
                            "subject_teacher",
                        )
                        groups = rest
                    if groups:
                        add(school, JobTitle.TEACHER, [(AssignmentKind.SUBJECT, g) for g in groups])
        add(None, JobTitle.SUPERVISOR, [("board", self.board)], cast="board")
        add(None, JobTitle.ICT_SUPPORT, [("helpdesk", self.board)], cast="helpdesk")

        User.objects.bulk_create(users, batch_size=BATCH)
        for member, user in zip(members, users, strict=True):
            member.user = user  # now saved: sets user_id
        StaffMember.objects.bulk_create(members, batch_size=BATCH)

        teaching: list[TeachingAssignment] = []
        grants: list[RoleAssignment] = []
        for member, duties in plan:
            for kind, target in duties:
                if kind in AssignmentKind.values:
                    year = target.school_year
                    ta = TeachingAssignment(
                        staff_member=member,
                        school=member.school,
                        school_year=year,
                        kind=kind,
                        homeroom=target if isinstance(target, Homeroom) else None,
                        teaching_group=target if isinstance(target, TeachingGroup) else None,
                    )
                    teaching.append(ta)
                else:
                    for year in self.years:
                        grants.append(
                            RoleAssignment(
                                user=member.user,
                                role=kind,
                                school_year=year,
                                school=target if isinstance(target, School) else None,
                                board=target if isinstance(target, Board) else None,
                            )
                        )
        TeachingAssignment.objects.bulk_create(teaching, batch_size=BATCH)
        for ta in teaching:
            grant = role_assignment_for(ta)
            if grant is not None:
                grants.append(grant)
        RoleAssignment.objects.bulk_create(grants, batch_size=BATCH)
        self.cast_users = {u.username: u for u in users if u.username in CAST_BY_USERNAME}
        self.counts["staff"] = len(members)
        self.counts["role_assignments"] = len(grants)

    def pupils(self) -> None:
        """Pupils of every school with last year's enrolment, families, and a few transfers."""
        y0 = self.year.start_date.year
        first_day = (
            SchoolDay.objects.filter(school_year=self.year, kind="instructional")
            .order_by("date")
            .values_list("date", flat=True)
            .first()
            or self.year.start_date
        )
        families_by_district: dict[int, list[_Family]] = defaultdict(list)
        students: list[Student] = []
        enrolments: list[Enrolment] = []
        events: list[EnrolmentEvent] = []
        links: list[GuardianLink] = []
        guardians: list[Guardian] = []
        pending: list[tuple[Student, _Family, dict[str, Any]]] = []
        elementary = [s for s in self.schools.values() if s.kind == SchoolKind.ELEMENTARY]
        junior_high = [s for s in self.schools.values() if s.kind != SchoolKind.ELEMENTARY]
        # A district is two elementary schools and one junior high (siblings and 進学 stay inside it).
        districts = {s.pk: i // 2 for i, s in enumerate(elementary)}
        districts |= {s.pk: i for i, s in enumerate(junior_high)}
        elementary_of_district: dict[int, list[School]] = defaultdict(list)
        for school in elementary:
            elementary_of_district[districts[school.pk]].append(school)

        def district_of(school: School) -> int:
            return districts[school.pk]

        def family_for(district: int, grade: int) -> _Family:
            pool = families_by_district[district]
            candidates = [f for f in pool[-60:] if grade not in f.grades and len(f.grades) < 3]
            if candidates and self.rng.random() < 0.22:
                family = self.rng.choice(candidates)
            else:
                family_name = self.rng.choice(names.FAMILY_NAMES)
                town = names.TOWNS[(district * 3 + self.rng.randrange(3)) % len(names.TOWNS)]
                address = (
                    f"東京都{MUNICIPALITY_NAME}{town[0]}{self.rng.randint(1, 5)}丁目"
                    f"{self.rng.randint(1, 30)}番{self.rng.randint(1, 20)}号"
                )
                family = _Family(family_name, town, address, [])
                single = self.rng.random() < 0.1
                for rel, sex in [(Relationship.MOTHER, Sex.FEMALE), (Relationship.FATHER, Sex.MALE)][
                    : 1 if single else 2
                ]:
                    _, given = self._name(sex)
                    g = Guardian(
                        family_name=family_name[0],
                        given_name=given[0],
                        family_name_kana=family_name[1],
                        given_name_kana=given[1],
                        phone=f"090-{self.rng.randint(1000, 9999)}-{self.rng.randint(1000, 9999)}",
                        postal_code=town[1],
                        address=address,
                    )
                    g.search_key = normalize_for_search(
                        f"{family_name[0]} {given[0]} {family_name[1]} {given[1]}"
                    )
                    g._relationship = rel  # type: ignore[attr-defined]
                    guardians.append(g)
                    family.guardians.append(g)
                pool.append(family)
            family.grades.add(grade)
            return family

        for school in self.schools.values():
            district = district_of(school)
            for code in school.grade_codes:
                level = self.grades[code]
                grade = level.order  # 1–9, across the ward's schools
                born_from = dt.date(y0 - 6 - grade, 4, 2)
                rooms = self.rooms[(school.pk, self.year.pk, code)]
                for room in rooms:
                    class_pupils = []
                    for _ in range(self.scale.pupils_per_class + self.rng.randint(-2, 1)):
                        sex = self.rng.choice([Sex.MALE, Sex.FEMALE])
                        family = family_for(district, grade)
                        _, given = self._name(sex)
                        s = Student(
                            family_name=family.family_name[0],
                            given_name=given[0],
                            family_name_kana=family.family_name[1],
                            given_name_kana=given[1],
                            sex=sex,
                            birth_date=born_from + dt.timedelta(days=self.rng.randrange(365)),
                            postal_code=family.town[1],
                            address=family.address,
                            needs_care=self.rng.random() < 0.05,
                        )
                        class_pupils.append((s, family))
                    class_pupils.sort(key=lambda p: (p[0].family_name_kana, p[0].given_name_kana))
                    for roll, (s, family) in enumerate(class_pupils, start=1):
                        pending.append(
                            (s, family, {"school": school, "room": room, "level": level, "roll": roll})
                        )
                # The special-needs class: a few pupils of this grade, with their 交流学級.
                special = self.special.get((school.pk, self.year.pk))
                if special is not None and grade <= 6 and self.rng.random() < 0.6:
                    sex = self.rng.choice([Sex.MALE, Sex.FEMALE])
                    family = family_for(district, grade)
                    _, given = self._name(sex)
                    s = Student(
                        family_name=family.family_name[0],
                        given_name=given[0],
                        family_name_kana=family.family_name[1],
                        given_name_kana=given[1],
                        sex=sex,
                        birth_date=born_from + dt.timedelta(days=self.rng.randrange(365)),
                        postal_code=family.town[1],
                        address=family.address,
                        needs_care=True,
                    )
                    pending.append(
                        (
                            s,
                            family,
                            {
                                "school": school,
                                "room": special,
                                "level": level,
                                "roll": None,
                                "exchange": rooms[0],
                            },
                        )
                    )

        # The cast family: 渡部 — the pupil "student" in さくら小 4年1組 and an older sibling at みどり中 2年.
        guardian_cast = CAST_BY_USERNAME["guardian"]
        student_cast = CAST_BY_USERNAME["student"]
        cast_family = _Family(
            (guardian_cast.family_name, guardian_cast.family_name_kana),
            names.TOWNS[0],
            f"東京都{MUNICIPALITY_NAME}{names.TOWNS[0][0]}2丁目8番3号",
            [],
        )
        for s, family, where in pending:
            in_class = where["school"] is self.schools.get("sakura") and where["level"].code == "P4"
            if in_class and where["room"].order == 1 and where["roll"] and where["roll"] > 3:
                family.grades.discard(4)
                s.family_name, s.family_name_kana = cast_family.family_name
                s.given_name, s.given_name_kana = student_cast.given_name, student_cast.given_name_kana
                s.sex = Sex.MALE
                where["cast"] = "student"
                break
        for s, _, where in pending:
            if (
                where["school"] is self.schools.get("midori")
                and where["level"].code == "J2"
                and where["room"].order == 1
            ):
                s.family_name, s.family_name_kana = cast_family.family_name
                s.given_name, s.given_name_kana = "咲良", "さくら"
                s.sex = Sex.FEMALE
                where["cast"] = "sibling"
                break
        # Roll numbers follow kana order; re-sort the cast's classes after renaming.
        by_room: dict[int, list[tuple[Student, dict[str, Any]]]] = defaultdict(list)
        for s, _, where in pending:
            if where["roll"] is not None:
                by_room[where["room"].pk].append((s, where))
        for members in by_room.values():
            members.sort(key=lambda m: (m[0].family_name_kana, m[0].given_name_kana))
            for roll, (_, where) in enumerate(members, start=1):
                where["roll"] = roll

        mothers_cast = None
        for s, _family, where in pending:
            if where.get("cast") in ("student", "sibling"):
                if mothers_cast is None:
                    mothers_cast = Guardian(
                        family_name=guardian_cast.family_name,
                        given_name=guardian_cast.given_name,
                        family_name_kana=guardian_cast.family_name_kana,
                        given_name_kana=guardian_cast.given_name_kana,
                        phone="090-5999-0001",
                        email="guardian@demo.tsunagu.invalid",
                        postal_code=cast_family.town[1],
                        address=cast_family.address,
                    )
                    mothers_cast.search_key = normalize_for_search(
                        f"{guardian_cast.family_name} {guardian_cast.given_name} "
                        f"{guardian_cast.family_name_kana} {guardian_cast.given_name_kana}"
                    )
                    mothers_cast._relationship = Relationship.MOTHER  # type: ignore[attr-defined]
                    guardians.append(mothers_cast)
                    cast_family.guardians.append(mothers_cast)
                s.postal_code, s.address = cast_family.town[1], cast_family.address
                where["family"] = cast_family
            s.search_key = normalize_for_search(
                f"{s.family_name} {s.given_name} {s.family_name_kana} {s.given_name_kana}"
            )
            students.append(s)

        # A few pupils live under 住所秘匿 — one of them in the cast teacher's class (さくら小 4年1組).
        protected = [
            p
            for p in pending
            if p[2]["school"] is self.schools.get("sakura")
            and p[2].get("cast") is None
            and p[2]["level"].code == "P4"
            and p[2]["room"].order == 1
        ]
        chosen = set()
        if protected:
            chosen.add(id(self.rng.choice(protected)[0]))
        for s, _, where in pending:
            if self.rng.random() < 0.004 and where.get("cast") is None:
                chosen.add(id(s))
        for s, _, _ in pending:
            s.address_protected = id(s) in chosen
        cast_pupils = {id(s) for s, _, where in pending if where.get("cast")}

        self._create_users_for_cast(students, pending, mothers_cast)
        Student.objects.bulk_create(students, batch_size=BATCH)
        Guardian.objects.bulk_create(guardians, batch_size=BATCH)

        prev_start, prev_end = self.previous_year.start_date, self.previous_year.end_date
        graduation = prev_end - dt.timedelta(days=12)
        transfer_day = min(self.today, self.year.end_date) - dt.timedelta(days=40)
        for index, (s, family, where) in enumerate(pending):
            fam = where.get("family", family)
            primary = True
            for g in fam.guardians:
                restricted = id(s) in chosen and g._relationship == Relationship.FATHER
                links.append(
                    GuardianLink(
                        student=s,
                        guardian=g,
                        relationship=g._relationship,
                        has_custody=not restricted,
                        contact_restricted=restricted,
                        is_primary_contact=primary,
                        note="接近禁止（住所秘匿）" if restricted else "",
                    )
                )
                primary = False
            level, school = where["level"], where["school"]
            # Every 150th pupil arrived this year from outside the ward (転入学); no earlier row here.
            transferred_in = (
                index % 150 == 77 and where.get("cast") is None and transfer_day > self.year.start_date
            )
            start = transfer_day if transferred_in else self.year.start_date
            current = Enrolment(
                student=s,
                school=school,
                school_year=self.year,
                grade_level=level,
                homeroom=where["room"],
                exchange_homeroom=where.get("exchange"),
                roll_number=where["roll"],
                start_date=start,
            )
            enrolments.append(current)
            if transferred_in:
                events.append(
                    EnrolmentEvent(
                        student=s,
                        enrolment=current,
                        kind=EventKind.TRANSFER_IN,
                        date=start,
                        other_school_name="みなと市立ひばり小学校"
                        if level.stage == "P"
                        else "みなと市立ひばり中学校",
                        reason="保護者の転勤",
                    )
                )
                continue
            first = level.number == 1
            events.append(
                EnrolmentEvent(
                    student=s,
                    enrolment=current,
                    kind=EventKind.ENTRY if first else EventKind.PROMOTION,
                    date=first_day if first else self.year.start_date,
                )
            )
            if level.code == "P1":
                continue
            # Last year: one grade below, at this school — or at the district's elementary school for J1.
            before_code = "P6" if level.code == "J1" else f"{level.stage}{level.number - 1}"
            before_school = school
            if level.code == "J1":
                options = elementary_of_district.get(district_of(school)) or elementary
                before_school = options[index % len(options)]
            rooms_before = self.rooms[(before_school.pk, self.previous_year.pk, before_code)]
            before_room = (
                self.special.get((before_school.pk, self.previous_year.pk)) if where["roll"] is None else None
            )
            if before_room is None:
                before_room = rooms_before[index % len(rooms_before)]
            previous = Enrolment(
                student=s,
                school=before_school,
                school_year=self.previous_year,
                grade_level=self.grades[before_code],
                homeroom=before_room,
                roll_number=None,
                start_date=prev_start,
                end_date=graduation if before_code == "P6" else prev_end,
            )
            enrolments.append(previous)
            if before_code == "P6":
                events.append(
                    EnrolmentEvent(student=s, enrolment=previous, kind=EventKind.GRADUATION, date=graduation)
                )
            if before_code in ("P1", "J1") and before_school is school:
                events.append(
                    EnrolmentEvent(student=s, enrolment=previous, kind=EventKind.ENTRY, date=prev_start)
                )

        # One pupil per school left this year for a school outside the ward (転学).
        if transfer_day > self.year.start_date:
            for key, school in self.schools.items():
                leaver = next(
                    e
                    for e in enrolments
                    if e.school is school
                    and e.school_year is self.year
                    and e.roll_number
                    and e.roll_number > 5
                    and not (
                        key == "sakura"
                        and e.homeroom
                        and e.homeroom.grade_level.code == "P4"
                        and e.homeroom.order == 1
                    )
                    and id(e.student) not in cast_pupils
                )
                # The receiving school accepts the pupil on transfer_day; the 指導要録 date (and the end
                # of this enrolment) is the day before; the pupil's last day here was a few days earlier.
                leaver.end_date = transfer_day - dt.timedelta(days=1)
                events.append(
                    EnrolmentEvent(
                        student=leaver.student,
                        enrolment=leaver,
                        kind=EventKind.TRANSFER_OUT,
                        date=leaver.end_date,
                        left_on=leaver.end_date - dt.timedelta(days=3),
                        other_school_name="さくらがおか市立わかば学園",
                        other_school_address="さくらがおか市中央1-1",
                        reason="転居",
                    )
                )

        # Previous-year roll numbers follow kana order within each class too.
        prev_by_room: dict[int, list[Enrolment]] = defaultdict(list)
        for e in enrolments:
            if e.school_year is self.previous_year and e.homeroom and not e.homeroom.is_special_needs:
                prev_by_room[e.homeroom.pk].append(e)
        for rows in prev_by_room.values():
            rows.sort(key=lambda e: (e.student.family_name_kana, e.student.given_name_kana))
            for roll, e in enumerate(rows, start=1):
                e.roll_number = roll

        GuardianLink.objects.bulk_create(links, batch_size=BATCH)
        Enrolment.objects.bulk_create(enrolments, batch_size=BATCH)
        EnrolmentEvent.objects.bulk_create(events, batch_size=BATCH)

        # The split maths groups at みどり中: every 3年 pupil in one of them.
        j3 = [
            e
            for e in enrolments
            if e.school is self.schools.get("midori")
            and e.school_year is self.year
            and e.grade_level.code == "J3"
        ]
        TeachingGroupMembership.objects.bulk_create(
            [
                TeachingGroupMembership(
                    student=e.student, teaching_group=self.split_groups[i % len(self.split_groups)]
                )
                for i, e in enumerate(j3)
            ],
            batch_size=BATCH,
        )
        self.counts.update(
            students=len(students), guardians=len(guardians), enrolments=len(enrolments), events=len(events)
        )

    def _create_users_for_cast(
        self,
        students: list[Student],
        pending: list[tuple[Student, _Family, dict[str, Any]]],
        guardian: Guardian | None,
    ) -> None:
        """Accounts and role assignments of the family cast: the pupil ``student`` and the ``guardian``."""
        family_users = []
        for username in ("student", "guardian"):
            m = CAST_BY_USERNAME[username]
            family_users.append(
                User(
                    username=username,
                    display_name=f"{m.family_name} {m.given_name}",
                    password=self.password_hash,
                    email=f"{username}@demo.tsunagu.invalid",
                )
            )
        User.objects.bulk_create(family_users)
        users = {u.username: u for u in family_users}
        for s, _, where in pending:
            if where.get("cast") == "student":
                s.user = users["student"]
        if guardian is not None:
            guardian.user = users["guardian"]
        RoleAssignment.objects.bulk_create(
            RoleAssignment(
                user=user, role=Role.STUDENT if name == "student" else Role.GUARDIAN, school_year=self.year
            )
            for name, user in users.items()
        )
        self.cast_users.update(users)

    def second_factors(self) -> None:
        """Each staff cast member's demo authenticator (TOTP) — the secret is printed by ``demo_logins``."""
        for username, user in self.cast_users.items():
            if CAST_BY_USERNAME[username].is_staff_role:
                TOTP.activate(user, totp_secret_for(username))


def ward_exists() -> bool:
    """True when the demo ward has been seeded in this database."""
    return Municipality.objects.filter(code=MUNICIPALITY_CODE).exists()


def seed_ward(
    scale: str = "small", seed: int = 1, today: dt.date | None = None, *, steps: bool = True
) -> WardSummary:
    """Seed the demo ward (atomically) and run the apps' demo steps; refuses to seed twice."""
    if scale not in SCALES:
        raise ValueError(f"unknown scale {scale!r}; choose from {', '.join(SCALES)}")
    today = today or timezone.localdate()
    with system_scope(reason=f"demo ward seeded (scale={scale}, seed={seed})"), transaction.atomic():
        if ward_exists():
            raise RuntimeError("the demo ward is already seeded in this database")
        ensure_reference_data()
        ward_started = time.perf_counter()
        b = _Builder(scale, seed, today)
        b.school_years()
        b.board_and_schools()
        b.calendars_and_terms()
        b.homerooms()
        b.teaching_groups()
        b.staff()
        b.pupils()
        b.second_factors()
        summary = WardSummary(
            scale=scale,
            seed=seed,
            today=today,
            board=b.board,
            school_year=b.year,
            previous_year=b.previous_year,
            schools=b.schools,
            counts=dict(b.counts),
            step_seconds={"ward": round(time.perf_counter() - ward_started, 2)},
        )
        if steps:
            ctx = DemoContext(
                scale=scale,
                seed=seed,
                rng=random.Random(seed * 7919 + 1),
                today=today,
                school_year=b.year,
                previous_year=b.previous_year,
                board=b.board,
                schools=b.schools,
            )
            for name, step in registered_steps():
                started = time.perf_counter()
                step(ctx)
                summary.step_seconds[name] = round(time.perf_counter() - started, 2)
    return summary


def ward_summary(today: dt.date | None = None) -> WardSummary:
    """The summary of the ward already in the database (for tests and commands that did not seed it)."""
    today = today or timezone.localdate()
    with system_scope(reason="demo ward summary"):
        board = Board.objects.get(municipality__code=MUNICIPALITY_CODE)
        year = SchoolYear.objects.get(year=school_year_of(today))
        previous = SchoolYear.objects.get(year=year.year - 1)
        keyed: dict[str, School] = {}
        elementary = junior = 0
        for school in School.objects.filter(board=board).order_by("mext_code"):
            if school.kind == SchoolKind.ELEMENTARY:
                elementary += 1
                key = ["sakura", "kaede"][elementary - 1] if elementary <= 2 else f"e{elementary:03d}"
            else:
                junior += 1
                key = "midori" if junior == 1 else f"j{junior:03d}"
            keyed[key] = school
    return WardSummary(
        scale="", seed=0, today=today, board=board, school_year=year, previous_year=previous, schools=keyed
    )
