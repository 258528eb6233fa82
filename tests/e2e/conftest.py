"""Browser tests: Debian's Chromium driven by Playwright against pytest-django's live server.

One browser for the session, a fresh context (cookies, storage) per test. Every test keeps a
screenshot of its last page in E2E_ARTIFACTS; a failed one also keeps the page's HTML.
Without /usr/bin/chromium the tests are skipped, unless REQUIRE_BROWSER=1 (CI) makes that a failure.
"""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone

from tests.e2e.layout import DESKTOP
from tests.e2e.steps import PASSWORD

# Playwright's sync API keeps an event loop running in this thread, and Django refuses ORM calls
# made while a loop runs. The tests call the ORM between browser steps, so they opt out of that check.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path(os.environ.get("E2E_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-component-update",
    "--disable-sync",
]
INSTALL_HINT = "install it with `apt-get install chromium` (as root, or run `make browser-deps`)"
ARTIFACTS = Path(os.environ.get("E2E_ARTIFACTS") or "test-artifacts/e2e").resolve()
# The experiment_with_results fixture: visitors exposed over these days.
EXPERIMENT_VISITORS = 60
EXPERIMENT_DAYS = 3
# Milliseconds; generous for a 2-core machine running the server in the same process.
STEP_TIMEOUT_MS = 15_000


def _browser_missing(reason: str):
    if os.environ.get("REQUIRE_BROWSER") == "1":
        pytest.fail(f"REQUIRE_BROWSER=1 but {reason}; {INSTALL_HINT}.", pytrace=False)
    pytest.skip(f"Browser tests skipped: {reason}; {INSTALL_HINT}.")


# Reports


@pytest.hookimpl(hookwrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"report_{report.when}", report)


def pytest_collection_finish(session):
    if any(item.get_closest_marker("browser") for item in session.items):
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:
            reporter.write_line(f"Browser test screenshots go to {ARTIFACTS}")


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if ARTIFACTS.is_dir() and any(ARTIFACTS.iterdir()):
        terminalreporter.write_sep("-", "browser test artifacts")
        terminalreporter.write_line(f"Screenshots and failed pages: {ARTIFACTS}")


# Browser


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        _browser_missing(f"no Chromium at {CHROMIUM}")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _browser_missing("the Python package playwright is not installed (pip install -r requirements-dev.txt)")
    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
    except Exception as error:
        playwright.stop()
        _browser_missing(f"Chromium at {CHROMIUM} did not start ({error})")
    yield browser
    browser.close()
    playwright.stop()


@pytest.fixture(scope="session")
def shopper_user_agent(browser) -> str:
    """Chromium's own agent says HeadlessChrome, which the tracking filter rightly treats as a bot."""
    return (
        f"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/{browser.version} Safari/537.36"
    )


@pytest.fixture
def new_context(browser, shopper_user_agent, live_server, request):
    """Opens browser contexts (a desktop one unless told otherwise); every page shows up in the artifacts."""
    contexts = []

    def open_context(*, viewport: dict = DESKTOP, mobile: bool = False):
        options = {"viewport": viewport, "base_url": live_server.url, "user_agent": shopper_user_agent}
        if mobile:
            options.update(
                is_mobile=True,
                has_touch=True,
                device_scale_factor=2,
                user_agent=shopper_user_agent.replace("(X11; Linux x86_64)", "(Linux; Android 14; Pixel 8)").replace(
                    "Safari/", "Mobile Safari/"
                ),
            )
        context = browser.new_context(**options)
        context.set_default_timeout(STEP_TIMEOUT_MS)
        contexts.append(context)
        return context

    yield open_context
    _keep_artifacts(request.node, [p for c in contexts for p in c.pages])
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_context):
    return new_context().new_page()


def _keep_artifacts(item, pages) -> None:
    pages = [p for p in pages if not p.is_closed()]
    if not pages:
        return
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    name = re.sub(r"[^A-Za-z0-9_.-]+", "-", item.name).strip("-")
    failed = any(getattr(item, f"report_{when}", None) and getattr(item, f"report_{when}").failed
                 for when in ("setup", "call"))  # fmt: skip
    for index, page in enumerate(pages):
        stem = name if index == 0 else f"{name}-{index + 1}"
        for stale in (ARTIFACTS / f"{stem}-failed.png", ARTIFACTS / f"{stem}-failed.html"):
            stale.unlink(missing_ok=True)
        try:
            page.screenshot(path=str(ARTIFACTS / f"{stem}.png"), full_page=True)
            if failed:
                page.screenshot(path=str(ARTIFACTS / f"{stem}-failed.png"), full_page=True)
                (ARTIFACTS / f"{stem}-failed.html").write_text(page.content(), encoding="utf-8")
        except Exception as error:  # a crashed page must not hide the test's own failure
            print(f"Could not save the artifacts of {stem}: {error}")


# Server-side state


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # Every sign-in hashes the password; the real hasher costs most of a second on a CI core.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _own_tracking_buffer(settings) -> Iterator[None]:
    """With REDIS_URL the buffer is shared by everyone's test runs: keep this test's events under its own prefix."""
    settings.TRACKING_REDIS_PREFIX = f"e2e-{uuid.uuid4().hex[:12]}:tracking:"
    yield
    if settings.TRACKING_REDIS_URL:
        from personalization.tracking import buffer

        try:
            client = buffer.client()
            keys = list(client.scan_iter(match=settings.TRACKING_REDIS_PREFIX + "*"))
            if keys:
                client.delete(*keys)
        except Exception:
            pass


@pytest.fixture
def shop(transactional_db, shipping_methods) -> dict:
    """A small catalog: cameras of two brands at spread prices, and shoes."""
    from tests.factories import make_brand, make_category, make_product

    cameras, shoes = make_category(name="Cameras"), make_category(name="Shoes")
    lumix, aurora, stride = make_brand(name="Lumix"), make_brand(name="Aurora"), make_brand(name="Stride")
    return {
        "cameras": cameras,
        "shoes": shoes,
        "lumix": lumix,
        "aurora": aurora,
        "camera_products": [
            make_product(name="Lumix Compact", category=cameras, brand=lumix, price="149.00", stock=20),
            make_product(name="Lumix Travel Zoom", category=cameras, brand=lumix, price="289.00", stock=20),
            make_product(name="Lumix Mirrorless", category=cameras, brand=lumix, price="899.00", stock=20),
            make_product(name="Aurora Pocket", category=cameras, brand=aurora, price="99.00", stock=20),
            make_product(name="Aurora Action Cam", category=cameras, brand=aurora, price="199.00", stock=20),
        ],
        "shoe_products": [
            make_product(name="Stride Runner Shoe", category=shoes, brand=stride, price="79.00", stock=20),
            make_product(name="Stride Trail Shoe", category=shoes, brand=stride, price="109.00", stock=20),
        ],
    }


@pytest.fixture
def shopper(transactional_db):
    from tests.factories import make_user

    return make_user(username="alice", password=PASSWORD, first_name="Alice", last_name="Doe")


@pytest.fixture
def staff(transactional_db):
    from tests.factories import make_user

    return make_user(username="staffer", password=PASSWORD, is_staff=True, is_superuser=True)


@pytest.fixture
def experiment_with_results(transactional_db):
    """A running home-layout test: sixty visitors exposed over three days, some of whom bought afterwards."""
    from personalization.experiments.models import Experiment, Exposure, Variant
    from personalization.experiments.services import experiment_start
    from personalization.tracking.models import Event

    experiment = Experiment.objects.create(
        key="home-layout", name="Home layout", surface="home_layout", hypothesis="Editorial sells more."
    )
    control = Variant.objects.create(
        experiment=experiment, key="grid", weight=50, is_control=True, config={"layout": "grid"}, position=0
    )
    editorial = Variant.objects.create(
        experiment=experiment, key="editorial", weight=50, config={"layout": "editorial"}, position=1
    )
    experiment = experiment_start(experiment=experiment)
    start = timezone.now() - timedelta(days=EXPERIMENT_DAYS)
    exposures, purchases = [], []
    for n in range(EXPERIMENT_VISITORS):
        variant = editorial if n % 2 else control
        exposed_at = start + timedelta(days=n % EXPERIMENT_DAYS, hours=n % 5)
        exposures.append(
            Exposure(
                experiment=experiment,
                variant=variant,
                unit_id=f"v:visitor-{n}",
                unit_type="visitor",
                visitor_id=f"visitor-{n}",
                exposed_at=exposed_at,
            )  # fmt: skip
        )
        if n % 3 == 0 or (variant == editorial and n % 5 == 0):
            bought_at = exposed_at + timedelta(hours=2)
            purchases.append(
                Event(
                    uuid=uuid.uuid4(),
                    type=Event.Type.PURCHASE,
                    timestamp=bought_at,
                    recorded_at=bought_at,
                    visitor_id=f"visitor-{n}",
                    value=Decimal("40.00") + n,
                )  # fmt: skip
            )
    Exposure.objects.bulk_create(exposures)
    Event.objects.bulk_create(purchases)
    return experiment
