"""The OneRoster 1.2 CSV profiles Japan uses, as data: which files, which columns in which order.

STANDARDS.md §1: the Japan Profile v1.2.1 and the 1EdTech "Japan K-12/Schools Profile" v1.0 differ in
the manifest's ``oneroster.version``, in a few column names (``metadata.jp.ShussekiNo`` became
``metadata.jp.shussekiNo``) and in the kana columns of users. Everything else in the export is shared,
so a profile is only these differences.
"""

from __future__ import annotations

from dataclasses import dataclass

#: The 21 file names a manifest lists, in the order the specification gives them.
ALL_FILES: tuple[str, ...] = (
    "academicSessions",
    "categories",
    "classes",
    "classResources",
    "courses",
    "courseResources",
    "demographics",
    "enrollments",
    "lineItemLearningObjectiveIds",
    "lineItems",
    "lineItemScoreScales",
    "orgs",
    "resources",
    "results",
    "resultLearningObjectiveIds",
    "resultScoreScales",
    "roles",
    "scoreScales",
    "userProfiles",
    "userResources",
    "users",
)

ACADEMIC_SESSIONS = [
    "sourcedId",
    "status",
    "dateLastModified",
    "title",
    "type",
    "startDate",
    "endDate",
    "parentSourcedId",
    "schoolYear",
]
ORGS = ["sourcedId", "status", "dateLastModified", "name", "type", "identifier", "parentSourcedId"]
COURSES = [
    "sourcedId",
    "status",
    "dateLastModified",
    "schoolYearSourcedId",
    "title",
    "courseCode",
    "grades",
    "orgSourcedId",
    "subjects",
    "subjectCodes",
]
CLASSES = [
    "sourcedId",
    "status",
    "dateLastModified",
    "title",
    "grades",
    "courseSourcedId",
    "classCode",
    "classType",
    "location",
    "schoolSourcedId",
    "termSourcedIds",
    "subjects",
    "subjectCodes",
    "periods",
    "metadata.jp.specialNeeds",
]
USERS_BASE = [
    "sourcedId",
    "status",
    "dateLastModified",
    "enabledUser",
    "username",
    "userIds",
    "givenName",
    "familyName",
    "middleName",
    "identifier",
    "email",
    "sms",
    "phone",
    "agentSourcedIds",
    "grades",
    "password",
    "userMasterIdentifier",
    "resourceSourcedIds",
    "preferredGivenName",
    "preferredMiddleName",
    "preferredFamilyName",
    "primaryOrgSourcedId",
    "pronouns",
    "metadata.jp.kanaGivenName",
    "metadata.jp.kanaFamilyName",
    "metadata.jp.kanaMiddleName",
    "metadata.jp.homeClass",
]
USERS_KANA_PREFERRED = [
    "metadata.jp.kanaPreferredFamilyName",
    "metadata.jp.kanaPreferredGivenName",
    "metadata.jp.kanaPreferredMiddleName",
]
ROLES = [
    "sourcedId",
    "status",
    "dateLastModified",
    "userSourcedId",
    "roleType",
    "role",
    "beginDate",
    "endDate",
    "orgSourcedId",
    "userProfileSourcedId",
]
ENROLLMENTS_BASE = [
    "sourcedId",
    "status",
    "dateLastModified",
    "classSourcedId",
    "schoolSourcedId",
    "userSourcedId",
    "role",
    "primary",
    "beginDate",
    "endDate",
]
DEMOGRAPHICS = [
    "sourcedId",
    "status",
    "dateLastModified",
    "birthDate",
    "sex",
    "americanIndianOrAlaskaNative",
    "asian",
    "blackOrAfricanAmerican",
    "nativeHawaiianOrOtherPacificIslander",
    "white",
    "demographicRaceTwoOrMoreRaces",
    "hispanicOrLatinoEthnicity",
    "countryOfBirthCode",
    "stateOfBirthAbbreviation",
    "cityOfBirth",
    "publicSchoolResidenceStatus",
]

#: Columns that must hold a value in every row (bold in STANDARDS.md §1), plus the Japan portal ones (⊕).
REQUIRED: dict[str, tuple[str, ...]] = {
    "academicSessions": ("sourcedId", "title", "type", "startDate", "endDate", "schoolYear"),
    "orgs": ("sourcedId", "name", "type"),
    "courses": ("sourcedId", "title", "orgSourcedId"),
    "classes": ("sourcedId", "title", "courseSourcedId", "classType", "schoolSourcedId", "termSourcedIds"),
    "users": (
        "sourcedId",
        "enabledUser",
        "username",
        "givenName",
        "familyName",
        "userMasterIdentifier",
        "preferredGivenName",
        "preferredFamilyName",
        "metadata.jp.kanaGivenName",
        "metadata.jp.kanaFamilyName",
    ),
    "roles": ("sourcedId", "userSourcedId", "roleType", "role", "orgSourcedId"),
    "enrollments": ("sourcedId", "classSourcedId", "schoolSourcedId", "userSourcedId", "role", "primary"),
    "demographics": ("sourcedId",),
}


@dataclass(frozen=True)
class Profile:
    """One Japan profile: its manifest version and the column names that differ."""

    code: str
    label: str
    oneroster_version: str
    roll_number_column: str
    public_flag_column: str
    kana_preferred: bool

    def columns(self, file: str) -> list[str]:
        """The header of ``file`` under this profile, in order."""
        if file == "users":
            return USERS_BASE + (USERS_KANA_PREFERRED if self.kana_preferred else [])
        if file == "enrollments":
            return [*ENROLLMENTS_BASE, self.roll_number_column, self.public_flag_column]
        return {
            "academicSessions": ACADEMIC_SESSIONS,
            "orgs": ORGS,
            "courses": COURSES,
            "classes": CLASSES,
            "roles": ROLES,
            "demographics": DEMOGRAPHICS,
        }[file]


JP_V121 = Profile(
    code="jp-1.2.1",
    label="OneRoster Japan Profile v1.2.1",
    oneroster_version="1.2",
    roll_number_column="metadata.jp.ShussekiNo",
    public_flag_column="metadata.jp.PublicFlg",
    kana_preferred=True,
)
#: STANDARDS.md: the K-12 profile's manifest value "1.2_JP" is unconfirmed; it is one constant here.
JP_K12_V10 = Profile(
    code="jp-k12-1.0",
    label="OneRoster 1.2 CSV Binding: Japan K-12/Schools Profile v1.0",
    oneroster_version="1.2_JP",
    roll_number_column="metadata.jp.shussekiNo",
    public_flag_column="metadata.jp.publicFlg",
    kana_preferred=True,
)
PROFILES: dict[str, Profile] = {p.code: p for p in (JP_V121, JP_K12_V10)}

#: The rostering files we write (the others are declared ``absent`` in the manifest).
ROSTER_FILES: tuple[str, ...] = (
    "academicSessions",
    "orgs",
    "courses",
    "classes",
    "users",
    "roles",
    "enrollments",
)
