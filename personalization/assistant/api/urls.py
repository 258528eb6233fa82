from django.urls import path

from personalization.assistant.api.views import AssistantConversationView, AssistantMessageView

urlpatterns = [
    path("assistant/messages", AssistantMessageView.as_view(), name="api-assistant-messages"),
    path(
        "assistant/conversations/<uuid:conversation>",
        AssistantConversationView.as_view(),
        name="api-assistant-conversation",
    ),
]
