"""The places an experiment can change, and the variant configs each one knows how to render.

A variant whose config no template or serving code understands would silently show the
default, so configs are checked against this registry when an experiment is saved and
started. Adding a layout means adding it here and teaching the template about it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError


@dataclass(frozen=True)
class Surface:
    key: str
    label: str
    default: dict
    validate: Callable[[dict], None] = field(repr=False)


def _choice(name: str, choices: tuple[str, ...]) -> Callable[[dict], None]:
    def validate(config: dict) -> None:
        value = config.get(name)
        if value not in choices:
            raise ValidationError(
                f'The config needs "{name}" set to one of {", ".join(choices)} (got {value!r}).', code="unknown_config"
            )

    return validate


HOME_LAYOUTS = ("grid", "category_rows", "editorial")
PRODUCT_LAYOUTS = ("classic", "gallery_first", "details_first")
COUPON_POLICIES = ("none", "everyone", "model")
ASSISTANT_PANEL = ("shown", "hidden")
RANKER_PATTERN = re.compile(r"^(popularity|model|model_version:\d+)$")


def _validate_ranker(config: dict) -> None:
    value = config.get("ranker")
    if not isinstance(value, str) or not RANKER_PATTERN.match(value):
        raise ValidationError(
            f'The config needs "ranker" set to popularity, model or model_version:<id> (got {value!r}).',
            code="unknown_config",
        )


SURFACES: dict[str, Surface] = {
    surface.key: surface
    for surface in (
        Surface("home_layout", "Home page layout", {"layout": "grid"}, _choice("layout", HOME_LAYOUTS)),
        Surface("product_layout", "Product page layout", {"layout": "classic"}, _choice("layout", PRODUCT_LAYOUTS)),
        Surface("ranker", "Recommendation ranker", {"ranker": "model"}, _validate_ranker),
        Surface("coupon_policy", "Coupon policy", {"policy": "none"}, _choice("policy", COUPON_POLICIES)),
        Surface("assistant_panel", "Shopping assistant panel", {"panel": "shown"}, _choice("panel", ASSISTANT_PANEL)),
    )
}
SURFACE_CHOICES = [(surface.key, surface.label) for surface in SURFACES.values()]


def validate_config(surface_key: str, config: object) -> None:
    surface = SURFACES.get(surface_key)
    if surface is None:
        raise ValidationError(f"Unknown surface {surface_key!r}.", code="unknown_surface")
    if not isinstance(config, dict):
        raise ValidationError("A variant config must be a JSON object.", code="unknown_config")
    surface.validate(config)


def default_config(surface_key: str) -> dict:
    surface = SURFACES.get(surface_key)
    return dict(surface.default) if surface else {}
