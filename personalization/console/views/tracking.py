"""/staff/tracking/: is behaviour arriving? Events per minute, the buffer, dead letters and bot share."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from personalization.console.access import staff_page
from personalization.console.health import tracking_health_snapshot

DECISION_LABELS = {
    "ok": _("Recorded"),
    "bot": _("Bot: not recorded"),
    "dnt": _("Do Not Track: not recorded"),
    "gpc": _("Global Privacy Control: not recorded"),
    "no_consent": _("No consent yet: not recorded"),
    "opted_out": _("Shopper opted out: not recorded"),
}


@staff_page("tracking.view_event")
def tracking_health(request: HttpRequest) -> HttpResponse:
    health = tracking_health_snapshot()
    chart = {
        "labels": [timezone.localtime(minute).strftime("%H:%M") for minute in health.minutes],
        "events": health.events_per_minute,
        "label": str(_("Events stored per minute")),
    }
    counts = health.decisions.by_reason
    decision_rows = [
        (reason, str(DECISION_LABELS.get(reason, reason)), counts[reason])
        for reason in sorted(counts, key=lambda reason: -counts[reason])
    ]
    context = {"console_section": "tracking", "health": health, "chart": chart, "decision_rows": decision_rows}
    return render(request, "staff/tracking.html", context)
