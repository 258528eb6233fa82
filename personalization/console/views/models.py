"""/staff/models/: model versions beside their champion, the training curve, promote and roll back.

Promotion and rollback go through personalization.recommendations.registry, the owner of which
version is champion; these views only check permission, call it and report what happened.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from personalization.console.access import staff_page
from personalization.console.model_versions import (
    compare_with_champion,
    segment_rows,
    training_curve,
    version_rows,
)
from personalization.recommendations.models import ModelVersion
from personalization.recommendations.registry import champion, model_version_promote, model_version_rollback

VIEW = "personalization.view_modelversion"
CHANGE = "personalization.change_modelversion"


@staff_page(VIEW)
def model_version_list(request: HttpRequest) -> HttpResponse:
    kind = request.GET.get("kind", "")
    if kind and kind not in ModelVersion.Kind.values:
        kind = ""
    versions = ModelVersion.objects.all()
    if kind:
        versions = versions.filter(kind=kind)
    context = {
        "console_section": "models",
        "rows": version_rows(list(versions[:50])),
        "kinds": ModelVersion.Kind.choices,
        "kind": kind,
        "can_change": request.user.has_perm(CHANGE),
    }
    return render(request, "staff/models/list.html", context)


@staff_page(VIEW)
def model_version_detail(request: HttpRequest, pk: int) -> HttpResponse:
    version = get_object_or_404(ModelVersion, pk=pk)
    current = champion(version.kind)
    context = {
        "console_section": "models",
        "version": version,
        "champion": current,
        "comparison": compare_with_champion(version, current),
        "segments": segment_rows(version, current),
        "curve": training_curve(version),
        "can_change": request.user.has_perm(CHANGE),
        "can_promote": version.status in {ModelVersion.Status.CANDIDATE, ModelVersion.Status.RETIRED}
        and bool(version.artifact),
    }
    return render(request, "staff/models/detail.html", context)


@require_POST
@staff_page(VIEW, CHANGE)
def model_version_promote_view(request: HttpRequest, pk: int) -> HttpResponse:
    version = get_object_or_404(ModelVersion, pk=pk)
    try:
        model_version_promote(version=version, reason=f"Promoted by {request.user} in the staff console.")
    except ValueError as error:
        messages.error(request, _("Not promoted: %(reason)s") % {"reason": error})
    else:
        messages.success(request, _("Version %(pk)s now serves pages.") % {"pk": version.pk})
    return redirect("console:model-detail", pk=version.pk)


@require_POST
@staff_page(VIEW, CHANGE)
def model_version_rollback_view(request: HttpRequest, kind: str) -> HttpResponse:
    if kind not in ModelVersion.Kind.values:
        messages.error(request, _("Unknown model kind."))
        return redirect("console:models")
    try:
        restored = model_version_rollback(kind=kind)
    except ValueError:
        messages.error(request, _("There is no earlier version of this kind to roll back to."))
        return redirect("console:models")
    messages.success(request, _("Rolled back: version %(pk)s serves pages again.") % {"pk": restored.pk})
    return redirect("console:model-detail", pk=restored.pk)
