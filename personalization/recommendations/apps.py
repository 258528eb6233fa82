from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecommendationsConfig(AppConfig):
    name = "personalization.recommendations"
    # The label the app had when its code sat at the root of `personalization`: table names,
    # migration history and the other apps' foreign keys all name it.
    label = "personalization"
    verbose_name = _("Personalization")
