"""`manage.py check --deploy` fails where DEBUG=0 pages would answer 500: static files missing from the manifest."""

from __future__ import annotations

import json

import pytest
from django.core.checks import run_checks

MANIFEST_STORAGE = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
}


def deploy_errors() -> list[str]:
    return [message.id for message in run_checks(include_deployment_checks=True) if message.is_serious()]


@pytest.fixture
def manifest_storage(settings, tmp_path):
    settings.STORAGES = MANIFEST_STORAGE
    settings.STATIC_ROOT = tmp_path
    return tmp_path


def test_a_missing_manifest_fails_the_deploy_check(manifest_storage):
    assert "config.E001" in deploy_errors()


def test_a_manifest_without_a_static_file_fails_the_deploy_check(manifest_storage):
    # given: a manifest from before css/shop.css existed
    (manifest_storage / "staticfiles.json").write_text(json.dumps({"paths": {}, "version": "1.1", "hash": "x"}))

    assert "config.E001" in deploy_errors()


def test_a_complete_manifest_passes(manifest_storage):
    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)

    assert (manifest_storage / "staticfiles.json").exists()
    assert "config.E001" not in deploy_errors()


def test_storage_without_a_manifest_is_not_checked(settings):
    settings.STORAGES = {
        **MANIFEST_STORAGE,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }

    assert "config.E001" not in deploy_errors()
