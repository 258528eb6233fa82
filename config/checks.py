"""What `manage.py check --deploy` can tell before pages fail in production."""

from __future__ import annotations

from django.apps import apps
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import ManifestFilesMixin, staticfiles_storage
from django.core.checks import Error, Tags, register


@register(Tags.staticfiles, deploy=True)
def check_static_manifest(app_configs, **kwargs) -> list[Error]:
    """Every static file has an entry in the manifest; a page naming one without it answers 500."""
    if not isinstance(staticfiles_storage, ManifestFilesMixin):
        return []
    manifest, _hash = staticfiles_storage.load_manifest()
    ignore_patterns = apps.get_app_config("staticfiles").ignore_patterns
    found = {path for finder in finders.get_finders() for path, _storage in finder.list(ignore_patterns)}
    missing = sorted(found - manifest.keys())
    if not missing:
        return []
    return [
        Error(
            f"{len(missing)} static files have no entry in the manifest of {staticfiles_storage.location}, "
            f"e.g. {', '.join(missing[:3])}; every page that names one answers 500.",
            hint="Run `manage.py collectstatic` with the same settings; if it fails, fix what it names.",
            id="config.E001",
        )
    ]
