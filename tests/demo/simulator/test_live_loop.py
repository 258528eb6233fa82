import pytest
from django.utils import timezone

from demo.live.loop import LiveLoop
from demo.live.services import live_traffic_get, live_traffic_start, live_traffic_stop
from demo.models import LiveTraffic
from personalization.recommendations.models import ModelVersion
from personalization.tracking.models import Event

pytestmark = pytest.mark.slow


def test_live_traffic_plays_visits_now_and_retrains_at_the_simulated_night(demo_catalog):
    # given live traffic is wanted, with a population whose first simulated day ends after a few visits
    live_traffic_start(pace=20)
    began = timezone.now()
    loop = LiveLoop(visitors=30, days=2, seed=7, epochs=1, sleep=lambda seconds: None)

    # when it plays until its first simulated night has passed
    totals = loop.run(max_nights=1)

    # then visits went through the site, stamped with the real time, and every model kind was retrained
    assert totals.sessions >= 5 and totals.nights == 1
    stamps = Event.objects.values_list("timestamp", flat=True)
    assert stamps and min(stamps) >= began and max(stamps) <= timezone.now()
    assert set(ModelVersion.objects.values_list("kind", flat=True)) == {"popularity", "covisit", "sasrec"}
    # and the process told staff where it got to, and that it has stopped
    row = live_traffic_get()
    assert (row.sessions, row.nights, row.generation) == (totals.sessions, 1, 1)
    assert row.state == LiveTraffic.State.STOPPED and row.last_retrain.startswith("Night 1:")


def test_paused_live_traffic_plays_nothing_until_staff_start_it(demo_catalog):
    # given staff paused the live traffic
    live_traffic_stop()
    waits = []

    def sleep(seconds):
        waits.append(seconds)
        if len(waits) == 3:  # staff press start while the process waits
            live_traffic_start()

    loop = LiveLoop(visitors=10, days=2, seed=7, epochs=1, sleep=sleep)

    # when the process runs
    totals = loop.run(max_sessions=2)

    # then it waited without playing until started, then played
    assert len(waits) >= 3 and not Event.objects.filter(timestamp__lt=live_traffic_get().changed_at).exists()
    assert totals.sessions == 2
