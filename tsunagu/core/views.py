"""Base views: function-level and object-level access checks done once, before the view body runs.

A view names the model and action it serves. ``policy_required`` answers 403 to an actor whose
roles have no rule for that model and action at all (function level). ``get_visible_or_404``
fetches an object through ``visible_to``: an object outside the actor's scope answers 404, exactly
like a missing one, and the refused attempt is written to the audit log. After a write,
``ensure_visible_after_write`` checks, inside the write's transaction, that the actor can still see
what they changed; if not, the write is rolled back.
"""

from __future__ import annotations

import uuid as uuid_module
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from tsunagu.core.audit import audit_event, log_access
from tsunagu.core.policy import registry

M = TypeVar("M", bound=models.Model)
View = Callable[..., HttpResponse]


def policy_required(model: type[models.Model] | str, action: str = "view") -> Callable[[View], View]:
    """Decorator: login required, and 403 unless one of the actor's roles has a rule for model/action."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not registry.allows_any(request.user, model, action):
                audit_event(
                    kind="access_denied",
                    actor=request.user,
                    request=request,
                    detail={"model": str(model), "action": action, "level": "function"},
                )
                raise PermissionDenied
            try:
                return view(request, *args, **kwargs)
            except WriteOutOfScope as refused:
                # Recorded here, after the write's transaction has rolled back (it would vanish with it).
                audit_event(
                    kind="write_out_of_scope", actor=request.user, request=request, detail=refused.detail
                )
                raise

        wrapped.tsunagu_policy = (model if isinstance(model, str) else model._meta.label, action)  # type: ignore[attr-defined]
        return wrapped

    return decorator


def get_visible_or_404(
    model: type[M],
    request: HttpRequest,
    uuid: uuid_module.UUID | str,
    action: str = "view",
    queryset: models.QuerySet[M] | None = None,
) -> M:
    """The object with public ``uuid`` if the actor may ``action`` it, else 404 (missing or out of scope)."""
    base = queryset if queryset is not None else model._default_manager.all()
    try:
        return base.visible_to(request.user, action).get(uuid=uuid)  # type: ignore[attr-defined]
    except model.DoesNotExist as exc:  # type: ignore[attr-defined]
        # The base manager is unscoped on purpose: this only tells "forbidden" from "missing" for the log.
        if model._base_manager.filter(uuid=uuid).exists():
            audit_event(
                kind="access_denied",
                actor=request.user,
                request=request,
                detail={"model": model._meta.label, "action": action, "uuid": str(uuid)},
            )
        raise Http404 from exc


class WriteOutOfScope(PermissionDenied):
    """A write left its object outside the actor's scope; the write has been rolled back."""

    def __init__(self, detail: dict[str, Any]) -> None:
        super().__init__("write out of scope")
        self.detail = detail


def ensure_visible_after_write(actor: Any, instance: models.Model, action: str = "view") -> None:
    """Refuse a write that moved its object out of the actor's scope (ARCHITECTURE §4.2).

    Call it inside the write's ``transaction.atomic()`` block, after the service has written: it
    raises ``WriteOutOfScope`` (so the block rolls back and the view answers 403; ``policy_required``
    records the refusal after the rollback) when the changed object is no longer visible to the actor
    for ``action``, e.g. a form that moved a pupil to a school the actor does not serve.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("ensure_visible_after_write must run inside the write's transaction")
    model = type(instance)
    visible = model._default_manager.visible_to(actor, action)  # type: ignore[attr-defined]
    if not visible.filter(pk=instance.pk).exists():
        raise WriteOutOfScope({"model": model._meta.label, "action": action, "pk": str(instance.pk)})


@policy_required("students.Student", "view_audit")
def student_audit(request: HttpRequest, student_uuid: uuid_module.UUID) -> HttpResponse:
    """For the principal: who viewed or changed this child's records (SECURITY.md §4)."""
    from tsunagu.core.selectors import student_audit_trail
    from tsunagu.students.models import Student

    student = get_visible_or_404(Student, request, student_uuid, "view_audit")
    entries = student_audit_trail(actor=request.user, student=student)
    # The trail shows past values, addresses included: reading it is itself a class-I read.
    log_access(actor=request.user, records=[student], request=request, action="view_audit")
    return render(request, "audit/student_audit.html", {"student": student, "entries": entries})
