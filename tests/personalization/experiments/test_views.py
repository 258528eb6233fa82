"""Staff results pages: access control, the metric table, chart canvases and data, CSV."""

import csv
import io
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from personalization.experiments.models import Exposure
from tests.factories import make_user

from .conftest import make_experiment


@pytest.fixture
def exposed_experiment(db):
    experiment = make_experiment()
    variants = list(experiment.variants.all())
    Exposure.objects.bulk_create(
        Exposure(
            experiment=experiment,
            variant=variants[n % 2],
            unit_id=f"v:{n}",
            unit_type="visitor",
            visitor_id=str(n),
            exposed_at=timezone.now(),
        )  # fmt: skip
        for n in range(40)
    )
    return experiment


@pytest.mark.parametrize("name, args", [("experiments:index", []), ("experiments:detail", ["home-layout"])])
def test_anonymous_goes_to_login(client, exposed_experiment, name, args):
    response = client.get(reverse(name, args=args))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("shop:login"))


@pytest.mark.parametrize(
    "name, args",
    [("experiments:index", []), ("experiments:detail", ["home-layout"]), ("experiments:results_csv", ["home-layout"])],
)
def test_shopper_is_forbidden(client, exposed_experiment, name, args):
    client.force_login(make_user())
    assert client.get(reverse(name, args=args)).status_code == 403


def test_staff_sees_the_list_with_headline(client, staff_user, exposed_experiment):
    client.force_login(staff_user)
    response = client.get(reverse("experiments:index"))
    assert response.status_code == 200
    assert b"home-layout" in response.content and b"not yet significant" in response.content


def test_staff_sees_results_charts_and_verdict(client, staff_user, exposed_experiment):
    client.force_login(staff_user)
    response = client.get(reverse("experiments:detail", args=["home-layout"]))
    html = response.content.decode()
    assert response.status_code == 200
    assert '<canvas id="experiment-conversion-chart"' in html and '<canvas id="experiment-lift-chart"' in html
    assert "vendor/chartjs/chart.umd.min.js" in html and "js/experiments.js" in html
    assert "No clear winner yet: Editorial is at" in html
    assert "data-srm-ok" in html
    data = json.loads(html.split('id="experiment-chart-data" type="application/json">')[1].split("</script>")[0])
    assert [s["label"] for s in data["conversion"]["series"]] == ["Grid", "Editorial"]
    assert data["lift"]["labels"] == ["Editorial"]


def test_staff_without_the_permission_is_forbidden(client, exposed_experiment):
    client.force_login(make_user(is_staff=True))
    assert client.get(reverse("experiments:index")).status_code == 403


def test_srm_alarm_shows_on_a_skewed_split(client, staff_user):
    experiment = make_experiment(key="skewed", surface="product_layout", variants=(
        ("classic", 50, True, {"layout": "classic"}), ("gallery", 50, False, {"layout": "gallery_first"}),
    ))  # fmt: skip
    control, treatment = experiment.variants.all()
    Exposure.objects.bulk_create(
        Exposure(
            experiment=experiment,
            variant=control if n < 700 else treatment,
            unit_id=f"v:{n}",
            unit_type="visitor",
            visitor_id=str(n),
            exposed_at=timezone.now(),
        )  # fmt: skip
        for n in range(1000)
    )
    client.force_login(staff_user)
    html = client.get(reverse("experiments:detail", args=["skewed"])).content.decode()
    assert "data-srm-alarm" in html and "Sample ratio mismatch" in html


def test_csv_export(client, staff_user, exposed_experiment):
    client.force_login(staff_user)
    response = client.get(reverse("experiments:results_csv", args=["home-layout"]))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [(r["variant"], r["units"]) for r in rows] == [("grid", "20"), ("editorial", "20")]
    assert rows[0]["conversion_lift"] == "" and rows[1]["conversion_p_value"] != ""


def test_results_page_has_bounded_queries(client, staff_user, exposed_experiment, django_assert_max_num_queries):
    client.force_login(staff_user)
    # 19: the staff console's demo-history banner reads its one row (demo/history/selectors.py) on every page.
    with django_assert_max_num_queries(19):
        client.get(reverse("experiments:detail", args=["home-layout"]))
