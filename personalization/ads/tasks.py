"""Beat tasks of the ads app; each calls one service."""

from celery import shared_task

from personalization.ads import services


@shared_task(ignore_result=True)
def refresh_ad_quality() -> int:
    """Recount impressions and clicks behind each ad's predicted CTR, and each slot's average."""
    return services.ad_quality_refresh()


@shared_task(ignore_result=True)
def end_finished_campaigns() -> int:
    return services.campaigns_end_finished()
