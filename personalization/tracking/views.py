"""Browser forms of the consent banner and the privacy controls; CSRF-protected, each redirects back."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from personalization.tracking import buffer
from personalization.tracking.identity import VISITOR_COOKIE
from personalization.tracking.policy import CONSENT_COOKIE, CONSENT_DENIED, CONSENT_GRANTED, OPT_OUT_COOKIE
from personalization.tracking.services import behaviour_data_delete, behaviour_data_export, personalization_set

CHOICE_COOKIE_AGE = 60 * 60 * 24 * 365


def _back(request: HttpRequest) -> HttpResponseRedirect:
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("shop:home")  # in the page's language
    return HttpResponseRedirect(target)


def _set_choice_cookie(response: HttpResponse, name: str, value: str) -> None:
    response.set_cookie(
        name, value, max_age=CHOICE_COOKIE_AGE, httponly=True, samesite="Lax", secure=not settings.DEBUG
    )


def _signed_in_user(request: HttpRequest):
    return request.user if request.user.is_authenticated else None


@require_POST
def consent_set(request: HttpRequest) -> HttpResponse:
    granted = request.POST.get("decision") == "accept"
    response = _back(request)
    _set_choice_cookie(response, CONSENT_COOKIE, CONSENT_GRANTED if granted else CONSENT_DENIED)
    if not granted:
        response.delete_cookie(VISITOR_COOKIE, samesite="Lax")
    return response


@require_POST
def personalization_toggle(request: HttpRequest) -> HttpResponse:
    enabled = request.POST.get("enabled") == "1"
    user = _signed_in_user(request)
    if user is not None:
        personalization_set(user=user, enabled=enabled)
    response = _back(request)
    # The cookie covers anonymous visitors, and signed-out pages of a user who switched off.
    if enabled:
        response.delete_cookie(OPT_OUT_COOKIE, samesite="Lax")
    else:
        _set_choice_cookie(response, OPT_OUT_COOKIE, "1")
    messages.success(request, _("Personalization is on.") if enabled else _("Personalization is off."))
    return response


@require_GET
def behaviour_data_download(request: HttpRequest) -> HttpResponse:
    data = behaviour_data_export(user=_signed_in_user(request), visitor_id=request.visitor_id)
    response = JsonResponse(data, json_dumps_params={"indent": 2})
    response["Content-Disposition"] = 'attachment; filename="my-behaviour-data.json"'
    return response


@require_POST
def behaviour_data_delete_confirmed(request: HttpRequest) -> HttpResponse:
    if request.POST.get("confirm") != "yes":
        messages.error(request, _("Tick the box to confirm that your behavioural data should be deleted."))
        return _back(request)
    try:
        behaviour_data_delete(user=_signed_in_user(request), visitor_id=request.visitor_id)
    except buffer.BufferUnavailable:
        messages.error(request, _("Your data could not be deleted right now; nothing was. Please try again."))
        return _back(request)
    messages.success(request, _("Your behavioural data has been deleted."))
    return _back(request)
