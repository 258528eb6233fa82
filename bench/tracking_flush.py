"""Tracking write path throughput: flush from Redis into PostgreSQL, and the event API under gunicorn.

Targets: flush >= 20,000 events/s; event API >= 2,000 events/s accepted with
gunicorn (2 workers), batches of 50 from a few threads for about 10 seconds.
"""

from __future__ import annotations

import http.client
import json
import threading
import time
import uuid
from datetime import timedelta

from tracking_server import Gunicorn, clear_redis, prepare_database, setup_django

FLUSH_EVENTS = 200_000
API_SECONDS = 10.0
API_THREADS = 4
API_BATCH = 50


def bench_catalog() -> tuple[list[int], list[int]]:
    """Real products and users, so the foreign keys are checked as in production."""
    from django.contrib.auth import get_user_model

    from shop.models import Brand, Category, Product

    category, _ = Category.objects.get_or_create(slug="bench-cameras", defaults={"name": "Bench cameras"})
    brand, _ = Brand.objects.get_or_create(slug="bench-brand", defaults={"name": "Bench brand"})
    for n in range(50):
        Product.objects.get_or_create(
            slug=f"bench-camera-{n}",
            defaults={
                "name": f"Bench camera {n}",
                "sku": f"BENCH-{n}",
                "category": category,
                "brand": brand,
                "price": "99.00",
                "stock": 1000,
            },
        )
    users = [get_user_model().objects.get_or_create(username=f"bench-shopper-{n}")[0] for n in range(20)]
    products = Product.objects.filter(slug__startswith="bench-camera-")
    return list(products.values_list("pk", flat=True)), [u.pk for u in users]


def timed_flush(count: int, product_ids: list[int], user_ids: list[int] = (), prefix: str = "bench-") -> float:
    """Push `count` list impressions into the Redis buffer, then time the flush into the database: events/s.

    Checks every event was stored, then deletes them. bench/scale.py times its catalogues with it too.
    """
    from django.utils import timezone

    from personalization.tracking import buffer
    from personalization.tracking.models import Event
    from personalization.tracking.schema import TrackedEvent
    from personalization.tracking.services import events_flush

    Event.objects.filter(visitor_id__startswith=prefix).delete()
    now = timezone.now()
    for start in range(0, count, 5000):
        buffer.push(
            TrackedEvent(
                uuid=str(uuid.uuid4()),
                type="list_impression",
                timestamp=now - timedelta(seconds=i),
                recorded_at=now,
                visitor_id=f"{prefix}{i % 5000}",
                user_id=user_ids[i % len(user_ids)] if user_ids and i % 3 == 0 else None,
                product_id=product_ids[i % len(product_ids)],
                path="/c/cameras/",
                context={"list_id": "category:cameras", "position": i % 24},
            )
            for i in range(start, min(start + 5000, count))
        )
    started = time.perf_counter()
    flushed = 0
    while buffer.pending_length():
        flushed += events_flush(max_batches=1000)
    elapsed = time.perf_counter() - started
    stored = Event.objects.filter(visitor_id__startswith=prefix).count()
    assert stored == count, (stored, count)
    Event.objects.filter(visitor_id__startswith=prefix).delete()
    return flushed / elapsed


def bench_flush() -> float:
    product_ids, user_ids = bench_catalog()
    rate = timed_flush(FLUSH_EVENTS, product_ids, user_ids)
    # The recent lists were filled by push(); they are not part of the flush.
    clear_redis()
    return rate


def bench_api() -> float:
    accepted = [0] * API_THREADS
    errors = [0] * API_THREADS
    with Gunicorn("config.wsgi:application", workers=2) as server:
        deadline = time.monotonic() + API_SECONDS

        def sender(index: int) -> None:
            install_id = str(uuid.uuid4())
            while time.monotonic() < deadline:
                body = json.dumps(
                    {
                        "events": [
                            {"uuid": str(uuid.uuid4()), "type": "scroll", "path": "/", "context": {"depth": n}}
                            for n in range(API_BATCH)
                        ]
                    }
                )
                conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
                conn.request(
                    "POST",
                    "/api/v1/events",
                    body,
                    {"Content-Type": "text/plain;charset=UTF-8", "X-Visitor-Id": install_id, "User-Agent": "Bench/1"},
                )
                response = conn.getresponse()
                payload = response.read()
                conn.close()
                if response.status == 202:
                    accepted[index] += json.loads(payload)["accepted"]
                else:
                    errors[index] += 1

        started = time.monotonic()
        threads = [threading.Thread(target=sender, args=(i,)) for i in range(API_THREADS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - started
    clear_redis()
    if sum(errors):
        print(f"  event API: {sum(errors)} requests failed")
    return sum(accepted) / elapsed


def main() -> None:
    prepare_database()
    setup_django()
    clear_redis()
    rate = bench_flush()
    print(f"flush into PostgreSQL: {rate:,.0f} events/s ({FLUSH_EVENTS:,} events; target >= 20,000)")
    rate = bench_api()
    print(
        f"event API accepted: {rate:,.0f} events/s "
        f"(gunicorn 2 workers, {API_THREADS} threads, batches of {API_BATCH}, {API_SECONDS:.0f} s; target >= 2,000)"
    )


if __name__ == "__main__":
    main()
