"""Training the intent model: the phrases (seeds, catalogue-generated, staff examples), a held-out split,
the metrics, and promotion only when the candidate beats the champion on the same held-out phrases."""

from __future__ import annotations

import random
import time

from django.core.cache import cache
from django.db import transaction

from personalization.assistant.intents import IntentModel, masked, train_weights
from personalization.assistant.lexicon import Lexicon, lexicon
from personalization.assistant.models import IntentExample, IntentModelVersion
from personalization.assistant.phrases import INTENTS, generated_phrases, seed_phrases

CHAMPION_CACHE_KEY = "assistant:intent-champion"
HOLDOUT_SHARE = 0.15


def training_phrases(*, words: Lexicon, with_staff_examples: bool = True) -> list[tuple[str, str]]:
    categories = _pairs(words.category_names)
    brands = _pairs(words.brand_names)
    attributes = [
        (labels.get("en", ""), labels.get("zh_hans", labels.get("en", "")))
        for labels in words.attribute_labels.values()
        if labels.get("en")
    ]
    phrases = seed_phrases() + generated_phrases(categories=categories, brands=brands, attributes=attributes)
    if with_staff_examples:
        phrases += [(e.text, e.intent) for e in IntentExample.objects.filter(intent__in=INTENTS)]
    return phrases


def _pairs(names: dict[str, dict[str, str]]) -> list[tuple[str, str]]:
    return [(n.get("en", ""), n.get("zh_hans") or n.get("en", "")) for n in names.values() if n.get("en")]


def split(phrases: list[tuple[str, str]], *, seed: int = 11) -> tuple[list, list]:
    """A held-out share of every intent's phrases; the same phrases always fall on the same side."""
    rng = random.Random(seed)
    ordered = sorted(set(phrases))
    rng.shuffle(ordered)
    train, holdout, seen = [], [], {}
    for text, intent in ordered:
        seen[intent] = seen.get(intent, 0) + 1
        (holdout if seen[intent] % round(1 / HOLDOUT_SHARE) == 0 else train).append((text, intent))
    return train, holdout


def accuracy(model: IntentModel, phrases: list[tuple[str, str]], words: Lexicon) -> float:
    if not phrases:
        return 0.0
    right = sum(model.predict(masked(text, words)).intent == intent for text, intent in phrases)
    return right / len(phrases)


def weights_in_memory(*, words: Lexicon) -> dict:
    """The model a fresh install serves before any training task ran: seeds and catalogue only, nothing saved."""
    phrases = training_phrases(words=words, with_staff_examples=False)
    return train_weights([masked(t, words) for t, _ in phrases], [i for _, i in phrases])


def intent_model_train(*, promote_if_better: bool = True) -> IntentModelVersion:
    started = time.perf_counter()
    words = lexicon()
    phrases = training_phrases(words=words)
    train, holdout = split(phrases)
    masked_train = [masked(t, words) for t, _ in train]
    weights = train_weights(masked_train, [i for _, i in train])
    candidate = IntentModel(weights)
    metrics = {"holdout_accuracy": round(accuracy(candidate, holdout, words), 4), "holdout_size": len(holdout)}
    # The served model is then refitted on every phrase; the held-out figure is the estimate.
    final = train_weights(masked_train + [masked(t, words) for t, _ in holdout], [i for _, i in train + holdout])
    version = IntentModelVersion.objects.create(
        weights=final,
        metrics=metrics,
        snapshot={
            "phrases": len(phrases),
            "staff_examples": IntentExample.objects.count(),
            "per_intent": {i: sum(1 for _, x in phrases if x == i) for i in INTENTS},
            "features": len(final["coefficients"]),
        },
        duration_seconds=round(time.perf_counter() - started, 2),
    )
    champion = IntentModelVersion.objects.filter(status=IntentModelVersion.Status.CHAMPION).first()
    if not promote_if_better:
        return version
    if champion is None:
        return intent_model_promote(version=version, reason="First intent model.")
    champion_accuracy = accuracy(IntentModel(champion.weights), holdout, words)
    metrics["champion_holdout_accuracy"] = round(champion_accuracy, 4)
    version.metrics = metrics
    if metrics["holdout_accuracy"] >= champion_accuracy:
        version.save(update_fields=["metrics"])
        return intent_model_promote(
            version=version, reason=f"{metrics['holdout_accuracy']:.3f} >= champion's {champion_accuracy:.3f}."
        )
    version.decision = f"Not promoted: {metrics['holdout_accuracy']:.3f} < champion's {champion_accuracy:.3f}."
    version.save(update_fields=["metrics", "decision"])
    return version


def intent_model_promote(*, version: IntentModelVersion, reason: str = "") -> IntentModelVersion:
    with transaction.atomic():
        IntentModelVersion.objects.filter(status=IntentModelVersion.Status.CHAMPION).exclude(pk=version.pk).update(
            status=IntentModelVersion.Status.RETIRED
        )
        version.status = IntentModelVersion.Status.CHAMPION
        version.decision = reason[:300]
        version.save(update_fields=["status", "decision"])
        transaction.on_commit(lambda: cache.set(CHAMPION_CACHE_KEY, version.pk, None))
    return version
