"""Data-parallel training past one device: a ``torchrun`` entry point and its launcher.

``torchrun`` starts one process per device (``--nproc_per_node``), on one node or several
(``--nnodes`` with a rendezvous endpoint). Each runs :func:`main` on the same job folder::

    torchrun --nproc_per_node 4 -m personalization.recsys.distributed /shared/job

The folder holds ``job.pkl`` (the model name, its config, the evaluation split and the logged
choices, written by :func:`train_with_torchrun`); the first process writes ``model.pt``,
``report.json`` and one line per epoch to ``progress.jsonl``. With several nodes the folder
must be on storage that every node reads. Processes join over NCCL on CUDA, gloo on CPU.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import pickle
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch
import torch.distributed as dist
from torch.distributed.algorithms.join import Join
from torch.nn.parallel import DistributedDataParallel

from personalization.recsys.evaluation import LeaveLastOutSplit
from personalization.recsys.models.base import Recommender, TorchRecommender
from personalization.recsys.trainer import ProgressCallback, TrainingReport

logger = logging.getLogger(__name__)
JOB_FILE = "job.pkl"
MODEL_FILE = "model.pt"
REPORT_FILE = "report.json"
PROGRESS_FILE = "progress.jsonl"


@dataclass(frozen=True)
class ProcessGroup:
    """This process's place in a data-parallel run, and the collective steps the trainer takes."""

    rank: int
    world_size: int
    local_rank: int
    device: torch.device

    @property
    def is_main(self) -> bool:
        return self.rank == 0

    @classmethod
    def from_environment(cls) -> ProcessGroup | None:
        """Join the run ``torchrun`` started (RANK, WORLD_SIZE, LOCAL_RANK); None outside one."""
        if "RANK" not in os.environ or "WORLD_SIZE" not in os.environ:
            return None
        rank, world_size = int(os.environ["RANK"]), int(os.environ["WORLD_SIZE"])
        local_rank = int(os.environ.get("LOCAL_RANK", "0"))
        if torch.cuda.is_available():
            torch.cuda.set_device(local_rank)
            device, backend = torch.device("cuda", local_rank), "nccl"
        else:
            device, backend = torch.device("cpu"), "gloo"
        if not dist.is_initialized():
            dist.init_process_group(backend=backend, rank=rank, world_size=world_size)
        return cls(rank=rank, world_size=world_size, local_rank=local_rank, device=device)

    def wrap(self, module: torch.nn.Module) -> DistributedDataParallel:
        # Some parameters sit out a given configuration (content towers, the transition bias):
        # DDP must not wait for their gradients.
        device_ids = [self.local_rank] if self.device.type == "cuda" else None
        return DistributedDataParallel(module, device_ids=device_ids, find_unused_parameters=True)

    def shard(self, batches: Iterable[Any]) -> Iterator[Any]:
        """This process's share of an epoch: every ``world_size``-th batch (all draw the same order)."""
        for i, batch in enumerate(batches):
            if i % self.world_size == self.rank:
                yield batch

    def uneven_inputs(self, module: torch.nn.Module) -> contextlib.AbstractContextManager:
        """Lets a process whose share has one batch fewer finish the epoch without stalling the others."""
        return Join([module]) if isinstance(module, DistributedDataParallel) else contextlib.nullcontext()

    def mean(self, total: float, count: int) -> float:
        """The mean over every process's batches of a per-batch figure summed to ``total`` over ``count``."""
        both = torch.tensor([total, float(count)], dtype=torch.float64, device=self._collective_device)
        dist.all_reduce(both)
        return float(both[0] / both[1].clamp_min(1))

    def decide(self, lr: float, stop_early: bool, out_of_time: bool) -> tuple[float, bool, bool]:
        """The first process's learning rate and stop decisions, for every process."""
        decision = torch.tensor([lr, float(stop_early), float(out_of_time)], dtype=torch.float64)
        decision = decision.to(self._collective_device)
        dist.broadcast(decision, src=0)
        return float(decision[0]), bool(decision[1]), bool(decision[2])

    def share_weights(self, network: torch.nn.Module) -> list[str]:
        """Every process takes the first one's weights (the best epoch's, which only it kept).

        Returns each process's digest of its weights after, in rank order; raises if they differ.
        """
        for tensor in network.state_dict().values():
            dist.broadcast(tensor, src=0)
        digests: list[str | None] = [None] * self.world_size
        dist.all_gather_object(digests, weights_digest(network))
        if len(set(digests)) != 1:
            raise RuntimeError(f"the processes ended with different weights: {digests}")
        return [str(d) for d in digests]

    @property
    def _collective_device(self) -> torch.device:
        return self.device if self.device.type == "cuda" else torch.device("cpu")


def weights_digest(network: torch.nn.Module) -> str:
    digest = hashlib.sha256()
    for name, tensor in sorted(network.state_dict().items()):
        digest.update(name.encode())
        digest.update(tensor.detach().cpu().contiguous().numpy().tobytes())
    return digest.hexdigest()


def main(argv: Sequence[str] | None = None) -> int:
    """One process of a ``torchrun`` launch: train the job in ``argv[0]``'s folder, data-parallel."""
    # Imported here: pipeline imports the models package, which this module's importers may be loading.
    from personalization.recsys.pipeline import make_model
    from personalization.recsys.trainer import Trainer

    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) != 1:
        print("usage: torchrun [options] -m personalization.recsys.distributed JOB_FOLDER", file=sys.stderr)
        return 2
    folder = Path(args[0])
    with open(folder / JOB_FILE, "rb") as fh:
        job = pickle.load(fh)  # written by train_with_torchrun of this same code base
    group = ProcessGroup.from_environment()
    if group is None:
        print("not started by torchrun (RANK and WORLD_SIZE are not set)", file=sys.stderr)
        return 2
    try:
        model, trainer = make_model(job["model_name"], job["config"], device=str(group.device))
        if not isinstance(model, TorchRecommender):
            raise ValueError(f"{job['model_name']} is not trained by gradient descent; it needs no torchrun")
        trainer = Trainer(trainer.config, group=group)
        progress = _progress_writer(folder / PROGRESS_FILE) if group.is_main else None
        split: LeaveLastOutSplit = job["split"]
        extra = {"choices": job["choices"]} if job.get("choices") is not None else {}
        model.fit(split.train, validation=split.validation, trainer=trainer, progress=progress, **extra)
        if group.is_main:
            digests = model.training_report.weight_digests
            report = {**model.training_report.as_dict(), "world_size": group.world_size, "weight_digests": digests}
            _write_atomically(folder / MODEL_FILE, model.to("cpu").to_bytes())
            _write_atomically(folder / REPORT_FILE, json.dumps(report).encode())
        # Every process leaves together: one tearing its group down while another still talks to it
        # aborted the other now and then on a loaded machine ("terminate called without an active exception").
        dist.barrier()
    finally:
        dist.destroy_process_group()
    return 0


def train_with_torchrun(
    model_name: str,
    config: dict[str, Any],
    split: LeaveLastOutSplit,
    *,
    devices: int,
    choices: Iterable[Any] | None = None,
    progress: ProgressCallback | None = None,
    torchrun_args: Sequence[str] = (),
    folder: str | os.PathLike[str] | None = None,
    timeout: float | None = None,
    environment: dict[str, str] | None = None,
) -> TorchRecommender:
    """Train ``model_name`` on ``split.train`` in ``devices`` processes started by ``torchrun``.

    Returns the first process's model (best epoch's weights, stages run) with its
    ``training_report``. ``torchrun_args`` replace ``--standalone`` (one node, a free port) for
    runs over several nodes (``--nnodes``, ``--rdzv-endpoint``...); ``folder`` must then be shared.
    A failed run raises ``RuntimeError`` with the end of its output.
    """
    if devices < 1:
        raise ValueError(f"devices must be at least 1, not {devices}")
    from personalization.recsys.pipeline import make_model

    if not isinstance(make_model(model_name, config)[0], TorchRecommender):  # unknown names and keys raise here
        raise ValueError(f"{model_name!r} is not a model trained by gradient descent; it needs no torchrun")
    with contextlib.ExitStack() as stack:
        if folder is None:
            folder = stack.enter_context(tempfile.TemporaryDirectory(prefix="recsys-torchrun-"))
        path = Path(folder)
        path.mkdir(parents=True, exist_ok=True)
        choices = list(choices) if choices is not None else None
        job = {"model_name": model_name, "config": dict(config), "split": split, "choices": choices}
        _write_atomically(path / JOB_FILE, pickle.dumps(job, protocol=pickle.HIGHEST_PROTOCOL))
        command = [
            sys.executable,
            "-m",
            "torch.distributed.run",
            *(torchrun_args or ["--standalone"]),
            "--nproc_per_node",
            str(devices),
            "-m",
            "personalization.recsys.distributed",
            str(path),
        ]
        # With several nodes, each of the others starts this same command (its rendezvous options, this folder).
        logger.info("Training %s on %d device(s): %s", model_name, devices, " ".join(command))
        log = stack.enter_context(tempfile.TemporaryFile(mode="w+"))
        # The processes import this code base from wherever the launching process runs.
        root = str(Path(__file__).resolve().parents[2])
        python_path = os.pathsep.join(p for p in (root, os.environ.get("PYTHONPATH", "")) if p)
        env = {**os.environ, "PYTHONPATH": python_path, **(environment or {})}
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env)
        started, seen = time.monotonic(), 0
        try:
            while process.poll() is None:
                if timeout is not None and time.monotonic() - started > timeout:
                    raise RuntimeError(f"torchrun took more than {timeout:.0f} s")
                seen = _replay_progress(path / PROGRESS_FILE, seen, progress)
                time.sleep(0.2)
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
        _replay_progress(path / PROGRESS_FILE, seen, progress)
        if process.returncode != 0 or not (path / MODEL_FILE).exists():
            log.seek(0)
            tail = log.read()[-4000:]
            raise RuntimeError(f"torchrun exited with status {process.returncode}:\n{tail}")
        model = Recommender.from_bytes((path / MODEL_FILE).read_bytes())
        report = json.loads((path / REPORT_FILE).read_text())
    assert isinstance(model, TorchRecommender)
    fields = set(TrainingReport.__dataclass_fields__)
    model.training_report = TrainingReport(**{k: v for k, v in report.items() if k in fields})
    model.distributed_report = report
    return model


def _progress_writer(path: Path) -> ProgressCallback:
    def write(epoch: int, loss: float, metrics: dict[str, float]) -> None:
        with open(path, "a") as fh:
            fh.write(json.dumps({"epoch": epoch, "loss": loss, "metrics": metrics}) + "\n")

    return write


def _replay_progress(path: Path, seen: int, progress: ProgressCallback | None) -> int:
    """Hand the lines of ``path`` after the first ``seen`` to ``progress``; returns the lines seen."""
    if not path.exists():
        return seen
    text = path.read_text()
    complete = text.splitlines() if text.endswith("\n") else text.splitlines()[:-1]
    for line in complete[seen:]:
        if progress is not None:
            entry = json.loads(line)
            progress(entry["epoch"], entry["loss"], entry["metrics"])
    return len(complete)


def _write_atomically(path: Path, blob: bytes) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(blob)
    os.replace(tmp, path)


if __name__ == "__main__":
    status = main()
    # Leave without the interpreter's teardown: gloo's threads, still joinable when the C++ statics are
    # destroyed, made a finished process abort now and then ("terminate called without an active exception"),
    # which failed a run whose model was already written. Everything is written and flushed by now.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status)
