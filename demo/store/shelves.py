"""What each leaf category of the demo store sells: kinds of product, name patterns, attributes, prices.

Pure data, read by `demo.store.products` to invent products.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Shelf:
    """How to invent products for one leaf category.

    `templates` are `str.format` patterns over `brand`, `model`, `adjective`, `kind` and the
    drawn attributes. Prices are drawn log-normally between `price_range` (in dollars).
    `weight` is the shelf's share of the catalog, relative to the other shelves.
    """

    category: str
    kinds: tuple[str, ...]
    templates: tuple[str, ...]
    attributes: dict[str, tuple]
    price_range: tuple[float, float]
    icon: str
    weight: float = 1.0
    adjectives: tuple[str, ...] = ()
    uses: tuple[str, ...] = field(default=())


_TECH_COLOURS = ("Black", "Graphite", "Silver", "White", "Midnight Blue", "Sage", "Lavender")
_APPAREL_COLOURS = (
    "Black",
    "Midnight Blue",
    "Ocean Blue",
    "Forest Green",
    "Sand",
    "Terracotta",
    "Burgundy",
    "Coral",
    "Mustard",
)
_HOME_COLOURS = ("Black", "White", "Sand", "Sage", "Terracotta", "Oak", "Walnut", "Graphite")
_TECH_ADJECTIVES = ("Pro", "Ultra", "Lite", "Max", "Air", "Plus", "Mini", "Edge", "Neo", "Prime")
_APPAREL_ADJECTIVES = ("Trail", "Urban", "Everyday", "Alpine", "Heritage", "Storm", "Summit", "Coastal", "Tempo")
_HOME_ADJECTIVES = ("Classic", "Nordic", "Rustic", "Modern", "Essential", "Artisan", "Studio", "Heritage")
BOOK_WORDS = (
    "Salt",
    "Lantern",
    "Harbour",
    "River",
    "Orchard",
    "Winter",
    "Glass",
    "Paper",
    "Copper",
    "Summer",
    "Night",
    "Island",
)
PLACES = (
    "Lisbon",
    "Kyoto",
    "the Dolomites",
    "Patagonia",
    "Iceland",
    "Sicily",
    "the Scottish Highlands",
    "Vancouver Island",
    "Oaxaca",
    "the Baltic Coast",
    "Crete",
    "Hokkaido",
)

SHELVES: tuple[Shelf, ...] = (
    Shelf(
        category="cameras",
        kinds=("Compact Camera", "Mirrorless Camera", "Action Camera", "Instant Camera", "Travel Zoom Camera"),
        templates=("{brand} {model} {kind} {megapixels}MP", "{brand} {adjective} {kind} {megapixels}MP"),
        attributes={
            "megapixels": (16, 20, 24, 33, 45, 61),
            "sensor": ("1-inch", "APS-C", "Full frame", "Micro Four Thirds"),
            "video": ("1080p", "4K", "6K"),
            "colour": ("Black", "Silver", "Graphite"),
        },
        price_range=(180, 2800),
        icon="camera",
        weight=1.4,
        adjectives=_TECH_ADJECTIVES,
        uses=("street photography", "family trips", "vlogging", "landscapes"),
    ),
    Shelf(
        category="phones",
        kinds=("Smartphone", "5G Smartphone", "Rugged Phone", "Foldable Phone"),
        templates=("{brand} {model} {kind} {storage}", "{brand} {model} {adjective} {storage}"),
        attributes={
            "storage": ("64 GB", "128 GB", "256 GB", "512 GB"),
            "screen": ("6.1-inch", "6.4-inch", "6.7-inch"),
            "camera": ("12 MP", "48 MP", "50 MP", "108 MP"),
            "colour": _TECH_COLOURS,
        },
        price_range=(150, 1400),
        icon="phone",
        weight=1.4,
        adjectives=_TECH_ADJECTIVES,
        uses=("everyday use", "mobile photography", "long days away from a socket"),
    ),
    Shelf(
        category="audio",
        kinds=("Wireless Headphones", "Over-Ear Headphones", "Earbuds", "Bluetooth Speaker", "Soundbar"),
        templates=("{brand} {model} {kind}", "{brand} {adjective} {kind}"),
        attributes={
            "connectivity": ("Bluetooth 5.3", "Bluetooth 5.2", "Wired + Bluetooth"),
            "battery_hours": (12, 20, 30, 40, 60),
            "noise_cancelling": (True, False),
            "colour": _TECH_COLOURS,
        },
        price_range=(25, 450),
        icon="headphones",
        weight=1.3,
        adjectives=_TECH_ADJECTIVES,
        uses=("the commute", "the home office", "workouts", "movie nights"),
    ),
    Shelf(
        category="laptops",
        kinds=("Ultrabook", "Laptop", "Gaming Laptop", "2-in-1 Laptop", "Workstation Laptop"),
        templates=("{brand} {model} {kind} {screen}", "{brand} {adjective} {kind} {memory}"),
        attributes={
            "screen": ('13.3"', '14"', '15.6"', '16"'),
            "memory": ("8 GB RAM", "16 GB RAM", "32 GB RAM"),
            "storage": ("256 GB SSD", "512 GB SSD", "1 TB SSD", "2 TB SSD"),
            "processor": ("8-core", "10-core", "12-core", "16-core"),
            "colour": ("Silver", "Graphite", "Black", "Midnight Blue"),
        },
        price_range=(450, 3200),
        icon="laptop",
        weight=1.2,
        adjectives=_TECH_ADJECTIVES,
        uses=("students", "creative work", "gaming", "business travel"),
    ),
    Shelf(
        category="memory-cards",
        kinds=("Memory Card",),
        templates=("{brand} {format} Card {capacity} {speed}", "{brand} {adjective} {format} {capacity}"),
        attributes={
            "format": ("SD", "microSD", "CFexpress"),
            "capacity": ("32 GB", "64 GB", "128 GB", "256 GB", "512 GB"),
            "speed": ("V30", "V60", "V90"),
        },
        price_range=(9, 160),
        icon="card",
        weight=0.9,
        adjectives=("Extreme", "Pro", "Plus", "Endurance", "Ultra"),
        uses=("4K video", "burst shooting", "action cameras", "drones"),
    ),
    Shelf(
        category="tripods",
        kinds=("Travel Tripod", "Carbon Tripod", "Tabletop Tripod", "Video Tripod", "Monopod"),
        templates=("{brand} {model} {kind}", "{brand} {adjective} {kind}"),
        attributes={
            "material": ("Aluminium", "Carbon fibre"),
            "max_height_cm": (35, 120, 145, 160, 175),
            "max_load_kg": (2, 5, 8, 12),
            "colour": ("Black", "Graphite", "Silver"),
        },
        price_range=(25, 400),
        icon="tripod",
        weight=0.7,
        adjectives=_TECH_ADJECTIVES,
        uses=("long exposures", "video interviews", "travel photography"),
    ),
    Shelf(
        category="phone-cases",
        kinds=("Phone Case", "Folio Case", "Rugged Case", "Clear Case", "MagSafe Case"),
        templates=("{brand} {adjective} {kind}", "{brand} {material} {kind}"),
        attributes={
            "material": ("Silicone", "Leather", "TPU", "Recycled plastic"),
            "fits": ("6.1-inch phones", "6.4-inch phones", "6.7-inch phones"),
            "colour": _APPAREL_COLOURS,
        },
        price_range=(9, 60),
        icon="case",
        weight=0.8,
        adjectives=("Slim", "Tough", "Clear", "Soft-Touch", "Armor", "Eco"),
        uses=("everyday drops", "outdoor work", "a clean minimal look"),
    ),
    Shelf(
        category="chargers",
        kinds=("USB-C Charger", "Wireless Charger", "Power Bank", "Car Charger", "Charging Station"),
        templates=("{brand} {kind} {power_w}W", "{brand} {adjective} {kind}"),
        attributes={
            "power_w": (15, 20, 30, 45, 65, 100, 140),
            "ports": ("1x USB-C", "2x USB-C", "2x USB-C + USB-A"),
            "colour": ("Black", "White", "Graphite"),
        },
        price_range=(12, 120),
        icon="plug",
        weight=0.8,
        adjectives=("Nano", "Compact", "Fast", "Turbo", "Duo"),
        uses=("laptops and phones", "travel", "the bedside table"),
    ),
    Shelf(
        category="kitchen",
        kinds=("Chef's Knife", "Cast Iron Skillet", "Espresso Machine", "Coffee Grinder", "Stand Mixer", "Kettle"),
        templates=("{brand} {adjective} {kind}", "{brand} {kind}, {colour}"),
        attributes={
            "material": ("Stainless steel", "Cast iron", "Ceramic", "Carbon steel"),
            "colour": _HOME_COLOURS,
            "dishwasher_safe": (True, False),
        },
        price_range=(15, 700),
        icon="pot",
        weight=1.2,
        adjectives=_HOME_ADJECTIVES,
        uses=("weeknight dinners", "the morning coffee", "weekend baking"),
    ),
    Shelf(
        category="furniture",
        kinds=("Armchair", "Coffee Table", "Bookshelf", "Desk", "Dining Chair", "Sideboard"),
        templates=("{brand} {adjective} {kind}", "{brand} {material} {kind}"),
        attributes={
            "material": ("Oak", "Walnut", "Pine", "Steel", "Rattan"),
            "colour": _HOME_COLOURS,
            "width_cm": (45, 60, 80, 120, 160),
        },
        price_range=(80, 1600),
        icon="chair",
        weight=1.0,
        adjectives=_HOME_ADJECTIVES,
        uses=("small apartments", "the home office", "the living room"),
    ),
    Shelf(
        category="lighting",
        kinds=("Floor Lamp", "Desk Lamp", "Pendant Light", "Table Lamp", "Wall Light"),
        templates=("{brand} {adjective} {kind}", "{brand} {kind}, {colour}"),
        attributes={
            "bulb": ("E27 LED", "Integrated LED", "GU10 LED"),
            "colour_temperature": ("2700 K", "3000 K", "4000 K"),
            "dimmable": (True, False),
            "colour": _HOME_COLOURS,
        },
        price_range=(25, 450),
        icon="lamp",
        weight=0.8,
        adjectives=_HOME_ADJECTIVES,
        uses=("reading corners", "the desk", "dining tables"),
    ),
    Shelf(
        category="shoes",
        kinds=("Trail Running Shoes", "Running Shoes", "Sneakers", "Chelsea Boots", "Hiking Boots", "Loafers"),
        templates=("{brand} {adjective} {kind}", "{brand} {model} {kind}"),
        attributes={
            "sizes": ("EU 36-42", "EU 39-46", "EU 36-46"),
            "material": ("Mesh", "Leather", "Suede", "Canvas", "Recycled knit"),
            "colour": _APPAREL_COLOURS,
        },
        price_range=(45, 240),
        icon="shoe",
        weight=1.3,
        adjectives=_APPAREL_ADJECTIVES,
        uses=("long runs", "city walks", "rough trails", "the office"),
    ),
    Shelf(
        category="bags",
        kinds=("Backpack", "Tote Bag", "Messenger Bag", "Duffel Bag", "Camera Bag", "Laptop Sleeve"),
        templates=("{brand} {adjective} {kind} {capacity_l}L", "{brand} {material} {kind}"),
        attributes={
            "capacity_l": (8, 12, 20, 25, 30, 40),
            "material": ("Nylon", "Canvas", "Leather", "Recycled polyester"),
            "colour": _APPAREL_COLOURS,
        },
        price_range=(25, 350),
        icon="bag",
        weight=1.1,
        adjectives=_APPAREL_ADJECTIVES,
        uses=("the commute", "weekend trips", "camera gear", "carry-on travel"),
    ),
    Shelf(
        category="outerwear",
        kinds=("Rain Jacket", "Down Jacket", "Fleece Jacket", "Parka", "Softshell Jacket", "Insulated Vest"),
        templates=("{brand} {adjective} {kind}", "{brand} {kind}, {colour}"),
        attributes={
            "sizes": ("XS-XL", "S-XXL", "XS-XXL"),
            "material": ("Waterproof shell", "Recycled down", "Fleece", "Softshell"),
            "waterproof": (True, False),
            "colour": _APPAREL_COLOURS,
        },
        price_range=(60, 550),
        icon="jacket",
        weight=1.1,
        adjectives=_APPAREL_ADJECTIVES,
        uses=("wet commutes", "winter hikes", "layering in the mountains"),
    ),
    Shelf(
        category="bikes",
        kinds=("Road Bike", "Gravel Bike", "Mountain Bike", "City Bike", "E-Bike", "Folding Bike"),
        templates=("{brand} {model} {kind}", "{brand} {adjective} {kind} {gears}-speed"),
        attributes={
            "frame_size": ("S", "M", "L", "XL"),
            "frame_material": ("Aluminium", "Carbon", "Steel"),
            "gears": (1, 8, 11, 12, 22),
            "wheel": ("700c", "27.5-inch", "29-inch", "20-inch"),
            "colour": _APPAREL_COLOURS,
        },
        price_range=(350, 4500),
        icon="bike",
        weight=1.0,
        adjectives=("Sprint", "Ridge", "Gravel", "Metro", "Summit", "Tempo", "Apex"),
        uses=("fast group rides", "commuting", "bikepacking", "singletrack"),
    ),
    Shelf(
        category="helmets",
        kinds=("Road Helmet", "MTB Helmet", "Commuter Helmet", "Aero Helmet"),
        templates=("{brand} {adjective} {kind}", "{brand} {model} {kind}"),
        attributes={
            "size": ("S", "M", "L"),
            "mips": (True, False),
            "weight_g": (220, 260, 290, 340),
            "colour": _APPAREL_COLOURS,
        },
        price_range=(35, 280),
        icon="helmet",
        weight=0.7,
        adjectives=("Aero", "Vent", "Shield", "Metro", "Apex"),
        uses=("road riding", "the commute", "trail days"),
    ),
    Shelf(
        category="running",
        kinds=("Running Shorts", "Running Tights", "Running Vest", "Hydration Vest", "Running Cap", "Running Socks"),
        templates=("{brand} {adjective} {kind}", "{brand} {kind}, {colour}"),
        attributes={
            "sizes": ("XS-XL", "S-XXL"),
            "material": ("Recycled polyester", "Merino wool", "Nylon"),
            "colour": _APPAREL_COLOURS,
        },
        price_range=(15, 150),
        icon="runner",
        weight=0.9,
        adjectives=("Tempo", "Stride", "Pace", "Trail", "Marathon", "Sprint"),
        uses=("race day", "long runs", "hot summer miles"),
    ),
    Shelf(
        category="fiction",
        kinds=("Novel", "Short Stories"),
        templates=("The {word} {noun}", "{word} and {word2}", "Letters from {place}"),
        attributes={"binding": ("Hardcover", "Paperback"), "pages": (192, 240, 288, 352, 416, 512)},
        price_range=(9, 35),
        icon="book",
        weight=0.8,
        uses=("long evenings", "a weekend away", "book clubs"),
    ),
    Shelf(
        category="cookbooks",
        kinds=("Cookbook",),
        templates=("{place}: The Cookbook", "The {word} Kitchen", "Cooking with {word}"),
        attributes={
            "binding": ("Hardcover", "Paperback"),
            "pages": (192, 256, 320, 400),
            "recipes": (60, 80, 100, 150),
        },
        price_range=(15, 45),
        icon="book",
        weight=0.6,
        uses=("home cooks", "dinner parties", "beginners"),
    ),
    Shelf(
        category="travel-guides",
        kinds=("Travel Guide",),
        templates=("{place} Travel Guide", "Walking {place}", "{place}: {word} Routes"),
        attributes={"binding": ("Paperback",), "pages": (160, 224, 288, 352), "maps": (12, 24, 40)},
        price_range=(12, 32),
        icon="book",
        weight=0.6,
        uses=("first-time visitors", "hikers", "road trips"),
    ),
)

BOOK_NOUNS = ("Keeper", "House", "Season", "Cartographer", "Daughter", "Garden", "Letters", "Tide", "Map")
AUTHORS_FIRST = ("Ada", "Tomas", "Maren", "Elias", "Noor", "Jonah", "Ines", "Kasimir", "Lior", "Saoirse", "Yuki")
AUTHORS_LAST = ("Whitlock", "Moreau", "Halloran", "Lindqvist", "Okafor", "Castellan", "Brandt", "Ferreira", "Ashby")
