import pytest
from django.contrib.auth.models import Permission

from personalization.recommendations.models import ModelVersion
from tests.factories import make_user


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def staff_with(*codenames: str):
    """A staff member holding exactly these permissions ("app_label.codename")."""
    user = make_user(is_staff=True)
    for name in codenames:
        app_label, codename = name.split(".")
        user.user_permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    return user


@pytest.fixture
def model_manager(db):
    return staff_with("personalization.view_modelversion", "personalization.change_modelversion")


def make_version(*, status=ModelVersion.Status.CANDIDATE, kind="sasrec", artifact=True, **fields) -> ModelVersion:
    version = ModelVersion.objects.create(kind=kind, status=status, **fields)
    if artifact:
        # The registry refuses a version without a file; promotion never reads it.
        version.artifact.name = f"models/{kind}-v{version.pk}.pt"
        version.save(update_fields=["artifact"])
    return version
