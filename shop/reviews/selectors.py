"""Reads of reviews: a product's published reviews (sorted, filtered), its rating summary, a shopper's own."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, QuerySet

from shop.models import Order, Product
from shop.reviews.models import Review

REVIEW_SORTS = {
    "newest": ("-created_at", "-pk"),
    "helpful": ("-helpful_count", "-created_at", "-pk"),
    "highest": ("-rating", "-created_at", "-pk"),
    "lowest": ("rating", "-created_at", "-pk"),
}
DEFAULT_REVIEW_SORT = "newest"
STARS = (5, 4, 3, 2, 1)


@dataclass(frozen=True)
class StarCount:
    stars: int
    count: int
    percent: int  # of all published reviews, rounded; 0 when there are none


@dataclass(frozen=True)
class RatingSummary:
    average: float | None
    count: int
    distribution: tuple[StarCount, ...]  # 5 stars first


EMPTY_SUMMARY = RatingSummary(
    average=None, count=0, distribution=tuple(StarCount(stars=s, count=0, percent=0) for s in STARS)
)


def reviews_for_product(
    *, product: Product, sort: str = DEFAULT_REVIEW_SORT, stars: int | None = None
) -> QuerySet[Review]:
    """The product's published reviews in the shopper's chosen order, optionally only those with `stars`."""
    reviews = (
        Review.objects.filter(product=product, status=Review.Status.PUBLISHED)
        .select_related("user", "product")
        .prefetch_related("photos")
    )
    if stars is not None:
        reviews = reviews.filter(rating=stars)
    return reviews.order_by(*REVIEW_SORTS.get(sort, REVIEW_SORTS[DEFAULT_REVIEW_SORT]))


def rating_summary(*, product: Product) -> RatingSummary:
    counts = dict(
        Review.objects.filter(product=product, status=Review.Status.PUBLISHED)
        .values_list("rating")
        .annotate(n=Count("pk"))
        .order_by()
    )
    total = sum(counts.values())
    distribution = tuple(
        StarCount(stars=s, count=counts.get(s, 0), percent=round(100 * counts.get(s, 0) / total) if total else 0)
        for s in STARS
    )
    average = sum(s * n for s, n in counts.items()) / total if total else None
    return RatingSummary(average=average, count=total, distribution=distribution)


def review_of_user(*, user, product: Product) -> Review | None:
    if not user.is_authenticated:
        return None
    return Review.objects.filter(user=user, product=product).first()


def review_visible(*, pk: int) -> Review:
    """A published review, for votes and reports; raises Review.DoesNotExist otherwise."""
    return Review.objects.select_related("product").get(pk=pk, status=Review.Status.PUBLISHED)


def reviewable_product_ids(*, order: Order) -> set[int]:
    """The order's products its shopper may review from the order page: once it is delivered."""
    if order.status != Order.Status.DELIVERED:
        return set()
    return {line.product_id for line in order.lines.all() if line.product_id is not None}


def reviews_export(*, user) -> dict:
    """The account's reviews, votes and reports as plain JSON data (the shopper's data export)."""
    reviews = [
        {
            "product_id": review.product_id,
            "product": review.product.name,
            "rating": review.rating,
            "title": review.title,
            "body": review.body,
            "language": review.language,
            "status": review.status,
            "verified_purchase": review.verified_purchase,
            "photos": [photo.image.url for photo in review.photos.all()],
            "created_at": review.created_at.isoformat(),
            "updated_at": review.updated_at.isoformat(),
        }
        for review in Review.objects.filter(user=user)
        .select_related("product")
        .prefetch_related("photos")
        .order_by("created_at", "pk")
    ]
    votes = [
        {"review_id": review_id, "created_at": created_at.isoformat()}
        for review_id, created_at in user.review_votes.order_by("created_at").values_list("review_id", "created_at")
    ]
    reports = [
        {"review_id": review_id, "reason": reason, "created_at": created_at.isoformat()}
        for review_id, reason, created_at in user.review_reports.order_by("created_at").values_list(
            "review_id", "reason", "created_at"
        )
    ]
    return {"reviews": reviews, "helpful_votes": votes, "reports": reports}
