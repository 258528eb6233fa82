"""Training loop for torch recommenders, kept apart from the models it trains.

AdamW, seeded (Python, NumPy, torch), early stopping on validation NDCG@10 with the best
weights restored at the end, automatic device choice (bf16 autocast on CUDA) and a
progress callback ``(epoch, loss, val_metrics)`` for the task that shows progress.
:meth:`Trainer.fit` then runs the model's post-training stages (``stages.py``) in order.

Given a :class:`~personalization.recsys.distributed.ProcessGroup` (a process of a ``torchrun``
launch), the epochs run data-parallel: the network is wrapped in DistributedDataParallel, each
process trains on its share of every epoch's batches, and the first process alone validates,
decides the learning rate and when to stop, and writes the checkpoint; its decisions and, at
the end, its best weights are broadcast so every process ends with the same model.
"""

from __future__ import annotations

import contextlib
import dataclasses
import math
import os
import random
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np
import torch

from personalization.recsys.data import InteractionDataset

if TYPE_CHECKING:
    # Types only: evaluation and models.base import the models package, whose SASRec imports this module.
    from personalization.recsys.choices import Choice
    from personalization.recsys.distributed import ProcessGroup
    from personalization.recsys.evaluation import HeldOut
    from personalization.recsys.models.base import TorchRecommender

ProgressCallback = Callable[[int, float, dict[str, float]], None]
EARLY_STOPPING_METRIC = "NDCG@10"
# A small data set still gets several optimiser steps per epoch, or it would barely train.
MIN_BATCHES_PER_EPOCH = 4
# Above this many items AdamW runs fused (one kernel over each tensor): it updates every row of the item
# embeddings at every step, and torch's default per-tensor CPU loop took 1.8 s a step for two 1,000,001 x 64
# tables against 0.14 s fused (one thread). Below, the default, whose results the smaller shops were measured with.
FUSED_OPTIMISER_ABOVE_ITEMS = 50_000


@dataclass
class TrainerConfig:
    epochs: int = 200
    # ml-100k: 64 sequences and 2e-3 reached the best validation NDCG of the settings tried.
    batch_size: int = 64  # at most; small data sets are cut into MIN_BATCHES_PER_EPOCH batches
    learning_rate: float = 2e-3
    weight_decay: float = 0.01
    patience: int = 10  # evaluations without improvement before stopping
    min_epochs: int = 20  # a transformer often sits at the popularity plateau for the first epochs
    lr_decay_patience: int | None = 3  # halve the learning rate after this many evaluations without gain
    eval_every: int = 1
    # Evaluations spaced as training slows: after epoch e the next evaluation comes
    # max(eval_every, floor(e * eval_spacing)) epochs later, so ``patience`` evaluations span a
    # share of the run so far instead of a fixed number of epochs. 0: every ``eval_every`` epochs.
    eval_spacing: float = 0.0
    # Validation on at most this many users (a fixed random sample) while training; None: all up to
    # evaluation.SAMPLE_USERS_ABOVE_ITEMS items, above them a sample of evaluation.VALIDATION_USERS.
    eval_users: int | None = None
    warmup_epochs: float = 0.0  # the learning rate rises linearly from 0 over this many epochs' steps
    # Checkpoint averaging: the weights of the best ``average_checkpoints`` evaluations (by validation
    # NDCG@10) are averaged at the end, and the average is kept when it scores at least as well on
    # validation as the best single checkpoint. 0 or 1: the best checkpoint alone.
    average_checkpoints: int = 0
    # An exponential moving average of the weights over about this many epochs' steps is what each
    # evaluation scores and what early stopping keeps; the optimiser goes on with the raw weights.
    # 0: the raw weights.
    ema_epochs: float = 0.0
    seed: int = 0
    device: str = "auto"  # "auto" | "cpu" | "cuda" (or "cuda:N")
    grad_clip: float | None = 5.0
    num_threads: int | None = None  # CPU threads for torch; None keeps torch's default
    checkpoint_path: str | None = None  # the best model artifact is written here when set
    max_seconds: float | None = None  # stop after the epoch that crosses this wall-clock budget


@dataclass
class TrainingReport:
    device: str
    epochs: int = 0
    best_epoch: int = 0
    best_metrics: dict[str, float] = field(default_factory=dict)
    losses: list[float] = field(default_factory=list)
    train_seconds: float = 0.0
    stopped_early: bool = False
    averaged_checkpoints: int = 0  # how many checkpoints the kept weights average (0: the best one alone)
    averaged_metrics: dict[str, float] = field(default_factory=dict)  # the average's validation metrics
    tail_epochs: int = 0  # epochs on the validation targets after the best one was chosen (stages.ValidationTail)
    # Fitting a second stage after the epochs (stages.AffinityStage); part of train_seconds.
    stage_seconds: float = 0.0
    # A data-parallel run: each process's digest of its weights once the best were shared (all equal).
    weight_digests: list[str] = field(default_factory=list)

    @property
    def seconds_per_epoch(self) -> float:
        return (self.train_seconds - self.stage_seconds) / self.epochs if self.epochs else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "device": self.device,
            "epochs": self.epochs,
            "best_epoch": self.best_epoch,
            "best_metrics": dict(self.best_metrics),
            "train_seconds": self.train_seconds,
            "seconds_per_epoch": self.seconds_per_epoch,
            "stopped_early": self.stopped_early,
            "averaged_checkpoints": self.averaged_checkpoints,
            "tail_epochs": self.tail_epochs,
            "stage_seconds": self.stage_seconds,
        }


def resolve_device(device: str = "auto") -> torch.device:
    """``auto`` picks CUDA when available; asking for CUDA without one is an error."""
    if device == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    resolved = torch.device(device)
    if resolved.type == "cuda" and not torch.cuda.is_available():
        raise RuntimeError("device 'cuda' was requested but CUDA is not available")
    return resolved


def seed_everything(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    if torch.cuda.is_available():
        torch.cuda.manual_seed_all(seed)


@dataclass(frozen=True)
class StageContext:
    """What a post-training stage gets: the data the model was trained on, and the run so far."""

    trainer: Trainer
    dataset: InteractionDataset  # the training sequences
    validation: HeldOut | None
    choices: Iterable[Choice] | None  # logged clicks among the cards of a list
    report: TrainingReport  # the stages add their epochs and seconds to it


class Stage(Protocol):
    """A step after the epochs, once early stopping has chosen the weights (see ``stages.py``)."""

    def run(self, model: TorchRecommender, context: StageContext) -> None: ...


class Trainer:
    def __init__(self, config: TrainerConfig | None = None, *, group: ProcessGroup | None = None) -> None:
        self.config = config or TrainerConfig()
        self.group = group  # None: one process; else this process's place in a data-parallel run

    def fit(
        self,
        model: TorchRecommender,
        dataset: InteractionDataset,
        *,
        validation: HeldOut | None = None,
        progress: ProgressCallback | None = None,
        choices: Iterable[Choice] | None = None,
    ) -> TrainingReport:
        """Seed, build ``model`` afresh for ``dataset``, train it, then run its stages (``model.stages()``)."""
        seed_everything(self.config.seed)
        model.prepare_training(dataset)
        report = self.train(model, validation=validation, progress=progress)
        model.finish_training()
        if self.group is not None and not self.group.is_main:
            return report  # the stages run once, in the process that writes the artifact
        context = StageContext(self, dataset, validation, choices, report)
        for stage in model.stages():
            stage.run(model, context)
        return report

    def train_extra_epochs(self, model: TorchRecommender, *, epochs: int, learning_rate: float) -> TrainingReport:
        """``epochs`` more epochs on the training data ``model`` holds now: no validation, no time budget."""
        config = dataclasses.replace(self.config, epochs=epochs, learning_rate=learning_rate, max_seconds=None)
        return Trainer(config).train(model)

    def train(
        self,
        model: TorchRecommender,
        *,
        validation: HeldOut | None = None,
        progress: ProgressCallback | None = None,
    ) -> TrainingReport:
        """Train ``model`` in place; ``validation`` is a ``HeldOut`` (or None: keep the last epoch)."""
        # Imported here: evaluation imports the models package, whose SASRec imports this module.
        from personalization.recsys.evaluation import VALIDATION_USERS, evaluate, evaluation_users

        cfg, group = self.config, self.group
        main = group is None or group.is_main
        if cfg.num_threads:
            torch.set_num_threads(cfg.num_threads)
        device = group.device if group is not None else resolve_device(cfg.device)
        model.to(device)
        # Every process draws the same batch order (the shards must not overlap); dropout and
        # sampled negatives differ per process, as they would across the batches of one.
        rng = np.random.default_rng(cfg.seed)
        if group is not None:
            torch.manual_seed(cfg.seed + group.rank)
        loss_of = _LossOf(model) if group is None else group.wrap(_LossOf(model))
        fused = True if model.n_items > FUSED_OPTIMISER_ABOVE_ITEMS else None
        optimizer = torch.optim.AdamW(
            model.network.parameters(), lr=cfg.learning_rate, weight_decay=cfg.weight_decay, fused=fused
        )
        batch_size = max(1, min(cfg.batch_size, math.ceil(model.training_examples() / MIN_BATCHES_PER_EPOCH)))
        report = TrainingReport(device=str(device))
        best_score = -np.inf
        best_state: dict[str, torch.Tensor] | None = None
        kept = _BestCheckpoints(cfg.average_checkpoints)
        evaluations_since_best = 0
        if validation is not None and cfg.eval_users and len(validation) > cfg.eval_users:
            validation = sample_users(validation, cfg.eval_users, cfg.seed)
        elif validation is not None and not cfg.eval_users:
            validation = evaluation_users(validation, model.n_items, max_users=VALIDATION_USERS, seed=cfg.seed)
        batches_per_epoch = math.ceil(model.training_examples() / batch_size / (group.world_size if group else 1))
        warmup_steps = math.ceil(cfg.warmup_epochs * batches_per_epoch)
        ema = _MovingAverage(model.network, cfg.ema_epochs * batches_per_epoch) if cfg.ema_epochs > 0 else None
        next_evaluation = cfg.eval_every
        step = 0
        started = time.perf_counter()
        for epoch in range(1, cfg.epochs + 1):
            model.network.train()
            total, batches = 0.0, 0
            epoch_batches = model.training_batches(rng, batch_size)
            if group is not None:
                epoch_batches = group.shard(epoch_batches)
            with group.uneven_inputs(loss_of) if group is not None else contextlib.nullcontext():
                for batch in epoch_batches:
                    if step < warmup_steps:
                        for param_group in optimizer.param_groups:
                            param_group["lr"] = cfg.learning_rate * (step + 1) / warmup_steps
                    step += 1
                    optimizer.zero_grad(set_to_none=True)
                    with torch.autocast(device.type, dtype=torch.bfloat16, enabled=device.type == "cuda"):
                        loss = loss_of(batch)
                    loss.backward()
                    if cfg.grad_clip:
                        torch.nn.utils.clip_grad_norm_(model.network.parameters(), cfg.grad_clip)
                    optimizer.step()
                    if ema is not None:
                        ema.update(model.network)
                    total += float(loss.detach())
                    batches += 1
            model.invalidate_cache()
            mean_loss = total / max(batches, 1) if group is None else group.mean(total, batches)
            report.losses.append(mean_loss)
            report.epochs = epoch
            metrics: dict[str, float] = {}
            if main and validation is not None and len(validation) and epoch >= next_evaluation:
                next_evaluation = epoch + max(cfg.eval_every, math.floor(epoch * cfg.eval_spacing))
                raw_state = ema.swap_in(model) if ema is not None else None
                metrics = evaluate(model, validation).metrics
                kept.offer(metrics[EARLY_STOPPING_METRIC], model.network)
                if metrics[EARLY_STOPPING_METRIC] > best_score:
                    best_score = metrics[EARLY_STOPPING_METRIC]
                    best_state = _weights(model.network)
                    report.best_epoch, report.best_metrics = epoch, metrics
                    evaluations_since_best = 0
                    if cfg.checkpoint_path:
                        _write_atomically(cfg.checkpoint_path, model.to_bytes())
                else:
                    evaluations_since_best += 1
                    if cfg.lr_decay_patience and evaluations_since_best % cfg.lr_decay_patience == 0:
                        for param_group in optimizer.param_groups:
                            param_group["lr"] *= 0.5
                if raw_state is not None:
                    _load_weights(model, raw_state)
            if progress is not None and main:
                progress(epoch, mean_loss, metrics)
            stop_early = evaluations_since_best >= cfg.patience and epoch >= cfg.min_epochs
            out_of_time = cfg.max_seconds is not None and time.perf_counter() - started > cfg.max_seconds
            if group is not None:
                # The first process's clock, validation and learning rate decide for all of them.
                lr, stop_early, out_of_time = group.decide(optimizer.param_groups[0]["lr"], stop_early, out_of_time)
                for param_group in optimizer.param_groups:
                    param_group["lr"] = lr
            if stop_early:
                report.stopped_early = True
                break
            if out_of_time:
                break
        if best_state is not None:
            model.network.load_state_dict(best_state)
            if len(kept) > 1:
                self._keep_average_if_better(model, kept, validation, best_score, report)
        else:
            report.best_epoch = report.epochs
            if cfg.checkpoint_path and main:
                _write_atomically(cfg.checkpoint_path, model.to_bytes())
        if group is not None:
            report.weight_digests = group.share_weights(model.network)
        model.network.eval()
        model.invalidate_cache()
        report.train_seconds = time.perf_counter() - started
        return report

    def _keep_average_if_better(
        self,
        model: TorchRecommender,
        kept: _BestCheckpoints,
        validation: HeldOut,
        best_score: float,
        report: TrainingReport,
    ) -> None:
        """Load the average of ``kept`` when it scores at least ``best_score`` on ``validation``."""
        from personalization.recsys.evaluation import evaluate

        best_state = _weights(model.network)
        _load_weights(model, kept.average())
        metrics = evaluate(model, validation).metrics
        report.averaged_metrics = metrics
        if metrics[EARLY_STOPPING_METRIC] >= best_score:
            report.averaged_checkpoints = len(kept)
            report.best_metrics = metrics
            if self.config.checkpoint_path:
                _write_atomically(self.config.checkpoint_path, model.to_bytes())
        else:
            _load_weights(model, best_state)


def _weights(network: torch.nn.Module) -> dict[str, torch.Tensor]:
    """A copy of ``network``'s weights and buffers that training does not change."""
    return {name: tensor.detach().clone() for name, tensor in network.state_dict().items()}


def _load_weights(model: TorchRecommender, state: dict[str, torch.Tensor]) -> None:
    """Load ``state`` to score with: evaluation mode, and the model's cached item scores dropped."""
    model.network.load_state_dict(state)
    model.network.eval()
    model.invalidate_cache()


class _MovingAverage:
    """An exponential moving average of a network's floating-point weights, updated every step.

    The decay is ``1 - 1 / horizon_steps``, lower at the start (``(1 + t) / (10 + t)`` at step t) so
    the average does not carry the random initial weights for the whole horizon.
    """

    def __init__(self, network: torch.nn.Module, horizon_steps: float) -> None:
        self.decay = 1.0 - 1.0 / max(1.0, horizon_steps)
        self.steps = 0
        self.state = _weights(network)

    @torch.no_grad()
    def update(self, network: torch.nn.Module) -> None:
        self.steps += 1
        decay = min(self.decay, (1 + self.steps) / (10 + self.steps))
        for name, tensor in network.state_dict().items():
            if tensor.is_floating_point():
                self.state[name].lerp_(tensor.detach().to(self.state[name].dtype), 1.0 - decay)
            else:
                self.state[name].copy_(tensor)

    def swap_in(self, model: TorchRecommender) -> dict[str, torch.Tensor]:
        """Load the average into ``model``; returns the raw weights to load back."""
        raw = _weights(model.network)
        _load_weights(model, self.state)
        return raw


class _BestCheckpoints:
    """The weights of the ``size`` best evaluations so far, by validation score."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._kept: list[tuple[float, int, dict[str, torch.Tensor]]] = []
        self._offered = 0

    def __len__(self) -> int:
        return len(self._kept)

    def offer(self, score: float, network: torch.nn.Module) -> None:
        if self.size < 2:
            return
        self._offered += 1
        if len(self._kept) == self.size and score <= self._kept[-1][0]:
            return
        state = _weights(network)
        # Ties keep the earlier evaluation ahead (the order early stopping chose by).
        self._kept.append((score, -self._offered, state))
        self._kept.sort(key=lambda entry: (entry[0], entry[1]), reverse=True)
        del self._kept[self.size :]

    def average(self) -> dict[str, torch.Tensor]:
        """The mean of the kept weights; integer buffers come from the best checkpoint."""
        states = [state for _, _, state in self._kept]
        averaged = {}
        for name, tensor in states[0].items():
            if tensor.is_floating_point():
                averaged[name] = torch.stack([state[name] for state in states]).mean(dim=0).to(tensor.dtype)
            else:
                averaged[name] = tensor.clone()
        return averaged


class _LossOf(torch.nn.Module):
    """The model's training loss as a module's forward: what DistributedDataParallel wraps.

    DDP hooks its gradient averaging into the forward of the module it wraps; the network is
    this module's child, so the parameters it averages are the network's own.
    """

    def __init__(self, model: TorchRecommender) -> None:
        super().__init__()
        self.network = model.network
        self._loss = model.training_loss

    def forward(self, batch: dict[str, torch.Tensor]) -> torch.Tensor:
        return self._loss(batch)


def sample_users(held_out: HeldOut, n: int, seed: int) -> HeldOut:
    """A fixed random ``n`` of the users of ``held_out``, the same for the same seed (in their original order)."""
    return held_out_rows(held_out, np.sort(np.random.default_rng(seed).choice(len(held_out), size=n, replace=False)))


def held_out_rows(held_out: HeldOut, rows: np.ndarray) -> HeldOut:
    """The users of ``held_out`` at ``rows``, each with their history and target."""
    return dataclasses.replace(
        held_out,
        user_ids=tuple(held_out.user_ids[r] for r in rows),
        histories=tuple(held_out.histories[r] for r in rows),
        targets=held_out.targets[rows],
        target_times=held_out.target_times[rows],
        first_seen=held_out.first_seen[rows],
        target_events=held_out.target_events[rows] if held_out.target_events is not None else None,
    )


def _write_atomically(path: str, blob: bytes) -> None:
    tmp = f"{path}.tmp"
    with open(tmp, "wb") as fh:
        fh.write(blob)
    os.replace(tmp, path)
