"""Category page p50 with personalization on vs off, same process, same run, interleaved (target ratio <= 1.3).

Builds a scratch store (SQLite file in a temp dir unless DATABASE_URL is set): 300 demo products,
synthetic behaviour from 200 visitors, trained popularity, co-visitation and sequential champions.
A returning visitor with a history then asks for the same category page alternately with
PERSONALIZATION_ENABLED on and off; the page, middleware and templates are the same.
"""

import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
scratch = tempfile.mkdtemp(prefix="bench-serving-")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{scratch}/bench.sqlite3")
os.environ["MEDIA_ROOT"] = f"{scratch}/media"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ["REDIS_URL"] = ""
os.environ["DEBUG"] = "1"

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import override_settings  # noqa: E402
from django.utils import timezone  # noqa: E402

ROUNDS = int(os.environ.get("BENCH_ROUNDS", "150"))
TARGET = 1.3
BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/126.0 Safari/537.36"


def build_store():
    from personalization.recommendations.training import model_version_train
    from personalization.tracking.models import Event
    from shop.models import Product

    call_command("migrate", verbosity=0)
    call_command("load_demo_store", products=300, no_images=True, seed=1, verbosity=0)
    products = list(Product.objects.filter(is_active=True).values_list("pk", "category_id"))
    by_category = {}
    for pk, category_id in products:
        by_category.setdefault(category_id, []).append(pk)
    rng, now, events = random.Random(1), timezone.now(), []
    for visitor in range(200):
        favourite = rng.choice(list(by_category))
        for step in range(12):
            pool = by_category[favourite] if rng.random() < 0.8 else [pk for pk, _ in products]
            moment = now - timedelta(days=5, minutes=-visitor * 30 - step)
            events.append(
                Event(
                    uuid=uuid.uuid4(),
                    type="product_view",
                    timestamp=moment,
                    recorded_at=moment,
                    visitor_id=f"bench-{visitor}",
                    product_id=rng.choice(pool),
                )
            )
    Event.objects.bulk_create(events)
    for kind in ("popularity", "covisit", "sasrec"):
        model_version_train(kind=kind, epochs=5, always_promote=True)
    return max(by_category, key=lambda c: len(by_category[c]))


def main() -> None:
    from shop.models import Category, Product

    category = Category.objects.get(pk=build_store())
    client = Client(HTTP_USER_AGENT=BROWSER)
    for product in Product.objects.filter(category=category, is_active=True)[:5]:
        client.get(product.get_absolute_url())
    url = category.get_absolute_url()
    timings = {"on": [], "off": []}
    for n in range(ROUNDS + 20):
        for mode in ("on", "off") if n % 2 else ("off", "on"):
            with override_settings(PERSONALIZATION_ENABLED=mode == "on"):
                started = time.perf_counter()
                response = client.get(url)
                elapsed = time.perf_counter() - started
            assert response.status_code == 200
            if n >= 20:
                timings[mode].append(elapsed * 1000)
    on, off = statistics.median(timings["on"]), statistics.median(timings["off"])
    print(f"category page p50: personalization on {on:.1f} ms, off {off:.1f} ms ({ROUNDS} rounds each, interleaved)")
    print(f"ratio on/off: {on / off:.2f} (target <= {TARGET})  {'OK' if on / off <= TARGET else 'OVER TARGET'}")


if __name__ == "__main__":
    main()
