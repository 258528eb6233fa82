"""The demo store's shape: the category tree, the brands, the colours and which categories go together.

Pure data. `demo.store.shelves` says what each leaf category sells; the shopper simulator reads
`COMPLEMENTS` to buy a memory card after a camera.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CategoryNode:
    slug: str
    name: str
    parent: str | None
    description: str


CATEGORIES: tuple[CategoryNode, ...] = (
    CategoryNode("electronics", "Electronics", None, "Cameras, phones, audio, laptops and what goes with them."),
    CategoryNode("cameras", "Cameras", "electronics", "Compact, mirrorless and action cameras."),
    CategoryNode("phones", "Phones", "electronics", "Smartphones for every budget."),
    CategoryNode("audio", "Audio", "electronics", "Headphones, earbuds and speakers."),
    CategoryNode("laptops", "Laptops", "electronics", "Ultrabooks, workstations and gaming laptops."),
    CategoryNode("accessories", "Accessories", "electronics", "Memory cards, tripods, cases and chargers."),
    CategoryNode("memory-cards", "Memory Cards", "accessories", "SD, microSD and CFexpress cards."),
    CategoryNode("tripods", "Tripods", "accessories", "Travel, studio and tabletop tripods."),
    CategoryNode("phone-cases", "Phone Cases", "accessories", "Cases and folios that keep a phone in one piece."),
    CategoryNode("chargers", "Chargers", "accessories", "Wall chargers, wireless pads and power banks."),
    CategoryNode("home", "Home", None, "Kitchen, furniture and lighting."),
    CategoryNode("kitchen", "Kitchen", "home", "Cookware, knives and coffee gear."),
    CategoryNode("furniture", "Furniture", "home", "Chairs, tables and shelving."),
    CategoryNode("lighting", "Lighting", "home", "Floor, desk and pendant lamps."),
    CategoryNode("fashion", "Fashion", None, "Shoes, bags and outerwear."),
    CategoryNode("shoes", "Shoes", "fashion", "Sneakers, boots and running shoes."),
    CategoryNode("bags", "Bags", "fashion", "Backpacks, totes and camera bags."),
    CategoryNode("outerwear", "Outerwear", "fashion", "Rain jackets, down jackets and fleeces."),
    CategoryNode("sports", "Sports", None, "Cycling and running."),
    CategoryNode("cycling", "Cycling", "sports", "Bikes and helmets."),
    CategoryNode("bikes", "Bikes", "cycling", "Road, gravel, mountain and city bikes."),
    CategoryNode("helmets", "Helmets", "cycling", "Road and mountain bike helmets."),
    CategoryNode("running", "Running", "sports", "Running apparel and gear."),
    CategoryNode("books", "Books", None, "Novels, cookbooks and travel guides."),
    CategoryNode("fiction", "Fiction", "books", "Novels and short stories."),
    CategoryNode("cookbooks", "Cookbooks", "books", "Recipes from every kitchen."),
    CategoryNode("travel-guides", "Travel Guides", "books", "Guides for cities, coasts and trails."),
)

# Shoppers who buy from the key often buy from these next: a camera, then a memory card.
COMPLEMENTS: dict[str, tuple[str, ...]] = {
    "cameras": ("memory-cards", "tripods", "bags"),
    "phones": ("phone-cases", "chargers", "audio"),
    "laptops": ("chargers", "bags", "audio"),
    "audio": ("chargers",),
    "tripods": ("cameras", "memory-cards"),
    "bikes": ("helmets", "running"),
    "helmets": ("bikes",),
    "running": ("shoes",),
    "shoes": ("running", "bags"),
    "outerwear": ("bags", "shoes"),
    "kitchen": ("cookbooks",),
    "cookbooks": ("kitchen",),
    "furniture": ("lighting",),
    "lighting": ("furniture",),
    "travel-guides": ("bags", "cameras", "outerwear"),
}

# Colour names shoppers see, with the RGB the product images are drawn in.
COLOURS: dict[str, tuple[int, int, int]] = {
    "Black": (40, 42, 48),
    "Graphite": (78, 82, 90),
    "Silver": (168, 172, 180),
    "White": (232, 232, 228),
    "Midnight Blue": (36, 52, 96),
    "Ocean Blue": (38, 110, 170),
    "Forest Green": (44, 100, 64),
    "Sage": (140, 164, 130),
    "Sand": (200, 178, 140),
    "Terracotta": (196, 98, 66),
    "Burgundy": (120, 36, 52),
    "Coral": (236, 112, 96),
    "Mustard": (212, 168, 48),
    "Lavender": (150, 130, 196),
    "Oak": (176, 132, 84),
    "Walnut": (110, 74, 48),
}

# Invented brands, each selling on a few shelves; a shelf draws its products from its brands.
BRANDS: dict[str, tuple[str, ...]] = {
    "Optivue": ("cameras", "tripods"),
    "Lumora": ("cameras", "memory-cards"),
    "Kairon": ("cameras", "phones", "chargers"),
    "Pixelon": ("cameras", "audio"),
    "Nordlys": ("phones", "laptops"),
    "Vexo": ("phones", "phone-cases", "chargers"),
    "Halvor": ("phones", "audio"),
    "Zephyra": ("laptops", "audio"),
    "Stratobyte": ("laptops", "memory-cards"),
    "Corvane": ("laptops", "chargers"),
    "Sonaris": ("audio",),
    "Tessel": ("memory-cards", "chargers"),
    "Voltara": ("chargers", "phone-cases"),
    "Gripwell": ("tripods", "phone-cases"),
    "Alturo": ("tripods", "bags"),
    "Copperpot": ("kitchen",),
    "Harbor & Hearth": ("kitchen", "lighting"),
    "Ironleaf": ("kitchen", "furniture"),
    "Oakhaven": ("furniture",),
    "Arcadia Living": ("furniture", "lighting"),
    "Lumenhaus": ("lighting",),
    "Aurora": ("shoes", "running"),
    "Fjordline": ("outerwear", "bags", "shoes"),
    "Cinderwood": ("shoes", "bags"),
    "Ridgewell": ("outerwear", "running"),
    "Tundrax": ("outerwear",),
    "Wayfarer Goods": ("bags",),
    "Velotrek": ("bikes", "helmets"),
    "Kestrelo": ("bikes",),
    "Terrano": ("bikes", "helmets"),
    "Stridewell": ("running", "shoes"),
    "Saltmarsh Press": ("fiction", "travel-guides"),
    "Lantern House": ("fiction", "cookbooks"),
    "Wayfarer Press": ("travel-guides", "cookbooks"),
    "Northwind Books": ("fiction", "travel-guides", "cookbooks"),
}


def brands_for(category_slug: str) -> tuple[str, ...]:
    return tuple(name for name, shelves in BRANDS.items() if category_slug in shelves)
