"""Forms of the 学籍 pages: roster filters (GET) and the enrolment changes, whose writes go through
:mod:`tsunagu.students.services`."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from tsunagu.org.models import GradeLevel, Homeroom, School, SchoolYear
from tsunagu.students.models import EventKind, Relationship, Sex
from tsunagu.students.services import NAME_FIELDS, GuardianData, PupilData, normalize_kana


class RosterSearchForm(forms.Form):
    """Name search, matching kanji or kana in any width (ﾔﾏﾀﾞ, ヤマダ, やまだ and 山田 all find 山田)."""

    q = forms.CharField(label=_("Search by name"), required=False, max_length=50, strip=True)

    def query(self) -> str:
        """The search text, or "" for an invalid or empty form."""
        return self.cleaned_data.get("q", "") if self.is_valid() else ""


class SchoolRosterFilterForm(RosterSearchForm):
    """Name search plus grade and class filters; the choices are only the classes the actor may see."""

    grade = forms.ChoiceField(label=_("Grade"), required=False)
    homeroom = forms.ChoiceField(label=_("Class"), required=False)

    def __init__(self, *args: Any, homerooms: list[Homeroom], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._homerooms = {str(h.uuid): h for h in homerooms}
        grades = {h.grade_level.code: h.grade_level.name for h in homerooms}
        grade_field = cast(forms.ChoiceField, self.fields["grade"])
        homeroom_field = cast(forms.ChoiceField, self.fields["homeroom"])
        grade_field.choices = [("", _("All grades")), *grades.items()]
        homeroom_field.choices = [("", _("All classes"))] + [
            (key, h.display_name) for key, h in self._homerooms.items()
        ]

    def query(self) -> str:
        return self._clean_value("q")

    def value(self, name: str) -> str:
        """A cleaned filter value; "" when absent or not one of the choices."""
        return self._clean_value(name)

    def chosen_homeroom(self) -> Homeroom | None:
        """The chosen homeroom, or None."""
        return self._homerooms.get(self._clean_value("homeroom"))

    def _clean_value(self, name: str) -> str:
        # Each field is judged on its own: an unknown class drops only itself, not the name search.
        self.is_valid()
        return str(self.cleaned_data.get(name) or "")


# --- 学籍の異動 (writes go through tsunagu.students.services) ------------------------------------


class DateInput(forms.DateInput):
    """A native date picker (ISO value, shown in the browser's locale)."""

    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: beside the field it names, else above the form."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)


class HomeroomChoiceField(forms.ModelChoiceField):
    """Homerooms by their display name (4年1組, ひまわり学級)."""

    def label_from_instance(self, obj: Any) -> str:
        return str(obj.display_name)


class SchoolYearChoiceField(forms.ModelChoiceField):
    """School years in 和暦 (令和8年度)."""

    def label_from_instance(self, obj: Any) -> str:
        return str(obj.label)


class TransferOutForm(forms.Form):
    """転学: the receiving school (of the ward, or named), the dates and the reason."""

    accepted_on = forms.DateField(
        label=_("Accepted by the receiving school on"),
        widget=DateInput(),
        help_text=_("The 指導要録 records the transfer on the day before this date."),
    )
    left_on = forms.DateField(
        label=_("Day the pupil actually left"),
        required=False,
        widget=DateInput(),
        help_text=_("Leave empty if it is the day before acceptance."),
    )
    receiving_school = forms.ModelChoiceField(
        label=_("Receiving school in the ward"),
        queryset=School.objects.none(),
        required=False,
        empty_label=_("— a school outside the ward —"),
        help_text=_("A school of the ward receives the pupil's records from the transfer date."),
    )
    other_school_name = forms.CharField(
        label=_("Receiving school outside the ward"), max_length=100, required=False
    )
    other_school_address = forms.CharField(label=_("Its address"), max_length=200, required=False)
    reason = forms.CharField(label=_("Reason"), max_length=200)

    def __init__(self, *args: Any, schools: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["receiving_school"]).queryset = schools


class WithdrawalForm(forms.Form):
    """退学: the date approved, the day the pupil left and the reason."""

    date = forms.DateField(label=_("Date of withdrawal (approved)"), widget=DateInput())
    left_on = forms.DateField(label=_("Day the pupil actually left"), required=False, widget=DateInput())
    reason = forms.CharField(
        label=_("Reason"),
        max_length=200,
        help_text=_("e.g. entering a school abroad; whereabouts unknown for a year or more"),
    )


class ArrivalForm(forms.Form):
    """転入学 / 編入学 of a pupil from outside the ward; the class choices are the school's classes."""

    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[
            (EventKind.TRANSFER_IN.value, _("Transfer in (転入学)")),
            (EventKind.ADMISSION.value, _("Admission (編入学)")),
        ],
        widget=forms.RadioSelect,
        initial=EventKind.TRANSFER_IN.value,
    )
    date = forms.DateField(label=_("Date of arrival"), widget=DateInput())
    grade_level = forms.ModelChoiceField(label=_("Grade"), queryset=GradeLevel.objects.none())
    homeroom = HomeroomChoiceField(
        label=_("Class"), queryset=Homeroom.objects.none(), required=False, empty_label=_("— not yet —")
    )
    roll_number = forms.IntegerField(label=_("Roll number"), required=False, min_value=1, max_value=99)
    family_name = forms.CharField(label=_("Family name"), max_length=50)
    given_name = forms.CharField(label=_("Given name"), max_length=50)
    family_name_kana = forms.CharField(label=_("Family name (kana)"), max_length=50)
    given_name_kana = forms.CharField(label=_("Given name (kana)"), max_length=50)
    sex = forms.ChoiceField(label=_("Sex"), choices=Sex.choices, widget=forms.RadioSelect)
    birth_date = forms.DateField(label=_("Date of birth"), widget=DateInput())
    postal_code = forms.CharField(label=_("Postal code"), max_length=8, required=False)
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    previous_school_name = forms.CharField(label=_("Previous school"), max_length=100, required=False)
    previous_school_address = forms.CharField(
        label=_("Previous school's address"), max_length=200, required=False
    )
    reason = forms.CharField(label=_("Reason"), max_length=200)
    guardian_family_name = forms.CharField(label=_("Guardian's family name"), max_length=50, required=False)
    guardian_given_name = forms.CharField(label=_("Guardian's given name"), max_length=50, required=False)
    guardian_family_name_kana = forms.CharField(
        label=_("Guardian's family name (kana)"), max_length=50, required=False
    )
    guardian_given_name_kana = forms.CharField(
        label=_("Guardian's given name (kana)"), max_length=50, required=False
    )
    guardian_relationship = forms.ChoiceField(
        label=_("Relationship"), choices=Relationship.choices, initial=Relationship.MOTHER, required=False
    )
    guardian_phone = forms.CharField(label=_("Guardian's phone"), max_length=20, required=False)

    GUARDIAN_NAMES = (
        "guardian_family_name",
        "guardian_given_name",
        "guardian_family_name_kana",
        "guardian_given_name_kana",
    )

    def __init__(self, *args: Any, school: School, homerooms: list[Homeroom], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["grade_level"]).queryset = GradeLevel.objects.filter(
            code__in=school.grade_codes
        )
        homeroom_field = cast(forms.ModelChoiceField, self.fields["homeroom"])
        homeroom_field.queryset = Homeroom.objects.filter(pk__in=[h.pk for h in homerooms]).select_related(
            "grade_level"
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        given = [name for name in self.GUARDIAN_NAMES if data.get(name)]
        if given and len(given) < len(self.GUARDIAN_NAMES):
            for name in self.GUARDIAN_NAMES:
                if not data.get(name):
                    self.add_error(
                        name, _("Enter the guardian's full name and reading, or leave them all empty.")
                    )
        for name in (
            "family_name_kana",
            "given_name_kana",
            "guardian_family_name_kana",
            "guardian_given_name_kana",
        ):
            if data.get(name):
                data[name] = normalize_kana(data[name])
        return data

    def pupil(self) -> PupilData:
        d = self.cleaned_data
        return PupilData(
            family_name=d["family_name"],
            given_name=d["given_name"],
            family_name_kana=d["family_name_kana"],
            given_name_kana=d["given_name_kana"],
            sex=d["sex"],
            birth_date=d["birth_date"],
            postal_code=d.get("postal_code", ""),
            address=d.get("address", ""),
        )

    def guardian(self) -> GuardianData | None:
        d = self.cleaned_data
        if not d.get("guardian_family_name"):
            return None
        return GuardianData(
            family_name=d["guardian_family_name"],
            given_name=d["guardian_given_name"],
            family_name_kana=d["guardian_family_name_kana"],
            given_name_kana=d["guardian_given_name_kana"],
            relationship=d.get("guardian_relationship") or Relationship.MOTHER,
            phone=d.get("guardian_phone", ""),
        )


#: Uploads travel once more, base64-encoded, in the confirm form of the preview page; this keeps them
#: under Django's 2.5 MB limit for a request body without files (a ward's 学齢簿 of a year is ~0.5 MB).
MAX_UPLOAD_BYTES = 1_500_000


def _small_file(upload: Any) -> Any:
    if upload is not None and upload.size > MAX_UPLOAD_BYTES:
        raise ValidationError(_("The file is larger than 1.5 MB."))
    return upload


class CsvUploadForm(forms.Form):
    """A CSV file (UTF-8 with or without BOM, or Shift_JIS)."""

    file = forms.FileField(label=_("CSV file"))

    def clean_file(self) -> Any:
        return _small_file(self.cleaned_data["file"])


class RolloverForm(forms.Form):
    """年次更新: the year to close, the graduation date and an optional class-formation table."""

    from_year = SchoolYearChoiceField(label=_("School year to close"), queryset=SchoolYear.objects.none())
    graduation_date = forms.DateField(label=_("Graduation date (卒業証書授与式)"), widget=DateInput())
    formation = forms.FileField(
        label=_("Class-formation table (CSV)"),
        required=False,
        help_text=_("Leave empty to keep every pupil's class number (3年2組 → 4年2組)."),
    )

    def __init__(self, *args: Any, years: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelChoiceField, self.fields["from_year"])
        field.queryset = years

    def clean_formation(self) -> Any:
        return _small_file(self.cleaned_data.get("formation"))


class PlacementForm(forms.Form):
    """学級への配置: the class (of the pupil's school, grade and year) and the roll number."""

    homeroom = HomeroomChoiceField(label=_("Class"), queryset=Homeroom.objects.none())
    roll_number = forms.IntegerField(label=_("Roll number"), required=False, min_value=1, max_value=99)

    def __init__(self, *args: Any, homerooms: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["homeroom"]).queryset = homerooms


class StudentNameForm(forms.Form):
    """氏名変更: the names and readings as they are to be (prefilled with today's) and the reason."""

    family_name = forms.CharField(label=_("Family name"), max_length=50)
    given_name = forms.CharField(label=_("Given name"), max_length=50)
    family_name_kana = forms.CharField(
        label=_("Family name (kana)"), max_length=50, help_text=_("Hiragana or katakana.")
    )
    given_name_kana = forms.CharField(label=_("Given name (kana)"), max_length=50)
    reason = forms.CharField(
        label=_("Reason"),
        max_length=100,
        help_text=_("e.g. 保護者の氏の変更のため; kept in the pupil's change history"),
    )

    def changes(self) -> dict[str, str]:
        """The name fields as entered (the service normalises the readings and checks them)."""
        return {name: self.cleaned_data[name] for name in NAME_FIELDS}


class HomeroomChangeForm(forms.Form):
    """転級 / 出席番号の変更: the new class (of the pupil's school, grade and year, or a special-needs
    class), the roll number in it, the day the change takes effect and the reason."""

    homeroom = HomeroomChoiceField(label=_("New class"), queryset=Homeroom.objects.none())
    number = forms.IntegerField(
        label=_("Roll number"),
        required=False,
        min_value=1,
        max_value=99,
        help_text=_("Leave empty for a special-needs class (the number belongs to the exchange class)."),
    )
    on_date = forms.DateField(label=_("Effective from"), widget=DateInput())
    reason = forms.CharField(
        label=_("Reason"),
        max_length=100,
        help_text=_("e.g. 特別支援学級への転級; 出席番号の振り直し"),
    )

    def __init__(self, *args: Any, homerooms: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["homeroom"]).queryset = homerooms


class CertificateForm(forms.Form):
    """Issue a certificate: which one, what for, the date, and for the 教科用図書給与証明書 the publisher of
    each subject's textbook (optional; one field per subject of the pupil's grade)."""

    kind = forms.ChoiceField(label=_("Certificate"), widget=forms.RadioSelect)
    purpose = forms.CharField(
        label=_("Purpose"),
        max_length=100,
        help_text=_("e.g. 転学のため, 児童手当の申請のため"),
    )
    issued_on = forms.DateField(label=_("Date of issue"), widget=DateInput())

    def __init__(self, *args: Any, subjects: list[Any], **kwargs: Any) -> None:
        from tsunagu.students.models import CertificateKind

        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["kind"]).choices = CertificateKind.choices
        self.subject_codes = [s.code for s in subjects]
        for subject in subjects:
            self.fields[f"publisher_{subject.code}"] = forms.CharField(
                label=subject.name,
                required=False,
                max_length=60,
                help_text=_("Publisher (教科用図書給与証明書 only)") if subject is subjects[0] else "",
            )

    def publishers(self) -> dict[str, str]:
        """Subject code → publisher, as entered."""
        return {code: self.cleaned_data.get(f"publisher_{code}", "") for code in self.subject_codes}
