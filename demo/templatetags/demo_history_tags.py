"""The staff console's note while the demo's history is built beside the server, or was stopped midway."""

from django import template

from demo.history.selectors import demo_history_status

register = template.Library()


@register.inclusion_tag("demo/history_banner.html")
def demo_history_banner() -> dict:
    status = demo_history_status()
    return {"history": status, "shown": status.exists and not status.done}
