"""Data-parallel SASRec: two CPU processes started by torchrun over gloo train one model."""

import json

import numpy as np
import pytest

from personalization.recsys.data import build_dataset
from personalization.recsys.distributed import MODEL_FILE, REPORT_FILE, train_with_torchrun
from personalization.recsys.evaluation import evaluate
from personalization.recsys.pipeline import split_for_evaluation

from .conftest import pair_sequences

CONFIG = {"hidden": 16, "heads": 1, "layers": 1, "max_len": 8, "epochs": 3, "min_epochs": 1, "num_threads": 1}


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    split = split_for_evaluation(build_dataset(pair_sequences(n_users=48, n_pairs=6, length=10)))
    folder = tmp_path_factory.mktemp("torchrun")
    epochs_seen: list[int] = []
    model = train_with_torchrun(
        "sasrec",
        {**CONFIG, "affinity_rerank": False},
        split,
        devices=2,
        folder=folder,
        progress=lambda epoch, loss, metrics: epochs_seen.append(epoch),
        timeout=120,
        environment={"OMP_NUM_THREADS": "1"},
    )
    return split, folder, model, epochs_seen


def test_both_processes_end_with_the_same_weights(trained):
    # given two processes, each training on its half of every epoch's batches
    _, folder, _, _ = trained
    # when the run ends
    report = json.loads((folder / REPORT_FILE).read_text())
    # then gradients were averaged and the best weights shared: one model, not two
    assert report["world_size"] == 2
    assert len(report["weight_digests"]) == 2
    assert report["weight_digests"][0] == report["weight_digests"][1]


def test_the_first_process_writes_a_model_that_scores_and_its_report(trained):
    split, folder, model, epochs_seen = trained
    assert (folder / MODEL_FILE).stat().st_size > 0
    assert model.training_report.epochs == 3
    assert epochs_seen == [1, 2, 3], "each epoch's progress reaches the launching process"
    assert model.training_report.best_metrics, "the first process validated"
    scores = model.score(split.test.histories[:4])
    assert scores.shape == (4, model.n_items + 1)
    assert np.isfinite(scores[:, 1:]).all()
    # Pairs are learnable: a trained model puts the partner above chance even after 3 short epochs.
    assert evaluate(model, split.test).metrics["HR@10"] > 0


def test_bad_requests_fail_before_any_process_starts(tmp_path):
    split = split_for_evaluation(build_dataset(pair_sequences(n_users=12, n_pairs=3, length=6)))
    with pytest.raises(ValueError, match="not a model trained by gradient descent"):
        train_with_torchrun("popularity", {}, split, devices=2, folder=tmp_path)
    with pytest.raises(ValueError, match="at least 1"):
        train_with_torchrun("sasrec", CONFIG, split, devices=0, folder=tmp_path)
    with pytest.raises(ValueError, match="unknown config key"):
        train_with_torchrun("sasrec", {"hiden": 8}, split, devices=2, folder=tmp_path)
    assert not list(tmp_path.iterdir()), "nothing was written"
