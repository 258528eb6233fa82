from django.apps import AppConfig


class AssistantConfig(AppConfig):
    name = "personalization.assistant"
    label = "assistant"
    verbose_name = "Shopping assistant"
