"""Whether this page shows the assistant's panel: the `assistant_panel` experiment surface decides.

    {% load assistant_tags %}{% assistant_panel_shown as shown %}{% if shown %}...{% endif %}

With no experiment running on the surface the panel shows (the surface's default). The unit's exposure is
remembered per unit, so after its first page asking costs no query (experiments.decisions).
"""

from __future__ import annotations

from django import template

from personalization.experiments.decisions import assignment_for_every_page
from personalization.experiments.services import exposure_log_remembered

register = template.Library()
SURFACE = "assistant_panel"


@register.simple_tag(takes_context=True)
def assistant_panel_shown(context) -> bool:
    request = context.get("request")
    chosen, remembered = assignment_for_every_page(request, SURFACE)
    exposure_log_remembered(request=request, assignment=chosen, remembered=remembered)
    return chosen.config.get("panel") != "hidden"
