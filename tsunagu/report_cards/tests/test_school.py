"""The principal's pages: the school's form, and the whole school printed in one background job (run at
once in tests)."""

from __future__ import annotations

import io
import re
import zipfile
from typing import Any

import pytest
from django.urls import reverse

from tsunagu.org.models import Homeroom
from tsunagu.report_cards import selectors
from tsunagu.report_cards.models import BatchState, ReportCardBatch, ReportCardTemplate

pytestmark = pytest.mark.django_db


def test_principal_edits_the_form(client_as: Any, room: Any) -> None:
    principal = client_as("principal")
    url = reverse("report_cards:template_edit", args=[room.school.uuid])
    page = principal.get(url)
    assert page.status_code == 200
    data = {name: value for name, value in page.context["form"].initial.items() if value not in (None, False)}
    data.update({"title": "  あゆみ2  ", "paper": "a3_folded", "heading_remarks": "先生から"})
    data.pop("show_ratings", None)
    response = principal.post(url, data)
    assert response.status_code == 302
    template = ReportCardTemplate.objects.get(school=room.school)
    assert (template.title, template.paper, template.heading_remarks) == ("あゆみ2", "a3_folded", "先生から")
    assert template.show_ratings is False and template.show_remarks is True


def test_an_empty_title_is_refused_in_japanese(client_as: Any, room: Any) -> None:
    principal = client_as("principal")
    url = reverse("report_cards:template_edit", args=[room.school.uuid])
    response = principal.post(url, {"title": "", "paper": "a4"})
    assert response.status_code == 200
    assert "このフィールドは必須です。" in response.content.decode()
    assert ReportCardTemplate.objects.get(school=room.school).title == "あゆみ"


def test_the_default_wording_is_shown_not_saved(client_as: Any, room: Any) -> None:
    response = client_as("principal").post(
        reverse("report_cards:template_edit", args=[room.school.uuid]), {"restore": "1"}
    )
    assert response.status_code == 200
    assert response.context["form"].initial["title"] == "あゆみ"


def _start(client: Any, room: Any, term: Any, kind: str) -> ReportCardBatch:
    response = client.post(
        reverse("report_cards:school_print", args=[room.school.uuid]), {"term": term.pk, "output_kind": kind}
    )
    assert response.status_code == 302
    batch = ReportCardBatch.objects.visible_to(room_principal(), "view").latest("created_at")
    assert response["Location"] == reverse("report_cards:batch", args=[batch.uuid])
    return batch


def room_principal() -> Any:
    from tsunagu.accounts.models import User

    return User.objects.get(username="principal")


def test_whole_school_merged(client_as: Any, room: Any, term1: Any, users: Any) -> None:
    principal = client_as("principal")
    batch = _start(principal, room, term1, "merged")
    batch.refresh_from_db()
    assert batch.state == BatchState.DONE, batch.error
    enrolments = selectors.school_enrolments(actor=users["principal"], school=room.school, term=term1)
    classes = len({e.homeroom_id for e in enrolments})
    assert (batch.done, batch.total, batch.pupils) == (classes + 1, classes + 1, len(enrolments))
    page = principal.get(reverse("report_cards:batch", args=[batch.uuid]))
    assert page.status_code == 200 and b"hx-trigger" not in page.content  # finished: no more polling
    download = principal.get(reverse("report_cards:batch_download", args=[batch.uuid]))
    assert download.status_code == 200 and download.content.startswith(b"%PDF")
    assert len(re.findall(rb"/MediaBox", download.content)) == 2 * len(enrolments)


def test_whole_school_zip_of_classes(client_as: Any, room: Any, term1: Any, users: Any) -> None:
    principal = client_as("principal")
    batch = _start(principal, room, term1, "zip")
    batch.refresh_from_db()
    assert batch.state == BatchState.DONE, batch.error
    download = principal.get(reverse("report_cards:batch_download", args=[batch.uuid]))
    assert download["Content-Type"] == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(download.content)).namelist()
    enrolments = selectors.school_enrolments(actor=users["principal"], school=room.school, term=term1)
    rooms = {e.homeroom_id for e in enrolments}
    assert len(names) == len(rooms) and all(n.endswith(".pdf") for n in names)


def test_progress_fragment_polls_while_running(client_as: Any, room: Any, term1: Any, users: Any) -> None:
    batch = ReportCardBatch.objects.create(
        school=room.school,
        term=term1,
        requested_by=users["principal"],
        state=BatchState.RUNNING,
        done=3,
        total=12,
    )
    response = client_as("principal").get(reverse("report_cards:batch_progress", args=[batch.uuid]))
    body = response.content.decode()
    assert 'hx-trigger="every 2s"' in body and 'value="25"' in body
    assert (
        client_as("principal").get(reverse("report_cards:batch_download", args=[batch.uuid])).status_code
        == 404
    )


def test_a_failed_job_says_so(room: Any, term1: Any, users: Any) -> None:
    from tsunagu.report_cards import services

    other_school_term = term1
    batch = ReportCardBatch.objects.create(
        school=room.school, term=other_school_term, requested_by=users["teacher"]
    )
    services.report_card_batch_run(batch_id=batch.pk)  # the teacher may not print the school
    batch.refresh_from_db()
    assert batch.state == BatchState.FAILED and batch.output is None
    assert batch.error == "依頼した人は、この学校の通知表を印刷できなくなっています。"


def test_index_lists_the_classes(client_as: Any, room: Any) -> None:
    response = client_as("teacher").get(reverse("report_cards:index"))
    assert [link.homeroom for link in response.context["links"]] == [room]
    principal = client_as("principal").get(reverse("report_cards:index"))
    assert (
        len(principal.context["links"])
        == Homeroom.objects.filter(school=room.school, school_year=room.school_year).count()
    )
    assert principal.context["schools"] == [room.school]
