"""p50 latency of a product page with tracking on and off, interleaved on one gunicorn.

"on" requests behave like a returning browser (visitor cookie, a browser user agent)
and are recorded: the product view, the pages' list impressions. "off" requests go to
the same process through a handler built without TrackingMiddleware; they keep the
visitor id, so the page's personalization does the same work and only recording
differs. The ratio on/off must stay at most 1.05. For information, "none" drops the
visitor id too, so the page is not personalized at all.
"""

from __future__ import annotations

import http.client
import os
import statistics
import time

from tracking_server import Gunicorn, clear_redis, prepare_database, setup_django

WARMUP = 50
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "600"))
BROWSER_UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36"


def product_path() -> str:
    from shop.models import Brand, Category, Product

    category, _ = Category.objects.get_or_create(slug="bench-cameras", defaults={"name": "Bench cameras"})
    brand, _ = Brand.objects.get_or_create(slug="bench-brand", defaults={"name": "Bench brand"})
    product, _ = Product.objects.get_or_create(
        slug="bench-camera-0",
        defaults={
            "name": "Bench camera 0",
            "sku": "BENCH-0",
            "category": category,
            "brand": brand,
            "price": "99.00",
            "stock": 1000,
        },
    )
    return product.get_absolute_url()


def get(port: int, path: str, headers: dict) -> tuple[float, http.client.HTTPResponse]:
    started = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", path, headers=headers)
    response = conn.getresponse()
    response.read()
    elapsed = time.perf_counter() - started
    conn.close()
    if response.status != 200:
        raise RuntimeError(f"{path} answered {response.status}")
    return elapsed, response


def main() -> None:
    prepare_database()
    setup_django()
    from personalization.tracking.models import Event

    path = product_path()
    redis_mode = os.environ.get("BENCH_WRITE_PATH", "redis")
    extra = {} if redis_mode == "redis" else {"TRACKING_REDIS_URL": ""}
    before = Event.objects.count()
    with Gunicorn("bench.tracking_wsgi:application", workers=2, **extra) as server:
        on_headers = {"User-Agent": BROWSER_UA}
        _, first = get(server.port, path, on_headers)
        cookie = first.getheader("Set-Cookie", "").split(";", 1)[0]
        on_headers["Cookie"] = cookie
        off_headers = {**on_headers, "X-Bench-Tracking": "off"}
        none_headers = {"User-Agent": BROWSER_UA, "X-Bench-Tracking": "none"}
        for _ in range(WARMUP):
            for headers in (on_headers, off_headers, none_headers):
                get(server.port, path, headers)
        on, off, none = [], [], []
        for n in range(ROUNDS):
            # Rotate the order, so none always follows another's post-response work.
            trio = [(on, on_headers), (off, off_headers), (none, none_headers)]
            for samples, headers in trio[n % 3 :] + trio[: n % 3]:
                samples.append(get(server.port, path, headers)[0])
    from personalization.tracking.services import events_flush

    events_flush(max_batches=1000)
    recorded = Event.objects.count() - before
    clear_redis()
    p50_on, p50_off, p50_none = (statistics.median(s) * 1000 for s in (on, off, none))
    print(f"product page p50, tracking on:  {p50_on:.2f} ms ({len(on)} requests; {recorded} events recorded)")
    print(f"product page p50, tracking off: {p50_off:.2f} ms ({len(off)} requests)")
    print(f"ratio on/off: {p50_on / p50_off:.3f} (target <= 1.05; write path: {redis_mode})")
    print(
        f"for information, no visitor id at all (no personalization): {p50_none:.2f} ms, "
        f"ratio on/none {p50_on / p50_none:.3f}"
    )


if __name__ == "__main__":
    main()
