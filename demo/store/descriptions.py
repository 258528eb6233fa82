"""Two to four sentences of product copy that name the brand, the category and the attributes.

What a product is for comes from its own kind (`use_for`): hiking boots are for rough trails, never
for long runs; only a camera bag carries camera gear. A plural kind (boots, earbuds) takes "are".
"""

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

# What each kind of product is for; a kind not listed here takes its shelf's uses.
USES_BY_KIND: dict[str, tuple[str, ...]] = {
    "Compact Camera": ("street photography", "family trips"),
    "Mirrorless Camera": ("street photography", "landscapes", "travel photography"),
    "Action Camera": ("vlogging", "family trips"),
    "Instant Camera": ("family trips", "street photography"),
    "Travel Zoom Camera": ("family trips", "landscapes", "travel photography"),
    "Rugged Phone": ("outdoor work", "long days away from a socket"),
    "Wireless Headphones": ("the commute", "workouts"),
    "Over-Ear Headphones": ("the commute", "the home office"),
    "Earbuds": ("the commute", "workouts"),
    "Bluetooth Speaker": ("movie nights", "weekend trips"),
    "Soundbar": ("movie nights",),
    "Gaming Laptop": ("gaming",),
    "Workstation Laptop": ("creative work",),
    "Ultrabook": ("business travel", "students"),
    "Laptop": ("students", "the home office"),
    "2-in-1 Laptop": ("students", "creative work"),
    "Travel Tripod": ("travel photography", "long exposures"),
    "Carbon Tripod": ("long exposures", "travel photography"),
    "Tabletop Tripod": ("video interviews", "vlogging"),
    "Video Tripod": ("video interviews",),
    "Monopod": ("travel photography",),
    "Rugged Case": ("outdoor work", "everyday drops"),
    "Clear Case": ("a clean minimal look",),
    "USB-C Charger": ("laptops and phones", "travel"),
    "Wireless Charger": ("the bedside table",),
    "Power Bank": ("travel", "long days away from a socket"),
    "Car Charger": ("road trips",),
    "Charging Station": ("the bedside table", "laptops and phones"),
    "Chef's Knife": ("weeknight dinners",),
    "Cast Iron Skillet": ("weeknight dinners",),
    "Espresso Machine": ("the morning coffee",),
    "Coffee Grinder": ("the morning coffee",),
    "Stand Mixer": ("weekend baking",),
    "Kettle": ("the morning coffee",),
    "Armchair": ("reading corners", "the living room"),
    "Coffee Table": ("the living room", "small apartments"),
    "Bookshelf": ("small apartments", "the living room"),
    "Desk": ("the home office",),
    "Dining Chair": ("dining tables",),
    "Sideboard": ("the living room", "dining tables"),
    "Floor Lamp": ("reading corners", "the living room"),
    "Desk Lamp": ("the desk", "the home office"),
    "Pendant Light": ("dining tables",),
    "Table Lamp": ("reading corners", "the bedside table"),
    "Wall Light": ("reading corners", "the living room"),
    "Trail Running Shoes": ("rough trails", "long runs"),
    "Running Shoes": ("long runs", "race day"),
    "Sneakers": ("city walks",),
    "Chelsea Boots": ("the office", "city walks"),
    "Hiking Boots": ("rough trails", "winter hikes"),
    "Loafers": ("the office", "city walks"),
    "Backpack": ("the commute", "weekend trips"),
    "Tote Bag": ("the commute", "city walks"),
    "Messenger Bag": ("the commute",),
    "Duffel Bag": ("weekend trips", "carry-on travel"),
    "Camera Bag": ("camera gear",),
    "Laptop Sleeve": ("the commute", "business travel"),
    "Rain Jacket": ("wet commutes",),
    "Down Jacket": ("winter hikes",),
    "Fleece Jacket": ("layering in the mountains",),
    "Parka": ("winter hikes", "wet commutes"),
    "Softshell Jacket": ("layering in the mountains",),
    "Insulated Vest": ("layering in the mountains",),
    "Road Bike": ("fast group rides",),
    "Gravel Bike": ("bikepacking",),
    "Mountain Bike": ("singletrack",),
    "City Bike": ("commuting",),
    "E-Bike": ("commuting",),
    "Folding Bike": ("commuting",),
    "Road Helmet": ("road riding",),
    "MTB Helmet": ("trail days",),
    "Commuter Helmet": ("the commute",),
    "Aero Helmet": ("road riding",),
    "Running Shorts": ("race day", "hot summer miles"),
    "Running Tights": ("long runs",),
    "Running Vest": ("hot summer miles", "race day"),
    "Hydration Vest": ("long runs",),
    "Running Cap": ("hot summer miles",),
    "Running Socks": ("long runs", "race day"),
}

# Kinds whose name is a plural: "the Aurora Hiking Boots are".
_PLURAL_KINDS = (
    "Shoes",
    "Boots",
    "Sneakers",
    "Loafers",
    "Headphones",
    "Earbuds",
    "Shorts",
    "Tights",
    "Socks",
    "Stories",
)

# Words after which English says "an": aluminium, APS-C, 8-core, 11 speed, 18 ...
_AN = re.compile(r"([aeio]|8|11\b|18)", re.IGNORECASE)

_OPENERS = (
    "The {name} {is} {brand}'s answer for {use} and a best-seller in our {category} range.",
    "{brand} designed the {short_name} for {use}; {it_is} one of the most versatile picks in our {category} range.",
    "Looking for something new in {category}? The {name} {is} made for {use}.",
    "Made for {use}, the {name} {brings} {brand}'s attention to detail to our {category} range.",
)
_BOOK_OPENERS = (
    "{name} by {author}, published by {brand}, is a favourite of our {category} shelf for {use}.",
    "From {brand} comes {name}, {author}'s book for {use} and a staple of our {category} section.",
)
_FEATURE_SENTENCES = ("{It} {features} {}.", "Highlights include {}.", "Expect {}.", "{It} {comes} with {}.")
_CLOSERS = (
    "Covered by a two-year {brand} warranty.",
    "Free returns within 30 days.",
    "Ships in recyclable packaging.",
    "A customer favourite for gifting.",
    "Order before 2 pm for same-day dispatch.",
)


def use_for(rng: random.Random, *, kind: str, shelf_uses: tuple[str, ...]) -> str:
    """What a product of this kind is for.

    One draw among the shelf's uses, as before kinds had uses of their own (a seed keeps giving the same
    catalogue); a use that does not fit the kind is swapped for one of the kind's own.
    """
    drawn = rng.choice(shelf_uses)
    fits = USES_BY_KIND.get(kind)
    if not fits or drawn in fits:
        return drawn
    return fits[shelf_uses.index(drawn) % len(fits)]


def book_title(title: str) -> str:
    """A title starts with a capital: "the Baltic Coast: The Cookbook" reads "The Baltic Coast: The Cookbook"."""
    return title[:1].upper() + title[1:]


def describe(
    *,
    rng: random.Random,
    name: str,
    brand: str,
    category: str,
    use: str,
    attributes: dict[str, object],
    kind: str = "",
) -> str:
    """Product copy for one product; `category` is the category's display name, `kind` what it is."""
    category_words = category.lower()
    plural = kind.endswith(_PLURAL_KINDS)
    grammar = {
        "is": "are" if plural else "is",
        "it_is": "they are" if plural else "it is",
        "brings": "bring" if plural else "brings",
        "It": "They" if plural else "It",
        "features": "feature" if plural else "features",
        "comes": "come" if plural else "comes",
    }
    if "author" in attributes:
        opener = rng.choice(_BOOK_OPENERS).format(
            name=name, brand=brand, category=category_words, use=use, author=attributes["author"]
        )
    else:
        short_name = name.removeprefix(brand).strip() or name
        opener = rng.choice(_OPENERS).format(
            name=name, short_name=short_name, brand=brand, category=category_words, use=use, **grammar
        )
    sentences = [opener]

    phrases = [_phrase(key, value) for key, value in attributes.items()]
    phrases = [phrase for phrase in phrases if phrase]
    rng.shuffle(phrases)
    if phrases:
        sentences.append(rng.choice(_FEATURE_SENTENCES).format(_join(phrases[:3]), **grammar))
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
