from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "personalization.search"
    label = "personalization_search"
    verbose_name = "Search intents"
