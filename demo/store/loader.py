"""Writes the demo store into the database: categories, brands, products, pictures and logins.

Everything is keyed by a natural key (category and brand slug, product SKU, username, picture
file name), so a second run only fills in what is missing and never duplicates a row or
redraws a picture. Products that exist are left alone, even when the seed differs: their
stock may have moved with orders since. The one thing filled into existing rows is a missing
Chinese text (a store loaded before the catalogue had one), and only where the row is the draft's.

Every text is written in English and Simplified Chinese (`name_en`, `name_zh_hans`, ...), under
English as the active language so the untranslated columns hold the English text too.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.text import slugify

from demo.store import chinese
from demo.store.catalog import BRANDS, CATEGORIES
from demo.store.images import image_filename, render_product_image
from demo.store.products import ProductDraft, build_products
from shop.models import Brand, Category, Product, ProductImage
from shop.product_cache import catalog_changed
from shop.search.models import SearchDocument
from shop.search.services import search_index_rebuild

DEFAULT_PRODUCT_COUNT = 600
DEFAULT_SEED = 42
DEFAULT_ADMIN_PASSWORD = "admin-demo-123"
ADMIN_USERNAME = "admin"
ADMIN_EMAIL = "admin@example.com"
SHOPPER_PASSWORD = "shopper-demo-123"
SHOPPER_USERNAMES = tuple(f"shopper{n}" for n in range(1, 6))
IMAGE_PROGRESS_EVERY = 100  # products between two progress lines


@dataclass(frozen=True)
class DemoStoreSummary:
    categories: int
    brands: int
    products: int
    products_created: int
    images: int
    images_created: int
    users: int
    users_created: int
    # None when the admin account existed with a password other than the default: we cannot show it.
    admin_password: str | None
    seconds: float


def demo_store_load(
    *,
    seed: int = DEFAULT_SEED,
    product_count: int = DEFAULT_PRODUCT_COUNT,
    with_images: bool = True,
    admin_password: str | None = None,
    say: Callable[[str], None] = lambda line: None,
) -> DemoStoreSummary:
    """`say` hears each step as it begins (the first run's progress)."""
    started = time.monotonic()
    say(f"Writing {product_count} products, their categories and brands, in English and Chinese...")
    drafts = build_products(seed=seed, count=product_count)
    with translation.override("en"), transaction.atomic():
        categories = _ensure_categories()
        brands = _ensure_brands()
        products_created = _ensure_products(drafts, categories=categories, brands=brands)
        translated = _ensure_chinese(drafts, categories=categories, brands=brands)
        shown_password, admin_created = _ensure_admin(admin_password)
        shoppers_created = _ensure_shoppers()
    with translation.override("en"):
        images_created = _ensure_images(drafts, say=say) if with_images else 0
    # Bulk writes send no signals: the search documents are written here, and every process's kept listing
    # products are fetched again. A second run that wrote nothing keeps both (the rebuild is its longest step).
    if products_created or translated or not SearchDocument.objects.exists():
        say("Building the search index...")
        search_index_rebuild()
        catalog_changed()

    skus = [draft.sku for draft in drafts]
    return DemoStoreSummary(
        categories=len(categories),
        brands=len(brands),
        products=Product.objects.filter(sku__in=skus).count(),
        products_created=products_created,
        images=ProductImage.objects.filter(product__sku__in=skus).count(),
        images_created=images_created,
        users=1 + len(SHOPPER_USERNAMES),
        users_created=int(admin_created) + shoppers_created,
        admin_password=shown_password,
        seconds=time.monotonic() - started,
    )


def _ensure_categories() -> dict[str, Category]:
    """Parents come before children in `CATEGORIES`, so each parent exists when its children are made."""
    existing = {category.slug: category for category in Category.objects.filter(slug__in=[n.slug for n in CATEGORIES])}
    positions: dict[str | None, int] = {}
    for node in CATEGORIES:
        position = positions[node.parent] = positions.get(node.parent, -1) + 1
        if node.slug not in existing:
            name_zh_hans, description_zh_hans = chinese.category_copy(node.slug)
            existing[node.slug] = Category.objects.create(
                slug=node.slug,
                name_en=node.name,
                name_zh_hans=name_zh_hans,
                parent=existing[node.parent] if node.parent else None,
                description_en=node.description,
                description_zh_hans=description_zh_hans,
                position=position,
            )
    return existing


def _ensure_brands() -> dict[str, Brand]:
    slugs = {name: slugify(name) for name in BRANDS}
    existing = {brand.slug: brand for brand in Brand.objects.filter(slug__in=slugs.values())}
    missing = [
        Brand(name_en=name, name_zh_hans=chinese.brand_name(name), slug=slug)
        for name, slug in slugs.items()
        if slug not in existing
    ]
    Brand.objects.bulk_create(missing)
    if missing:
        existing = {brand.slug: brand for brand in Brand.objects.filter(slug__in=slugs.values())}
    return {name: existing[slug] for name, slug in slugs.items()}


def _ensure_products(drafts: list[ProductDraft], *, categories: dict[str, Category], brands: dict[str, Brand]) -> int:
    existing_skus = set(Product.objects.filter(sku__in=[d.sku for d in drafts]).values_list("sku", flat=True))
    new_drafts = [draft for draft in drafts if draft.sku not in existing_skus]
    # A slug taken by a product outside the demo (or from another seed) gets the SKU appended.
    taken_slugs = set(Product.objects.filter(slug__in=[d.slug for d in new_drafts]).values_list("slug", flat=True))
    Product.objects.bulk_create(
        [
            Product(
                sku=draft.sku,
                slug=f"{draft.slug}-{draft.sku.lower()}" if draft.slug in taken_slugs else draft.slug,
                name_en=draft.name,
                name_zh_hans=draft.name_zh_hans,
                category=categories[draft.category],
                brand=brands[draft.brand],
                description_en=draft.description,
                description_zh_hans=draft.description_zh_hans,
                price=draft.price,
                compare_at_price=draft.compare_at_price,
                stock=draft.stock,
                is_active=draft.is_active,
                attributes_en=draft.attributes,
                attributes_zh_hans=draft.attributes_zh_hans,
            )
            for draft in new_drafts
        ],
        batch_size=250,
    )

    # `created_at` is auto_now_add, which bulk_create overrides, so the listing dates are set afterwards.
    now = timezone.now()
    listed_ago = {draft.sku: draft.listed_ago for draft in new_drafts}
    created = list(Product.objects.filter(sku__in=listed_ago).only("pk", "sku"))
    for product in created:
        product.created_at = product.updated_at = now - listed_ago[product.sku]
    Product.objects.bulk_update(created, ["created_at", "updated_at"], batch_size=250)
    return len(created)


def _ensure_chinese(drafts: list[ProductDraft], *, categories: dict[str, Category], brands: dict[str, Brand]) -> int:
    """Chinese texts for demo rows that have none (written before the catalogue was bilingual); how many rows."""
    categories_untranslated = [category for category in categories.values() if not category.name_zh_hans]
    for category in categories_untranslated:
        category.name_zh_hans, category.description_zh_hans = chinese.category_copy(category.slug)
    Category.objects.bulk_update(categories_untranslated, ["name_zh_hans", "description_zh_hans"])
    brands_untranslated = [brand for brand in brands.values() if not brand.name_zh_hans]
    for brand in brands_untranslated:
        brand.name_zh_hans = chinese.brand_name(brand.name_en)
    Brand.objects.bulk_update(brands_untranslated, ["name_zh_hans"])

    # Only a product that is the draft's (same English name: same seed) gets the draft's Chinese.
    by_sku = {draft.sku: draft for draft in drafts}
    products = Product.objects.filter(sku__in=by_sku, name_zh_hans__isnull=True).only("pk", "sku", "name_en")
    untranslated = [product for product in products if product.name_en == by_sku[product.sku].name]
    for product in untranslated:
        draft = by_sku[product.sku]
        product.name_zh_hans = draft.name_zh_hans
        product.description_zh_hans = draft.description_zh_hans
        product.attributes_zh_hans = draft.attributes_zh_hans
    Product.objects.bulk_update(
        untranslated, ["name_zh_hans", "description_zh_hans", "attributes_zh_hans"], batch_size=250
    )
    return len(categories_untranslated) + len(brands_untranslated) + len(untranslated)


def _ensure_admin(password: str | None) -> tuple[str | None, bool]:
    """The staff login and the password to show for it."""
    admin, created = get_user_model().objects.get_or_create(
        username=ADMIN_USERNAME, defaults={"email": ADMIN_EMAIL, "is_staff": True, "is_superuser": True}
    )
    if created or password is not None:
        admin.set_password(password or DEFAULT_ADMIN_PASSWORD)
        admin.is_staff = admin.is_superuser = admin.is_active = True
        admin.save(update_fields=["password", "is_staff", "is_superuser", "is_active"])
        return password or DEFAULT_ADMIN_PASSWORD, created
    # Someone may have changed the password since; keep theirs and only show ours if it still works.
    return (DEFAULT_ADMIN_PASSWORD if admin.check_password(DEFAULT_ADMIN_PASSWORD) else None), False


def _ensure_shoppers() -> int:
    User = get_user_model()
    existing = set(User.objects.filter(username__in=SHOPPER_USERNAMES).values_list("username", flat=True))
    # One hash for all demo shoppers: they share a published password anyway, and hashing is the slow part.
    password = make_password(SHOPPER_PASSWORD)
    missing = [
        User(
            username=username, email=f"{username}@example.com", first_name=f"Shopper {username[7:]}", password=password
        )
        for username in SHOPPER_USERNAMES
        if username not in existing
    ]
    User.objects.bulk_create(missing)
    return len(missing)


def _ensure_images(drafts: list[ProductDraft], *, say: Callable[[str], None]) -> int:
    """Pictures for demo products that have none; a file already in storage is reused, not redrawn."""
    image_counts = {draft.sku: draft.image_count for draft in drafts}
    products = (
        Product.objects.filter(sku__in=image_counts, images__isnull=True)
        .select_related("category", "brand")
        .order_by("sku")
    )
    field = ProductImage._meta.get_field("image")
    images = []
    products = list(products)
    for number, product in enumerate(products):
        if number % IMAGE_PROGRESS_EVERY == 0:
            say(f"Pictures: product {number + 1} of {len(products)}...")
        for view in range(image_counts[product.sku]):
            filename = image_filename(slug=product.slug, view=view)
            image = ProductImage(product=product, alt_text=product.name, position=view)
            path = field.generate_filename(image, filename)
            if field.storage.exists(path):
                image.image.name = path
            else:
                picture = render_product_image(
                    name=product.name,
                    brand=product.brand.name,
                    category=product.category.slug,
                    attributes=product.attributes,
                    view=view,
                )
                image.image.save(filename, ContentFile(picture), save=False)
            images.append(image)
    with transaction.atomic():
        ProductImage.objects.bulk_create(images, batch_size=250)
    return len(images)
