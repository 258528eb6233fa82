"""A product's search document in each language: its text by weight, segmented into tokens.

Translated catalogue fields (`name_zh_hans`, ...) are read where the catalogue has them; a
language without its own text falls back to the default language's, as the pages do. Published
reviews join the document of their own language at the lowest weight, beside the description;
the review services' rating refresh saves the product, and that save rewrites its documents.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

from shop.models import Category, Product
from shop.reviews.models import Review
from shop.search.segmentation import document_tokens


@dataclass(frozen=True)
class DocumentText:
    language: str
    tokens_a: str  # name, brand
    tokens_b: str  # category path
    tokens_c: str  # attributes
    tokens_d: str  # description, published reviews


def document_languages() -> list[str]:
    return [code for code, _ in settings.LANGUAGES] or [settings.LANGUAGE_CODE]


def translated(instance, field: str, language: str) -> str:
    """The field in this language where the catalogue has translations, else the field's own value."""
    value = getattr(instance, f"{field}_{language.replace('-', '_')}", None)
    return value if value else (getattr(instance, field, "") or "")


def category_path(category: Category, categories: dict[int, Category]) -> list[Category]:
    chain, seen, current = [], set(), category
    while current is not None and current.pk not in seen:
        seen.add(current.pk)
        chain.append(current)
        current = categories.get(current.parent_id) if current.parent_id else None
    return chain


def _attribute_text(attributes: dict, language: str) -> str:
    parts = []
    for value in (attributes or {}).values():
        if isinstance(value, dict):  # {"en": ..., "zh-hans": ...}: a translated value
            value = value.get(language) or next(iter(value.values()), "")
        if isinstance(value, bool):
            continue  # "True" finds nothing a shopper types; the description words the feature
        parts.extend(map(str, value) if isinstance(value, list) else [str(value)])
    return " ".join(parts)


# The most helpful published reviews: words enough to find a product by what buyers say, a bounded document.
REVIEWS_PER_DOCUMENT = 50


def _review_texts(product: Product) -> dict[str, str]:
    """Published reviews' titles and bodies by language; no query for a product without any (its own count)."""
    if not product.rating_count:
        return {}
    rows = (
        Review.objects.filter(product_id=product.pk, status=Review.Status.PUBLISHED)
        .order_by("-helpful_count", "-created_at")
        .values_list("language", "title", "body")[:REVIEWS_PER_DOCUMENT]
    )
    texts: dict[str, list[str]] = {}
    for language, title, body in rows:
        texts.setdefault(language or settings.LANGUAGE_CODE, []).extend((title, body))
    return {language: " ".join(parts) for language, parts in texts.items()}


def _joined(text: str) -> str:
    return " ".join(document_tokens(text))


def product_documents(product: Product, *, categories: dict[int, Category]) -> list[DocumentText]:
    """One document per language; `categories` by id, for the category path (a product's brand is loaded)."""
    documents = []
    reviews = _review_texts(product)
    for language in document_languages():
        path = category_path(product.category, categories)
        documents.append(
            DocumentText(
                language=language,
                tokens_a=_joined(
                    f"{translated(product, 'name', language)} {translated(product.brand, 'name', language)}"
                ),
                tokens_b=_joined(" ".join(translated(category, "name", language) for category in path)),
                tokens_c=_joined(_attribute_text(product.attributes, language)),
                tokens_d=_joined(
                    " ".join(filter(None, [translated(product, "description", language), reviews.get(language)]))
                ),
            )
        )
    return documents
