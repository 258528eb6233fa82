"""The Chinese admin: every registered model's names, the columns, filters, fields and actions its admin shows,
and the apps' names are translated (the staff of a Chinese shop read the admin in Chinese)."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.admin.utils import label_for_field
from django.contrib.auth import get_user_model
from django.test import RequestFactory
from django.utils import translation

# Words that Chinese staff read as they are written in English.
SAME_IN_BOTH = {"ID", "URL", "SKU", "UUID", "IP", "API", "JSON", "CTR", "SEO", "FAQ", "AUC", "NDCG@10", "HR@10"}


def both(label) -> tuple[str, str]:
    with translation.override("en"):
        english = str(label)
    with translation.override("zh-hans"):
        chinese = str(label)
    return english, chinese


def untranslated(labels: dict[str, object]) -> list[str]:
    found = []
    for where, label in labels.items():
        english, chinese = both(label)
        if english.strip() and english == chinese and english.strip() not in SAME_IN_BOTH:
            found.append(f"{where}: {english!r}")
    return found


def field_names(entries) -> list[str]:
    names = []
    for entry in entries:
        if isinstance(entry, (list, tuple)):
            names.extend(field_names(entry))
        elif isinstance(entry, str):
            names.append(entry)
    return names


def admin_labels(model, model_admin, request) -> dict[str, object]:
    """What the admin of `model` shows as text of its own: names, column and field labels, filters, actions."""
    meta = model._meta
    where = f"{meta.label}"
    labels: dict[str, object] = {
        f"{where} verbose_name": meta.verbose_name,
        f"{where} verbose_name_plural": meta.verbose_name_plural,
        f"{meta.app_label} app": apps.get_app_config(meta.app_label).verbose_name,
    }
    form = model_admin.get_form(request)()
    shown = [name for name in model_admin.get_list_display(request) if isinstance(name, str) and name != "__str__"]
    for name in field_names(model_admin.get_fields(request)) + shown + list(model_admin.get_readonly_fields(request)):
        # A form's own field (a password's confirmation) shows its label; the rest, as the change list heads them.
        own = form.fields.get(name)
        labels[f"{where}.{name}"] = (
            own.label if own is not None and own.label else label_for_field(name, model, model_admin)
        )
    for title, _options in model_admin.get_fieldsets(request):
        if title:
            labels[f"{where} fieldset {title!r}"] = title
    for entry in model_admin.get_list_filter(request):
        if isinstance(entry, str):
            labels[f"{where} filter {entry}"] = label_for_field(entry.split("__")[0], model, model_admin)
        elif isinstance(entry, (list, tuple)):
            labels[f"{where} filter {entry[0]}"] = label_for_field(entry[0].split("__")[0], model, model_admin)
        elif getattr(entry, "title", None):
            labels[f"{where} filter {entry.__name__}"] = entry.title
    for name, (_, _, description) in model_admin.get_actions(request).items():
        labels[f"{where} action {name}"] = description
    return labels


@pytest.fixture
def staff_request(db):
    request = RequestFactory().get("/admin/")
    request.user = get_user_model().objects.create_superuser("labels", "labels@example.com", "pw")
    return request


def test_every_admin_label_has_a_chinese_translation(staff_request):
    missing = []
    for model, model_admin in admin.site._registry.items():
        missing.extend(untranslated(admin_labels(model, model_admin, staff_request)))
    assert not missing, f"{len(missing)} admin labels show in English in the Chinese admin:\n" + "\n".join(
        sorted(set(missing))
    )
