from celery import shared_task

from personalization.assistant.training import intent_model_train


@shared_task(queue="training")
def train_intent_model() -> int:
    """Train an intent model from the current phrases; it is promoted only if it beats the champion."""
    return intent_model_train().pk
