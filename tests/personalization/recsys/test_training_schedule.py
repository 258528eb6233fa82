"""The trainer's schedule (spaced evaluations, sampled validation, warm-up), the plain SASRec+
reference and the transition bias of the project's SASRec."""

import dataclasses
import io

import numpy as np
import torch

from personalization.recsys.evaluation import leave_last_out
from personalization.recsys.models import PlainSASRec, Recommender, SASRec
from personalization.recsys.models.sasrec import SASRecConfig
from personalization.recsys.trainer import Trainer, TrainerConfig

SMALL = SASRecConfig(hidden=32, layers=1, heads=1, max_len=16, dropout=0.1, affinity_rerank=False)


def trainer(**overrides) -> Trainer:
    settings = {"epochs": 6, "batch_size": 32, "learning_rate": 5e-3, "device": "cpu", "min_epochs": 50}
    return Trainer(TrainerConfig(**{**settings, **overrides}))


def evaluated_epochs(model, dataset, **overrides) -> list[int]:
    split = leave_last_out(dataset)
    seen = []
    model.fit(
        split.train,
        validation=split.validation,
        trainer=trainer(**overrides),
        progress=lambda epoch, loss, metrics: metrics and seen.append(epoch),
    )
    return seen


def test_evaluations_are_spaced_as_training_goes_on(pair_dataset):
    assert evaluated_epochs(SASRec(SMALL), pair_dataset, epochs=12) == list(range(1, 13))
    # after epoch e the next evaluation is max(1, floor(e / 4)) epochs later
    assert evaluated_epochs(SASRec(SMALL), pair_dataset, epochs=12, eval_spacing=0.25) == [
        1,
        2,
        3,
        4,
        5,
        6,
        7,
        8,
        10,
        12,
    ]


def test_validation_during_training_can_use_a_fixed_sample_of_users(pair_dataset, monkeypatch):
    from personalization.recsys import evaluation

    sizes = []
    real = evaluation.evaluate
    monkeypatch.setattr(evaluation, "evaluate", lambda model, held, **kw: sizes.append(len(held)) or real(model, held))
    split = leave_last_out(pair_dataset)
    SASRec(SMALL).fit(split.train, validation=split.validation, trainer=trainer(epochs=2, eval_users=30))
    assert sizes == [30, 30] and len(split.validation) > 30


def test_warm_up_raises_the_learning_rate_step_by_step(pair_dataset, monkeypatch):
    rates = []
    real_step = torch.optim.AdamW.step

    def step(self, *args, **kwargs):
        rates.append(self.param_groups[0]["lr"])
        return real_step(self, *args, **kwargs)

    monkeypatch.setattr(torch.optim.AdamW, "step", step)
    SASRec(SMALL).fit(pair_dataset, trainer=trainer(epochs=2, warmup_epochs=1))
    steps_per_epoch = len(rates) // 2
    assert rates[:steps_per_epoch] == sorted(rates[:steps_per_epoch]) and rates[0] < rates[steps_per_epoch - 1]
    assert rates[steps_per_epoch - 1] == 5e-3 and set(rates[steps_per_epoch:]) == {5e-3}


def test_the_reference_is_a_plain_sasrec_without_content_signals_or_second_stage(pair_dataset):
    model = PlainSASRec().fit(pair_dataset, trainer=trainer(epochs=1))
    config = model.config
    assert (config.hidden, config.layers) == (64, 2)
    assert not (config.use_event_types or config.use_time_gaps or config.transition_bias or config.affinity_rerank)
    assert model.network.content is None and model.network.transition is None and model.stages() == ()
    again = Recommender.from_bytes(model.to_bytes())
    assert isinstance(again, PlainSASRec) and np.allclose(again.score([[1, 2]]), model.score([[1, 2]]), atol=1e-5)


def test_the_transition_bias_starts_at_zero_and_learns_item_to_item_steps(pair_dataset):
    model = SASRec(SMALL)
    model.prepare_training(pair_dataset)
    assert model.config.transition_bias and not model.network.transition.weight.any()
    fitted = SASRec(SMALL).fit(pair_dataset, trainer=trainer(epochs=3))
    assert fitted.network.transition.weight[1:].abs().sum() > 0
    again = Recommender.from_bytes(fitted.to_bytes())
    assert np.allclose(again.score([[1, 2, 3]]), fitted.score([[1, 2, 3]]), atol=1e-5)


def test_an_artifact_saved_before_the_transition_bias_loads_without_it(pair_dataset):
    # given: an artifact whose config has no transition_bias key (saved by an older version)
    model = SASRec(dataclasses.replace(SMALL, transition_bias=False)).fit(pair_dataset, trainer=trainer(epochs=1))
    payload = torch.load(io.BytesIO(model.to_bytes()), weights_only=True)
    del payload["config"]["transition_bias"]
    buffer = io.BytesIO()
    torch.save(payload, buffer)
    # when
    loaded = Recommender.from_bytes(buffer.getvalue())
    # then
    assert loaded.network.transition is None
    assert np.allclose(loaded.score([[1, 2]]), model.score([[1, 2]]), atol=1e-5)


def scripted_validation(monkeypatch, scores):
    """Validation NDCG@10 read from ``scores`` in turn; returns the weights each evaluation saw."""
    from types import SimpleNamespace

    from personalization.recsys import evaluation

    seen, remaining = [], list(scores)

    def evaluate(model, held, **kwargs):
        seen.append({k: v.detach().clone() for k, v in model.network.state_dict().items()})
        return SimpleNamespace(metrics={"NDCG@10": remaining.pop(0)})

    monkeypatch.setattr(evaluation, "evaluate", evaluate)
    return seen


def test_checkpoint_averaging_keeps_the_mean_of_the_best_checkpoints_when_validation_agrees(pair_dataset, monkeypatch):
    # given: five epochs whose best three evaluations are epochs 2, 4 and 3; the average then scores best
    seen = scripted_validation(monkeypatch, [0.1, 0.3, 0.2, 0.25, 0.05, 0.31])
    split = leave_last_out(pair_dataset)
    model = SASRec(SMALL)
    # when
    report = model.fit(
        split.train, validation=split.validation, trainer=trainer(epochs=5, average_checkpoints=3)
    ).training_report
    # then
    assert report.best_epoch == 2 and report.averaged_checkpoints == 3
    assert report.best_metrics["NDCG@10"] == 0.31
    for name, weights in model.network.state_dict().items():
        if weights.is_floating_point():
            expected = (seen[1][name] + seen[3][name] + seen[2][name]) / 3
            assert torch.allclose(weights, expected, atol=1e-6), name


def test_checkpoint_averaging_keeps_the_best_checkpoint_when_the_average_scores_lower(pair_dataset, monkeypatch):
    seen = scripted_validation(monkeypatch, [0.1, 0.3, 0.2, 0.25, 0.05, 0.29])
    split = leave_last_out(pair_dataset)
    model = SASRec(SMALL)
    report = model.fit(
        split.train, validation=split.validation, trainer=trainer(epochs=5, average_checkpoints=3)
    ).training_report
    assert report.best_epoch == 2 and report.averaged_checkpoints == 0
    assert report.best_metrics["NDCG@10"] == 0.3 and report.averaged_metrics["NDCG@10"] == 0.29
    assert all(torch.equal(weights, seen[1][name]) for name, weights in model.network.state_dict().items())


def test_a_moving_average_of_the_weights_is_what_validation_scores_and_early_stopping_keeps(pair_dataset, monkeypatch):
    split = leave_last_out(pair_dataset)
    runs = {}
    for ema_epochs in (0, 1):
        seen = scripted_validation(monkeypatch, [0.1, 0.2, 0.3])
        model = SASRec(SMALL)
        report = model.fit(
            split.train, validation=split.validation, trainer=trainer(epochs=3, ema_epochs=ema_epochs)
        ).training_report
        runs[ema_epochs] = (report, seen, model.network.state_dict())
    (raw_report, raw_seen, raw_kept), (ema_report, ema_seen, ema_kept) = runs[0], runs[1]
    # the optimiser went on from the raw weights: the same losses, epoch by epoch
    assert ema_report.losses == raw_report.losses
    # validation scored the average, and early stopping kept what it scored
    assert all(torch.equal(ema_kept[name], ema_seen[2][name]) for name in ema_kept)
    assert all(torch.equal(raw_kept[name], raw_seen[2][name]) for name in raw_kept)
    assert not torch.equal(ema_kept["item_embedding.weight"], raw_kept["item_embedding.weight"])


def test_the_moving_average_follows_the_weights_with_a_warm_start():
    from personalization.recsys.trainer import _MovingAverage

    layer = torch.nn.Linear(1, 1, bias=False)
    with torch.no_grad():
        layer.weight.fill_(0.0)
    average = _MovingAverage(layer, horizon_steps=4)
    expected = 0.0
    for step in range(1, 6):
        with torch.no_grad():
            layer.weight.fill_(float(step))
        average.update(layer)
        decay = min(0.75, (1 + step) / (10 + step))
        expected = decay * expected + (1 - decay) * step
        assert abs(float(average.state["weight"]) - expected) < 1e-6


def test_validation_on_a_catalogue_above_the_threshold_is_a_fixed_sample_of_users(pair_dataset, monkeypatch):
    from personalization.recsys import evaluation

    sizes = []
    real = evaluation.evaluate
    monkeypatch.setattr(evaluation, "evaluate", lambda model, held, **kw: sizes.append(len(held)) or real(model, held))
    monkeypatch.setattr(evaluation, "VALIDATION_USERS", 30)
    split = leave_last_out(pair_dataset)
    # at the threshold: every validation user
    monkeypatch.setattr(evaluation, "SAMPLE_USERS_ABOVE_ITEMS", pair_dataset.n_items)
    SASRec(SMALL).fit(split.train, validation=split.validation, trainer=trainer(epochs=1))
    # above it: a sample
    monkeypatch.setattr(evaluation, "SAMPLE_USERS_ABOVE_ITEMS", pair_dataset.n_items - 1)
    SASRec(SMALL).fit(split.train, validation=split.validation, trainer=trainer(epochs=1))
    assert sizes == [len(split.validation), 30] and len(split.validation) > 30


def test_adamw_runs_fused_above_a_catalogue_size(pair_dataset, monkeypatch):
    from personalization.recsys import trainer as trainer_module

    made = []
    real = torch.optim.AdamW

    def adamw(*args, **kwargs):
        made.append(kwargs.get("fused"))
        return real(*args, **kwargs)

    monkeypatch.setattr(torch.optim, "AdamW", adamw)
    monkeypatch.setattr(trainer_module, "FUSED_OPTIMISER_ABOVE_ITEMS", pair_dataset.n_items)
    SASRec(SMALL).fit(pair_dataset, trainer=trainer(epochs=1))
    monkeypatch.setattr(trainer_module, "FUSED_OPTIMISER_ABOVE_ITEMS", pair_dataset.n_items - 1)
    losses = []
    SASRec(SMALL).fit(pair_dataset, trainer=trainer(epochs=3), progress=lambda e, loss, m: losses.append(loss))
    assert made == [None, True] and losses[-1] < losses[0]
