"""The production deployment: DEBUG off, static files collected into a manifest, gunicorn serving pages."""

from __future__ import annotations

import http.client
import os
import re
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.db import connection
from django.urls import reverse

from tests.factories import make_category, make_product

BASE_DIR = Path(settings.BASE_DIR)
GUNICORN = Path(sys.executable).with_name("gunicorn")
# Seconds; collectstatic compresses every file of the admin and the API docs on a shared CPU.
COMMAND_TIMEOUT = 300
STATIC_TAG = re.compile(r"""\{% static ['"]([^'"]+)['"]""")
HASHED_STATIC = re.compile(r"/static/[\w/.-]+\.[0-9a-f]{12}\.(?:css|js|svg)")


def deploy_env(*, static_root: Path, **extra: str) -> dict[str, str]:
    # The browser tests' conftest allows sync ORM calls under an event loop; a deployment must not.
    inherited = {name: value for name, value in os.environ.items() if name != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    return {
        **inherited,
        "DEBUG": "0",
        "SECRET_KEY": "deploy-test-" + "k" * 50,
        "ALLOWED_HOSTS": "127.0.0.1",
        "STATIC_ROOT": str(static_root),
        **extra,
    }


def database_url() -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def run_manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=COMMAND_TIMEOUT,
    )


def test_every_static_file_a_template_names_exists():
    # With DEBUG off a missing one is not a broken link but a 500: the manifest has no entry for it.
    named = {
        (template.relative_to(BASE_DIR), path)
        for template in (BASE_DIR / "templates").rglob("*.html")
        for path in STATIC_TAG.findall(template.read_text())
    }

    assert named, "no {% static %} tag found in templates/"
    missing = [f"{template}: {path}" for template, path in sorted(named) if not finders.find(path)]
    assert not missing, f"static files named but not found: {missing}"


@pytest.fixture(scope="module")
def collected_static(tmp_path_factory) -> Path:
    static_root = tmp_path_factory.mktemp("static")
    result = run_manage("collectstatic", "--noinput", "-v0", env=deploy_env(static_root=static_root))
    assert result.returncode == 0, f"collectstatic failed:\n{result.stderr[-3000:]}"
    return static_root


@pytest.mark.slow
def test_check_deploy_is_clean_with_debug_off_once_static_files_are_collected(collected_static):
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=deploy_env(static_root=collected_static))

    assert result.returncode == 0, result.stdout + result.stderr


@pytest.fixture
def gunicorn(collected_static, tmp_path) -> Iterator[int]:
    """gunicorn on a socket bound here, so requests queue until it is ready and no port can be taken meanwhile."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    port = listener.getsockname()[1]
    log = (tmp_path / "gunicorn.log").open("w")
    env = deploy_env(static_root=collected_static, DATABASE_URL=database_url())
    server = subprocess.Popen(
        [str(GUNICORN), "config.wsgi:application", "--bind", f"fd://{listener.fileno()}", "--workers", "1"],
        cwd=BASE_DIR,
        env=env,
        pass_fds=[listener.fileno()],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    # Only gunicorn holds the socket now: if it dies, requests are refused instead of hanging.
    listener.close()
    yield port
    server.terminate()
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()
    log.close()


def fetch(port: int, path: str, *, https: bool = True) -> tuple[int, dict[str, str], str]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=COMMAND_TIMEOUT)
    try:
        # As the TLS-terminating proxy says it; SECURE_SSL_REDIRECT stays on.
        conn.request("GET", path, headers={"X-Forwarded-Proto": "https"} if https else {})
        response = conn.getresponse()
        body = response.read().decode("utf-8", errors="replace")
        return response.status, {k.lower(): v for k, v in response.getheaders()}, body
    finally:
        conn.close()


@pytest.mark.slow
@pytest.mark.postgres
@pytest.mark.skipif(not settings.USING_POSTGRES, reason="gunicorn needs a shared server database (DATABASE_URL)")
def test_gunicorn_serves_pages_and_hashed_static_files_with_debug_off(transactional_db, gunicorn, tmp_path):
    # given
    category = make_category(name="Cameras")
    product = make_product(name="Lumix G9 camera", category=category, price="499.00", stock=5)
    pages = {
        "home": reverse("shop:home"),
        "category": reverse("shop:category", kwargs={"slug": category.slug}),
        "product": reverse("shop:product", kwargs={"slug": product.slug}),
        "cart": reverse("shop:cart"),
        "admin login": reverse("admin:login"),
    }

    # when
    responses = {name: fetch(gunicorn, path) for name, path in pages.items()}

    # then
    log = (tmp_path / "gunicorn.log").read_text()
    for name, (status, headers, _body) in responses.items():
        assert status == 200, f"{name} ({pages[name]}) answered {status}; server log:\n{log[-4000:]}"
        assert "content-security-policy" in headers, f"{name} has no Content-Security-Policy"
    static_urls = set(HASHED_STATIC.findall(responses["home"][2]))
    assert static_urls, "the home page links no hashed static file"
    for url in static_urls:
        status, headers, _body = fetch(gunicorn, url)
        assert status == 200, f"{url} answered {status}"


@pytest.mark.slow
@pytest.mark.postgres
@pytest.mark.skipif(not settings.USING_POSTGRES, reason="gunicorn needs a shared server database (DATABASE_URL)")
def test_health_check_answers_over_plain_http_with_debug_off(transactional_db, gunicorn):
    # The container's health check asks gunicorn directly, not through the TLS proxy.
    status, headers, body = fetch(gunicorn, reverse("health"), https=False)

    assert status == 200, f"/healthz answered {status} {headers.get('location', '')}"
    assert fetch(gunicorn, reverse("shop:home"), https=False)[0] == 301, "pages over plain HTTP go to HTTPS"
