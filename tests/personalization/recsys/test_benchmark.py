import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest

from personalization.recsys import benchmark, sources

from .conftest import pair_sequences

REPO_ROOT = Path(__file__).resolve().parents[3]


def write_csv(path: Path, header: list[str], rows: list[tuple]) -> Path:
    with open(path, "w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)
    return path


@pytest.fixture
def pairs_csv(tmp_path) -> Path:
    rows = [(u, i, t, e, "ignored") for u, i, t, e in pair_sequences(n_users=60, length=10)]
    return write_csv(tmp_path / "pairs.csv", ["user_id", "item_id", "timestamp", "event_type", "note"], rows)


def test_a_tiny_csv_runs_every_model_and_ends_with_json(pairs_csv, capsys):
    code = benchmark.main(["--interactions", str(pairs_csv), "--model", "all", "--epochs", "2", "--json"])
    out = capsys.readouterr().out.strip().splitlines()
    assert code == 0
    report = json.loads(out[-1])
    assert set(report["results"]) == {"popularity", "recent_popularity", "covisit", "ease", "sasrec_plain", "sasrec"}
    sasrec = report["results"]["sasrec"]
    for key in ("HR@10", "NDCG@10", "Recall@20", "MRR", "coverage@10", "train_seconds", "score_ms_per_user"):
        assert isinstance(sasrec[key], float), key
    assert sasrec["device"] == "cpu" and sasrec["epochs"] <= 2
    assert report["snapshot"]["users"] == 60
    table = "\n".join(out[:-1])
    assert "NDCG@10" in table and "covisit" in table


def test_several_seeds_train_the_sequential_model_once_each_and_add_a_mean_row(pairs_csv, capsys):
    argv = ["--interactions", str(pairs_csv), "--model", "all", "--epochs", "2", "--seed", "1", "2", "--json"]
    assert benchmark.main(argv) == 0
    out = capsys.readouterr().out.strip().splitlines()
    results = json.loads(out[-1])["results"]
    # counting models do not depend on the seed: one row each
    assert set(results) == {
        "popularity",
        "recent_popularity",
        "covisit",
        "ease",
        *(f"{name} seed {seed}" for name in ("sasrec", "sasrec_plain") for seed in (1, 2)),
        "sasrec mean",
        "sasrec_plain mean",
    }
    runs = [results["sasrec seed 1"], results["sasrec seed 2"]]
    assert results["sasrec mean"]["HR@10"] == pytest.approx((runs[0]["HR@10"] + runs[1]["HR@10"]) / 2)
    assert results["sasrec mean"]["seeds"] == 2
    assert "sasrec mean" in "\n".join(out[:-1])


def test_set_changes_the_sequential_models_config_and_a_wrong_key_exits_2(pairs_csv, capsys):
    argv = ["--interactions", str(pairs_csv), "--model", "sasrec", "--epochs", "1", "--json"]
    assert benchmark.main([*argv, "--set", "validation_tail_epochs=2", "--set", "dropout=0.5"]) == 0
    sasrec = json.loads(capsys.readouterr().out.strip().splitlines()[-1])["results"]["sasrec"]
    assert sasrec["config"]["validation_tail_epochs"] == 2 and sasrec["config"]["dropout"] == 0.5
    assert sasrec["epochs"] == 3

    assert benchmark.main([*argv, "--set", "no_such_field=1"]) == 2
    assert "no_such_field" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        benchmark.main([*argv, "--set", "dropout"])


def test_missing_columns_exit_2_with_a_message(tmp_path, capsys):
    path = write_csv(tmp_path / "bad.csv", ["user", "item_id", "time"], [("u", "a", 1)])
    assert benchmark.main(["--interactions", str(path)]) == 2
    err = capsys.readouterr().err
    assert "missing column(s) user_id, timestamp" in err


def test_unreadable_file_exits_2(tmp_path, capsys):
    assert benchmark.main(["--interactions", str(tmp_path / "nope.csv")]) == 2
    assert "cannot read" in capsys.readouterr().err
    binary = tmp_path / "binary.csv"
    binary.write_bytes(b"\xff\xfe\x00\x81garbage")
    assert benchmark.main(["--interactions", str(binary)]) == 2


def test_too_few_interactions_exit_2(tmp_path, capsys):
    path = write_csv(tmp_path / "few.csv", ["user_id", "item_id", "timestamp"], [("u", "a", 1), ("u", "b", 2)])
    assert benchmark.main(["--interactions", str(path)]) == 2
    assert "too few interactions" in capsys.readouterr().err


def test_users_too_short_for_leave_last_out_exit_2(tmp_path, capsys):
    rows = [(f"u{n}", f"i{n % 3}", n) for n in range(20)]  # twenty users with one interaction each
    path = write_csv(tmp_path / "short.csv", ["user_id", "item_id", "timestamp"], rows)
    assert benchmark.main(["--interactions", str(path)]) == 2
    assert "3 or more interactions" in capsys.readouterr().err


def test_missing_recbole_explains_how_to_install_it(monkeypatch, capsys):
    monkeypatch.setattr(sources.importlib.util, "find_spec", lambda name: None)
    assert benchmark.main(["--dataset", "ml-100k"]) == 2
    assert "pip install --no-deps recbole==1.2.1" in capsys.readouterr().err


def test_command_line_entry_point(tmp_path):
    path = write_csv(tmp_path / "bad.csv", ["user_id"], [("u",)])
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "personalization.recsys.benchmark",
            "--interactions",
            str(path),
            "--model",
            "popularity",
        ],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2
    assert done.stderr.startswith("error:") and "item_id" in done.stderr


def test_a_generated_shop_is_reported_under_both_protocols_with_cold_start_and_exposure(capsys):
    argv = ["--generate", "new-items", "--users", "120", "--split", "both", "--epochs", "1", "--json"]
    assert benchmark.main(argv) == 0
    out = capsys.readouterr().out.strip().splitlines()
    report = json.loads(out[-1])
    assert set(report["splits"]) == {"leave-last-out", "time"}
    for results in report["splits"].values():
        assert set(results) == {"popularity", "recent_popularity", "covisit", "ease", "sasrec_plain", "sasrec"}
        for run in results.values():
            assert {"novelty@10", "brand_gini@10", "new_item users", "one_or_two_events users"} <= set(run)
            assert sum(run["brand_exposure"].values()) == pytest.approx(1.0)
    table = "\n".join(out[:-1])
    assert "leave-last-out:" in table and "time:" in table and "ratios: sasrec/sasrec_plain NDCG@10" in table


def test_a_shop_without_users_or_too_small_for_a_time_split_exits_2(capsys):
    assert benchmark.main(["--generate", "shop", "--users", "0"]) == 2
    assert "at least 1 user" in capsys.readouterr().err
    assert benchmark.main(["--generate", "shop", "--users", "1", "--split", "time", "--model", "popularity"]) == 2
    assert "too few" in capsys.readouterr().err
