"""The one-line dialogue step the assistant's service tests share."""

from personalization.assistant.services import message_post


def turn(conversation, text, asker):
    """One shopper message through the service; the assistant's answer."""
    _asked, answered = message_post(conversation=conversation, text=text, asker=asker)
    return answered
