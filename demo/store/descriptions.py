"""Two to four sentences of product copy that name the brand, the category and the attributes."""

from __future__ import annotations

import random
import re

# How one attribute reads inside a sentence. Booleans read only when true.
_PHRASES: dict[str, str] = {
    "megapixels": "{} megapixels of resolution",
    "sensor": "a {} sensor",
    "video": "{} video recording",
    "storage": "{} of storage",
    "screen": "a {} display",
    "camera": "a {} main camera",
    "connectivity": "{} connectivity",
    "battery_hours": "up to {} hours of battery life",
    "noise_cancelling": "active noise cancelling",
    "memory": "{}",
    "processor": "a {} processor",
    "format": "the {} format",
    "capacity": "{} of capacity",
    "speed": "{} speed class",
    "material": "{lower} construction",
    "max_height_cm": "a maximum height of {} cm",
    "max_load_kg": "a {} kg load capacity",
    "fits": "a snug fit for {}",
    "power_w": "{} W of charging power",
    "ports": "{} output",
    "dishwasher_safe": "dishwasher-safe parts",
    "width_cm": "a width of {} cm",
    "bulb": "{} lighting",
    "colour_temperature": "a {} colour temperature",
    "dimmable": "a built-in dimmer",
    "sizes": "sizes {}",
    "waterproof": "a fully waterproof build",
    "frame_size": "a size {} frame",
    "frame_material": "a {lower} frame",
    "gears": "{} gears",
    "wheel": "{} wheels",
    "size": "size {}",
    "mips": "MIPS rotational protection",
    "weight_g": "a weight of just {} g",
    "capacity_l": "{} litres of space",
    "colour": "a {lower} finish",
    "binding": "a {lower} edition",
    "pages": "{} pages",
    "recipes": "{} recipes",
    "maps": "{} fold-out maps",
}

# Words after which English says "an": aluminium, APS-C, 8-core, 11 speed, 18 ...
_AN = re.compile(r"([aeio]|8|11\b|18)", re.IGNORECASE)

_OPENERS = (
    "The {name} is {brand}'s answer for {use} and a best-seller in our {category} range.",
    "{brand} designed the {short_name} for {use}; it is one of the most versatile picks in our {category} range.",
    "Looking for something new in {category}? The {name} is made for {use}.",
    "Made for {use}, the {name} brings {brand}'s attention to detail to our {category} range.",
)
_BOOK_OPENERS = (
    "{name} by {author}, published by {brand}, is a favourite of our {category} shelf for {use}.",
    "From {brand} comes {name}, {author}'s book for {use} and a staple of our {category} section.",
)
_FEATURE_SENTENCES = ("It features {}.", "Highlights include {}.", "Expect {}.", "It comes with {}.")
_CLOSERS = (
    "Covered by a two-year {brand} warranty.",
    "Free returns within 30 days.",
    "Ships in recyclable packaging.",
    "A customer favourite for gifting.",
    "Order before 2 pm for same-day dispatch.",
)


def describe(
    *, rng: random.Random, name: str, brand: str, category: str, use: str, attributes: dict[str, object]
) -> str:
    """Product copy for one product; `category` is the category's display name."""
    category_words = category.lower()
    if "author" in attributes:
        opener = rng.choice(_BOOK_OPENERS).format(
            name=name, brand=brand, category=category_words, use=use, author=attributes["author"]
        )
    else:
        short_name = name.removeprefix(brand).strip() or name
        opener = rng.choice(_OPENERS).format(
            name=name, short_name=short_name, brand=brand, category=category_words, use=use
        )
    sentences = [opener]

    phrases = [_phrase(key, value) for key, value in attributes.items()]
    phrases = [phrase for phrase in phrases if phrase]
    rng.shuffle(phrases)
    if phrases:
        sentences.append(rng.choice(_FEATURE_SENTENCES).format(_join(phrases[:3])))
    for closer in rng.sample(_CLOSERS, k=rng.randint(0, 2)):
        sentences.append(closer.format(brand=brand))
    return " ".join(sentences)


def _phrase(key: str, value: object) -> str | None:
    pattern = _PHRASES.get(key)
    if pattern is None or value is False:
        return None
    if value is True:
        return pattern
    if key == "gears" and value == 1:
        return "a single-speed drivetrain"
    phrase = pattern.replace("{lower}", str(value).lower()).format(value)
    if phrase.startswith("a ") and _AN.match(phrase[2:]):
        return "an " + phrase[2:]
    return phrase


def _join(phrases: list[str]) -> str:
    if len(phrases) == 1:
        return phrases[0]
    return ", ".join(phrases[:-1]) + " and " + phrases[-1]
