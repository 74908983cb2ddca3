"""Pages of いいところ and 共有TOPIC. Thin: access by decorator and ``get_visible_or_404``, rules in
``services``, reads in ``selectors``. Pages that show a sensitive (class I) topic write the access log.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tsunagu.core.audit import log_access
from tsunagu.core.views import get_visible_or_404, policy_required
from tsunagu.observations import selectors, services
from tsunagu.observations.forms import GoodPointForm, HomeNoteForm, TopicForm
from tsunagu.observations.models import Area, GoodPoint, SharedTopic, Tag, Visibility
from tsunagu.observations.phrases import PHRASES
from tsunagu.org.models import Homeroom
from tsunagu.students.models import Student


def _back(request: HttpRequest, fallback: str) -> HttpResponseRedirect:
    """Redirect to the ``next`` page of this site, else ``fallback``."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return HttpResponseRedirect(target)
    return HttpResponseRedirect(fallback)


def _log_topics(request: HttpRequest, topics: list[SharedTopic]) -> None:
    """Log reads of the sensitive topics shown (class I)."""
    sensitive = selectors.class_i_topics(topics)
    if sensitive:
        log_access(actor=request.user, records=sensitive, request=request, fields=SharedTopic.class_i_fields)


def _student(request: HttpRequest, student_uuid: uuid.UUID, action: str) -> Student:
    return get_visible_or_404(Student, request, student_uuid, action)


# --- いいところ: the quick entry ---------------------------------------------------------------------


@policy_required(GoodPoint, "add")
def good_point_new(request: HttpRequest) -> HttpResponse:
    """いいところ in seconds: pick a pupil (one's class, another class, or a name search), tap 学習 or
    生活, write a sentence or tap a phrase, save. The page returns with the class still open."""
    homerooms = selectors.entry_homerooms(actor=request.user)
    source = request.POST if request.method == "POST" else request.GET
    room_key = source.get("homeroom", "")
    homeroom = next((h for h in homerooms if str(h.uuid) == room_key), homerooms[0] if homerooms else None)
    query = request.GET.get("q", "").strip()
    form = GoodPointForm(request.POST or None, initial={"student": request.GET.get("student", "")})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        student = _student(request, data["student"], "view")
        try:
            point = services.good_point_create(
                actor=request.user,
                student=student,
                tag=data["tag"],
                text=data["text"],
                shared_with_home=data["shared_with_home"],
            )
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
        else:
            messages.success(
                request,
                _("Saved: %(name)s (%(tag)s)") % {"name": student.full_name, "tag": point.get_tag_display()},
            )
            url = reverse("observations:good_point_new")
            return HttpResponseRedirect(f"{url}?homeroom={homeroom.uuid}" if homeroom else url)
    pupils = selectors.pickable_pupils(actor=request.user, homeroom=homeroom, query=query)
    chosen = str(form["student"].value() or "")
    today = services.observation_today()
    recent = selectors.my_recent_good_points(actor=request.user)
    context: dict[str, Any] = {
        "form": form,
        "homerooms": homerooms,
        "homeroom": homeroom,
        "query": query,
        "pupils": pupils,
        "chosen": chosen,
        "tags": Tag.choices,
        "phrases": PHRASES,
        "recent": recent,
        "deletable": selectors.deletable_ids(actor=request.user, points=recent),
        "today": today,
        "today_count": selectors.my_count_on(actor=request.user, day=today),
    }
    return render(request, "observations/good_point_new.html", context)


@require_POST
@policy_required(GoodPoint, "delete")
def good_point_delete(request: HttpRequest, good_point_uuid: uuid.UUID) -> HttpResponse:
    """Take back one's own note (this school year)."""
    point = get_visible_or_404(GoodPoint, request, good_point_uuid, "delete")
    services.good_point_delete(actor=request.user, good_point=point)
    messages.success(request, _("The note has been removed."))
    return _back(request, reverse("observations:good_point_new"))


# --- the pupil's page and the class overview ------------------------------------------------------------


@policy_required(Student, "view_observations")
def pupil(request: HttpRequest, student_uuid: uuid.UUID) -> HttpResponse:
    """いいところ of the year with counts per year and tag, and the 共有TOPIC timeline (filter by area)."""
    student = _student(request, student_uuid, "view_observations")
    state = selectors.pupil_observations_get(
        actor=request.user, student=student, area=request.GET.get("area", "")
    )
    _log_topics(request, state.topics)
    context = {"state": state, "student": student, "areas": Area.choices}
    return render(request, "observations/pupil.html", context)


@policy_required(Homeroom, "view_observations")
def class_overview(request: HttpRequest, homeroom_uuid: uuid.UUID) -> HttpResponse:
    """Per pupil: notes this year and this month, the last note, topics — pupils with few notes flagged,
    so the teacher notices whom nobody has praised yet."""
    homeroom = get_visible_or_404(
        Homeroom,
        request,
        homeroom_uuid,
        "view_observations",
        queryset=Homeroom.objects.select_related("school", "school_year", "grade_level"),
    )
    overview = selectors.class_overview_get(actor=request.user, homeroom=homeroom)
    context = {"homeroom": homeroom, "overview": overview, "few_notes": selectors.FEW_NOTES}
    return render(request, "observations/class_overview.html", context)


# --- 共有TOPIC ------------------------------------------------------------------------------------


def _topic_form_page(
    request: HttpRequest, *, student: Student, form: TopicForm, topic: SharedTopic | None
) -> HttpResponse:
    context = {"student": student, "form": form, "topic": topic, "visibility": Visibility.choices}
    return render(request, "observations/topic_form.html", context)


@policy_required(Student, "add_topic")
def topic_new(request: HttpRequest, student_uuid: uuid.UUID) -> HttpResponse:
    """Post a dated observation (生活, 学習, 家庭) about the pupil, with who may read it."""
    student = _student(request, student_uuid, "add_topic")
    form = TopicForm(request.POST or None, initial={"date": services.observation_today()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.topic_create(
                actor=request.user,
                student=student,
                area=data["area"],
                text=data["text"],
                visibility=data["visibility"],
                sensitive=data["sensitive"],
                day=data["date"],
            )
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
        else:
            messages.success(request, _("The topic has been posted."))
            return HttpResponseRedirect(reverse("observations:pupil", args=[student.uuid]))
    return _topic_form_page(request, student=student, form=form, topic=None)


@policy_required(SharedTopic, "change")
def topic_edit(request: HttpRequest, topic_uuid: uuid.UUID) -> HttpResponse:
    """Change one's own topic; every earlier version stays readable in its history."""
    topic = get_visible_or_404(
        SharedTopic, request, topic_uuid, "change", queryset=SharedTopic.objects.select_related("student")
    )
    initial = {
        "area": topic.area,
        "text": topic.text,
        "visibility": topic.visibility,
        "sensitive": topic.sensitive,
        "date": topic.date,
    }
    form = TopicForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.topic_update(
                actor=request.user,
                topic=topic,
                area=data["area"],
                text=data["text"],
                visibility=data["visibility"],
                sensitive=data["sensitive"],
                day=data["date"],
            )
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
        else:
            messages.success(request, _("The topic has been changed; the earlier version is kept."))
            return HttpResponseRedirect(reverse("observations:pupil", args=[topic.student.uuid]))
    _log_topics(request, [topic])
    return _topic_form_page(request, student=topic.student, form=form, topic=topic)


@policy_required(SharedTopic, "view_history")
def topic_history(request: HttpRequest, topic_uuid: uuid.UUID) -> HttpResponse:
    """Every version of a topic: when, by whom, what it said and who could read it."""
    topic = get_visible_or_404(
        SharedTopic,
        request,
        topic_uuid,
        "view_history",
        queryset=SharedTopic.objects.select_related("student"),
    )
    versions = selectors.topic_history(actor=request.user, topic=topic)
    if any(v.sensitive for v in versions):
        log_access(
            actor=request.user, records=[topic], request=request, action="view_history", fields=("text",)
        )
    context = {"topic": topic, "student": topic.student, "versions": versions}
    return render(request, "observations/topic_history.html", context)


@require_POST
@policy_required(SharedTopic, "acknowledge")
def topic_acknowledge(request: HttpRequest, topic_uuid: uuid.UUID) -> HttpResponse:
    """The homeroom teacher has read a guardian's 家庭のようす note."""
    topic = get_visible_or_404(SharedTopic, request, topic_uuid, "acknowledge")
    services.topic_acknowledge(actor=request.user, topic=topic)
    messages.success(request, _("Marked as read."))
    return _back(request, reverse("home"))


# --- the guardian -------------------------------------------------------------------------------------


@policy_required(Student, "send_home_note")
def home_note_new(request: HttpRequest) -> HttpResponse:
    """家庭のようす: a guardian tells the class teacher about home (sleep, appetite, a change in family)."""
    children = list(Student.objects.visible_to(request.user, "send_home_note").order_by("birth_date", "pk"))
    form = HomeNoteForm(
        request.POST or None, children=children, initial={"student": request.GET.get("child")}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        child = next(c for c in children if str(c.uuid) == data["student"])
        try:
            services.home_note_send(actor=request.user, student=child, text=data["text"])
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
        else:
            messages.success(request, _("Sent to the class teacher. Thank you."))
            return HttpResponseRedirect(reverse("observations:home_note_new"))
    since = services.observation_today() - dt.timedelta(days=90)
    sent = {
        c.pk: [t for t in selectors.topics_for(actor=request.user, student=c, since=since) if t.from_guardian]
        for c in children
    }
    context = {"form": form, "children": [(c, sent[c.pk]) for c in children]}
    return render(request, "observations/home_note_new.html", context)
