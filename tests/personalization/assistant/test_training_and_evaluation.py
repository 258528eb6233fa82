"""The intent model's training task (versioned, promoted only when better) and the test-set scorer."""

import json

import pytest
from django.core.management import call_command

from personalization.assistant.models import IntentExample, IntentModelVersion
from personalization.assistant.tasks import train_intent_model
from personalization.assistant.training import intent_model_train

pytestmark = pytest.mark.django_db


def test_the_task_trains_a_first_champion_with_metrics(catalogue, celery_eager):
    version = IntentModelVersion.objects.get(pk=train_intent_model.delay().get())
    assert version.status == IntentModelVersion.Status.CHAMPION
    assert version.metrics["holdout_accuracy"] > 0.8
    assert version.snapshot["phrases"] > 500
    assert set(version.weights["classes"]) >= {"search", "order_status", "faq", "human"}


def test_a_staff_example_is_learned(catalogue):
    IntentExample.objects.create(text="wie viel kostet der versand", intent="faq")
    version = intent_model_train()
    assert version.snapshot["staff_examples"] == 1


def test_a_worse_candidate_is_not_promoted(catalogue, monkeypatch):
    from personalization.assistant import training

    champion = intent_model_train()
    # given a training run that learns nothing: every message reads as small talk
    monkeypatch.setattr(
        training,
        "train_weights",
        lambda texts, labels: {"classes": ["smalltalk", "search"], "intercept": [1.0, 0.0], "coefficients": {}},
    )
    candidate = intent_model_train()
    champion.refresh_from_db()
    assert candidate.status == IntentModelVersion.Status.CANDIDATE
    assert candidate.decision.startswith("Not promoted")
    assert champion.status == IntentModelVersion.Status.CHAMPION
    assert candidate.metrics["holdout_accuracy"] < candidate.metrics["champion_holdout_accuracy"]


def test_the_evaluation_command_scores_a_test_set(catalogue, tmp_path, capsys):
    testset = {
        "faq": [{"question_en": "How long does delivery take?", "answer_en": "Three to five days.",
                 "keywords_en": "delivery days shipping time"}],
        "dialogues": [
            {"language": "en", "signed_in": False, "turns": [
                {"message": "Aurora running shoes", "intent": "search", "outcome": "products",
                 "constraints": {"category": "shoes", "brands": ["aurora"]}},
                {"message": "in black", "intent": "refine", "outcome": "products",
                 "constraints": {"category": "shoes", "brands": ["aurora"], "attributes": {"colour": "Black"}}},
            ]},
            {"language": "en", "signed_in": True, "turns": [
                {"message": "where is order {FOREIGN}", "intent": "order_status", "outcome": "no_order"},
                {"message": "how many days does delivery take", "intent": "faq", "outcome": "faq"},
            ]},
        ],
    }  # fmt: skip
    path = tmp_path / "set.json"
    path.write_text(json.dumps(testset))
    call_command("assistant_evaluate", testset=str(path), failures=True)
    out = capsys.readouterr().out
    assert "turns: 4" in out
    assert "all             4   100.0%       100.0%   100.0%  100.0%" in out, out
    assert not IntentModelVersion.objects.exists()
