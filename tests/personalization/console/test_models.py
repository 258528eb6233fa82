"""Model versions in the console: beside the champion, per segment, the curve, promote and roll back."""

import json

import pytest
from django.urls import reverse

from personalization.recommendations.models import ModelVersion
from personalization.recommendations.registry import champion

from .conftest import make_version, staff_with

pytestmark = pytest.mark.django_db
Status = ModelVersion.Status


@pytest.fixture
def champion_and_challenger(db):
    # given: a champion, and a challenger that was scored against it on the same holdout
    current = make_version(status=Status.CHAMPION, metrics={"NDCG@10": 0.31, "HR@10": 0.5})
    challenger = make_version(
        metrics={
            "NDCG@10": 0.35,
            "HR@10": 0.48,
            "segments": {"new": {"users": 12, "NDCG@10": 0.2, "HR@10": 0.4}, "returning": {"users": 30}},
        },
        champion_metrics={"NDCG@10": 0.30, "HR@10": 0.52, "segments": {"new": {"users": 12, "NDCG@10": 0.1}}},
        progress={"epoch": 3, "of": 3, "loss": 2.1, "curve": [[1, 4.0, 0.1], [2, 3.0, None], [3, 2.1, 0.3]]},
        config={"device": "cpu", "model": {"hidden": 64, "dropout": 0.2}},
    )
    return current, challenger


def _cells(html: str, marker: str) -> str:
    return html.split(marker)[1].split("</tr>")[0]


def test_a_challenger_is_shown_beside_the_champion_on_the_same_holdout(client, model_manager, champion_and_challenger):
    _, challenger = champion_and_challenger
    client.force_login(model_manager)
    html = client.get(reverse("console:model-detail", args=[challenger.pk])).content.decode()

    ndcg = _cells(html, 'data-metric="NDCG@10"')
    assert "0.3500" in ndcg and "0.3000" in ndcg and "+0.0500" in ndcg and "delta--better" in ndcg
    assert "delta--worse" in _cells(html, 'data-metric="HR@10"')
    assert "compare like with like" in html
    new = _cells(html, 'data-segment="new"')
    assert "New shoppers" in new and "12" in new and "0.2000" in new and "0.1000" in new
    assert "Returning shoppers" in _cells(html, 'data-segment="returning"')


def test_the_training_curve_is_embedded_for_the_chart(client, model_manager, champion_and_challenger):
    _, challenger = champion_and_challenger
    client.force_login(model_manager)
    html = client.get(reverse("console:model-detail", args=[challenger.pk])).content.decode()
    data = json.loads(html.split('id="model-training-data" type="application/json">')[1].split("</script>")[0])
    assert data["epochs"] == [1, 2, 3] and data["loss"] == [4.0, 3.0, 2.1] and data["validation"] == [0.1, None, 0.3]
    assert "vendor/chartjs/chart.umd.min.js" in html and "js/console.js" in html


def test_config_reads_as_rows_not_json(client, model_manager, champion_and_challenger):
    _, challenger = champion_and_challenger
    client.force_login(model_manager)
    html = client.get(reverse("console:model-detail", args=[challenger.pk])).content.decode()
    assert "model › hidden</th><td>64</td>" in html
    assert "{&#x27;hidden&#x27;" not in html and "{'hidden'" not in html


def test_promote_makes_the_challenger_champion_and_roll_back_restores_the_previous(
    client, model_manager, champion_and_challenger
):
    current, challenger = champion_and_challenger
    current.promoted_at = current.created_at
    current.save(update_fields=["promoted_at"])
    client.force_login(model_manager)

    response = client.post(reverse("console:model-promote", args=[challenger.pk]))
    assert response.status_code == 302
    assert champion("sasrec") == challenger
    current.refresh_from_db()
    assert current.status == Status.RETIRED

    client.post(reverse("console:model-rollback", args=["sasrec"]))
    assert champion("sasrec") == current


def test_a_failed_version_cannot_be_promoted_and_nothing_changes(client, model_manager, champion_and_challenger):
    current, _ = champion_and_challenger
    failed = make_version(status=Status.FAILED, artifact=False)
    client.force_login(model_manager)
    response = client.post(reverse("console:model-promote", args=[failed.pk]), follow=True)
    assert "Not promoted" in response.content.decode()
    assert champion("sasrec") == current
    failed.refresh_from_db()
    assert failed.status == Status.FAILED


def test_roll_back_without_an_earlier_version_says_so(client, model_manager):
    make_version(status=Status.CHAMPION)
    client.force_login(model_manager)
    response = client.post(reverse("console:model-rollback", args=["sasrec"]), follow=True)
    assert "no earlier version" in response.content.decode()


def test_viewing_is_not_enough_to_promote(client, champion_and_challenger):
    current, challenger = champion_and_challenger
    client.force_login(staff_with("personalization.view_modelversion"))
    html = client.get(reverse("console:model-detail", args=[challenger.pk])).content.decode()
    assert "Promote to champion" not in html
    assert client.post(reverse("console:model-promote", args=[challenger.pk])).status_code == 403
    assert champion("sasrec") == current


def test_promote_only_answers_post(client, model_manager, champion_and_challenger):
    _, challenger = champion_and_challenger
    client.force_login(model_manager)
    assert client.get(reverse("console:model-promote", args=[challenger.pk])).status_code == 405


def test_the_list_shows_each_version_against_the_champion(client, model_manager, champion_and_challenger):
    _, challenger = champion_and_challenger
    client.force_login(model_manager)
    html = client.get(reverse("console:models")).content.decode()
    row = _cells(html, f'data-model-version="{challenger.pk}"')
    assert "0.3500" in row and "0.3000" in row and "+0.0500" in row


def test_the_model_pages_make_a_bounded_number_of_queries(
    client, model_manager, champion_and_challenger, django_assert_max_num_queries
):
    _, challenger = champion_and_challenger
    for n in range(10):
        make_version(metrics={"NDCG@10": 0.1 + n / 100}, champion_metrics={"NDCG@10": 0.3})
    client.force_login(model_manager)
    # session, user, permissions, the versions (no query per row), the category menu of the header
    with django_assert_max_num_queries(12):
        client.get(reverse("console:models"))
    with django_assert_max_num_queries(12):
        client.get(reverse("console:model-detail", args=[challenger.pk]))
