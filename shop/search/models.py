"""What search keeps: a document per product and language, the catalogue's words, synonyms, learned intents.

The models belong to the shop app (`shop.models` imports them). The indexes that only one
database has (PostgreSQL's GIN indexes, SQLite's FTS5 table) are made by migration 0003.
"""

from __future__ import annotations

from django.contrib.postgres.search import SearchVectorField
from django.db import models

from shop.models import Category, Product


class SearchDocument(models.Model):
    """A product's searchable text in one language, segmented into space-separated tokens, by weight.

    A: name and brand; B: category path; C: attributes; D: description. `vector` is PostgreSQL's
    full-text vector of the four (empty elsewhere: SQLite's FTS5 table mirrors the token columns);
    `head_vector` holds only A and B: small enough to stay in the row, it finds the best candidates
    of a frequent word without reading every matching description (see the PostgreSQL backend).
    """

    product = models.ForeignKey(Product, related_name="search_documents", on_delete=models.CASCADE)
    language = models.CharField(max_length=10)
    tokens_a = models.TextField(blank=True)
    tokens_b = models.TextField(blank=True)
    tokens_c = models.TextField(blank=True)
    tokens_d = models.TextField(blank=True)
    vector = SearchVectorField(null=True, editable=False)
    head_vector = SearchVectorField(null=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["product", "language"], name="one_search_document_per_language"),
        ]

    def __str__(self) -> str:
        return f"{self.product_id} ({self.language})"


class SearchWord(models.Model):
    """A word of the catalogue's documents and in how many products it appears: what typos are corrected to."""

    word = models.CharField(max_length=100, unique=True)
    product_count = models.PositiveIntegerField(default=0)
    # {category id: products of that category whose name or category path holds the word}: the prior of intent.
    categories = models.JSONField(default=dict, blank=True)
    # Products whose attributes (colour, material, storage...) hold the word: `black`, `leather`, `512`, `gb`.
    attribute_count = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return self.word


class SearchSynonym(models.Model):
    """Terms shoppers use for the same thing, in any language: `sneakers, trainers, 运动鞋`."""

    terms = models.TextField(help_text="Equivalent terms, separated by commas, in English and Chinese.")
    is_active = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["terms"]

    def __str__(self) -> str:
        return self.terms

    def term_list(self) -> list[str]:
        return [term.strip() for term in self.terms.replace("，", ",").split(",") if term.strip()]


class SearchIntent(models.Model):
    """How strongly a query means a category, learned from what shoppers clicked after searching it.

    `query` is the query as searched (corrected), keyed by `segmentation.query_key`. A query's rows
    replace the catalogue's own intent for it: they already weigh its clicks against that prior.
    """

    query = models.CharField(max_length=200)
    category = models.ForeignKey(Category, related_name="+", on_delete=models.CASCADE)
    weight = models.FloatField(
        help_text="Share of the query's meaning: its clicks, smoothed toward the catalogue's prior (0 to 1)."
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["query", "category"], name="one_search_intent_per_category"),
        ]

    def __str__(self) -> str:
        return f"{self.query} -> {self.category_id} ({self.weight:.2f})"
