"""Model versions in the Django admin: config and metrics as rows a person reads, not raw JSON."""

import pytest
from django.urls import reverse

from tests.factories import make_user

from .conftest import make_version

pytestmark = pytest.mark.django_db


def test_the_admin_shows_config_and_metrics_as_rows(client):
    version = make_version(
        config={"device": "cpu", "model": {"hidden": 64, "dropout": 0.2}},
        metrics={"NDCG@10": 0.351234, "segments": {"new": {"users": 12, "HR@10": 0.4}}},
        progress={"epoch": 2, "of": 2, "loss": 2.5, "curve": [[1, 3.0, None], [2, 2.5, None]]},
    )
    client.force_login(make_user(is_staff=True, is_superuser=True))

    html = client.get(reverse("admin:personalization_modelversion_change", args=[version.pk])).content.decode()

    assert '<th scope="row">model › hidden</th><td>64</td>' in html
    assert '<th scope="row">NDCG@10</th><td>0.351234</td>' in html
    assert '<th scope="row">segments › new › users</th><td>12</td>' in html
    assert "&quot;hidden&quot;" not in html and "{&#x27;hidden&#x27;" not in html, "raw JSON is still shown"
    assert reverse("console:model-detail", args=[version.pk]) in html
