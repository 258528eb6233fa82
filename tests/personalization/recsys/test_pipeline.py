import ast
import json
from pathlib import Path

import numpy as np
import pytest

import personalization.recsys
from personalization.recsys.data import DataError
from personalization.recsys.models import Recommender, SASRec
from personalization.recsys.pipeline import make_model, train_and_evaluate

SMALL = {"hidden": 32, "layers": 1, "max_len": 16, "dropout": 0.1, "batch_size": 32, "learning_rate": 5e-3}


def test_train_and_evaluate_returns_model_metrics_and_snapshot(pair_rows):
    progress = []
    model, metrics, stats = train_and_evaluate(
        pair_rows,
        model_name="sasrec",
        config={**SMALL, "epochs": 12},
        device="cpu",
        progress=lambda epoch, loss, val: progress.append(epoch),
    )
    assert isinstance(model, SASRec)
    assert progress[0] == 1
    assert metrics["HR@10"] > 0.8 and metrics["device"] == "cpu"
    assert metrics["config"]["hidden"] == 32 and metrics["trainer"]["epochs"] == 12
    assert 0 < metrics["validation_NDCG@10"] <= 1 and metrics["averaged_checkpoints"] == 0
    assert set(metrics["segments"]) == {"new", "returning", "few", "many", "new_item", "one_or_two_events"}
    json.dumps(metrics)  # stored as a JSON field next to the artifact
    assert stats.users == 120 and stats.interactions == len(pair_rows)
    # Serving: raw ids in, raw ids out, without the data set.
    top = model.recommend([7, 8, 3], k=1)
    assert top[0][0] == 4
    scores = model.score_candidates([7, 8, 3], [4, 5, "unknown"])
    assert scores[0] > scores[1] and scores[2] == -np.inf


def test_cheap_models_train_through_the_same_call(tiny_rows):
    for name in ("popularity", "covisit", "fbt"):
        model, metrics, _ = train_and_evaluate(tiny_rows * 1, model_name=name)
        assert model.name == name and metrics["seconds_per_epoch"] is None
        assert Recommender.from_bytes(model.to_bytes()).name == name


def test_refit_trains_on_every_interaction(pair_rows):
    model, _, _ = train_and_evaluate(pair_rows, model_name="covisit", config={"normalize": False}, refit=True)
    held_out_model, _, _ = train_and_evaluate(pair_rows, model_name="covisit", config={"normalize": False})
    assert model.neighbour_scores.sum() > held_out_model.neighbour_scores.sum()


def test_bad_requests_fail_clearly(tiny_rows):
    with pytest.raises(ValueError, match="unknown model"):
        make_model("word2vec")
    with pytest.raises(ValueError, match="unknown config key"):
        make_model("sasrec", {"hiden": 64})
    with pytest.raises(DataError, match="too few interactions"):
        train_and_evaluate(tiny_rows[:3], model_name="popularity")


def test_the_package_imports_nothing_from_django():
    package = Path(personalization.recsys.__file__).parent
    for source in package.rglob("*.py"):
        tree = ast.parse(source.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            else:
                continue
            assert not any(n.split(".")[0] == "django" for n in names), f"{source} imports {names}"


def test_the_metrics_say_how_many_held_out_users_they_cover(pair_rows, monkeypatch):
    from personalization.recsys import evaluation

    _, metrics, _ = train_and_evaluate(pair_rows, model_name="popularity")
    assert metrics["users"] == metrics["held_out_users"] == 120
    # above the catalogue size where the users are sampled (each still ranked against the whole catalogue)
    monkeypatch.setattr(evaluation, "SAMPLE_USERS_ABOVE_ITEMS", 10)
    monkeypatch.setattr(evaluation, "EVALUATION_USERS", 50)
    _, metrics, _ = train_and_evaluate(pair_rows, model_name="popularity")
    assert metrics["users"] == 50 and metrics["held_out_users"] == 120


def test_the_scoring_time_per_user_is_timed_on_at_most_256_users():
    from personalization.recsys.evaluation import HeldOut
    from personalization.recsys.models.base import History
    from personalization.recsys.pipeline import score_ms_per_user

    class Counting:
        n_items = 10
        scored = 0

        def score(self, histories):
            Counting.scored += len(histories)
            return np.zeros((len(histories), 11), dtype=np.float32)

    def users(n):
        return HeldOut(tuple(range(n)), tuple(History([1]) for _ in range(n)), *(np.zeros(n),) * 3)

    for n, timed in ((100, 100), (256, 256), (300, 256)):
        Counting.scored = 0
        assert score_ms_per_user(Counting(), users(n)) >= 0 and Counting.scored == timed
