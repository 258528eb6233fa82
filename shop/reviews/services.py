"""Every write to reviews: write, edit, delete, vote, report, moderate, and the product's rating aggregate."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Avg, Count, F
from django.utils import timezone

from shop.exceptions import ReviewExists, ReviewNotAllowed
from shop.models import Order, Product
from shop.reviews.models import Review, ReviewPhoto, ReviewReport, ReviewVote
from shop.reviews.moderation import has_link, has_profanity
from shop.reviews.photos import PreparedPhoto, photos_prepare
from shop.signals import review_voted, review_written

CENT = Decimal("0.01")
REPORTS_TO_HOLD = 3  # a published review reported by this many shoppers waits for staff again


def _verified_purchase(*, user, product: Product) -> bool:
    return Order.objects.filter(user=user, status=Order.Status.DELIVERED, lines__product=product).exists()


def _hold_reason(*, title: str, body: str, language: str, verified: bool) -> str:
    """The first automatic hold that applies, or "" (then the approval setting decides)."""
    text = f"{title}\n{body}"
    if has_link(text):
        return Review.HoldReason.LINK
    if has_profanity(text, language=language):
        return Review.HoldReason.PROFANITY
    if not verified:
        return Review.HoldReason.NOT_BOUGHT
    if settings.REVIEWS_REQUIRE_APPROVAL:
        return Review.HoldReason.APPROVAL
    return ""


def _apply_holds(review: Review) -> None:
    review.verified_purchase = _verified_purchase(user=review.user, product=review.product)
    reason = _hold_reason(
        title=review.title, body=review.body, language=review.language, verified=review.verified_purchase
    )
    review.hold_reason = reason
    review.status = Review.Status.PENDING if reason else Review.Status.PUBLISHED
    review.rejection_reason = ""


def _flag_burst(*, review: Review) -> None:
    """Holds the recent 5-star reviews of this product by young accounts once there are enough of them."""
    burst = settings.REVIEWS_BURST
    now = timezone.now()
    suspects = Review.objects.filter(
        product_id=review.product_id,
        rating=5,
        created_at__gte=now - timedelta(hours=burst["window_hours"]),
        user__date_joined__gte=now - timedelta(days=burst["account_age_days"]),
    ).exclude(status=Review.Status.REJECTED)
    if review.rating != 5 or suspects.count() < burst["count"]:
        return
    suspects.update(status=Review.Status.PENDING, hold_reason=Review.HoldReason.BURST, updated_at=now)
    review.refresh_from_db(fields=["status", "hold_reason", "updated_at"])


def product_rating_refresh(*, product_id: int) -> None:
    """Recomputes the product's published average and count; saving the product moves the catalogue version."""
    aggregate = Review.objects.filter(product_id=product_id, status=Review.Status.PUBLISHED).aggregate(
        average=Avg("rating"), count=Count("pk")
    )
    average = aggregate["average"]
    product = Product.objects.get(pk=product_id)
    product.rating_count = aggregate["count"]
    product.rating_average = Decimal(str(average)).quantize(CENT, ROUND_HALF_UP) if average is not None else None
    product.save(update_fields=["rating_average", "rating_count", "updated_at"])


def _after_write(review: Review, *, created: bool) -> None:
    product_rating_refresh(product_id=review.product_id)
    transaction.on_commit(lambda: review_written.send(sender=Review, review=review, created=created))


def _save_photos(review: Review, prepared: list[PreparedPhoto]) -> None:
    for photo in prepared:
        ReviewPhoto.objects.create(review=review, image=photo.content)


def review_create(
    *, user, product: Product, rating: int, title: str = "", body: str = "", language: str, photos: Sequence = ()
) -> Review:
    """Writes the shopper's review: published at once, or held with the reason (links, profanity, not bought,
    approval required, a burst of 5-star reviews from new accounts). Photos are checked before anything is
    written: one unacceptable photo (InvalidReviewPhoto) and there is no review."""
    prepared = photos_prepare(photos)
    review = Review(user=user, product=product, rating=rating, title=title, body=body, language=language)
    _apply_holds(review)
    try:
        with transaction.atomic():
            review.save()
            _save_photos(review, prepared)
            _flag_burst(review=review)
            _after_write(review, created=True)
    except IntegrityError:
        if Review.objects.filter(user=user, product=product).exists():
            raise ReviewExists() from None
        raise
    return review


def review_update(
    *, review: Review, user, rating: int, title: str = "", body: str = "", photos: Sequence | None = None
) -> Review:
    """The author edits their review; it goes through the holds again (a rejected one gets another chance).
    `photos` replace the review's photos; None keeps them."""
    if review.user_id != user.pk:
        raise ReviewNotAllowed()
    prepared = photos_prepare(photos) if photos is not None else None
    review.rating, review.title, review.body = rating, title, body
    _apply_holds(review)
    with transaction.atomic():
        if prepared is not None:
            for old in review.photos.all():
                old.delete()
            _save_photos(review, prepared)
        review.save(
            update_fields=[
                "rating",
                "title",
                "body",
                "verified_purchase",
                "hold_reason",
                "status",
                "rejection_reason",
                "updated_at",
            ]
        )
        _flag_burst(review=review)
        _after_write(review, created=False)
    return review


def review_delete(*, review: Review, user) -> None:
    if review.user_id != user.pk:
        raise ReviewNotAllowed()
    with transaction.atomic():
        product_id = review.product_id
        review.delete()
        product_rating_refresh(product_id=product_id)


def reviews_delete_for_user(*, user) -> int:
    """Deletes every review, vote and report of this account (the shopper's data deletion); returns reviews."""
    with transaction.atomic():
        voted = list(ReviewVote.objects.filter(user=user).values_list("review_id", flat=True))
        ReviewVote.objects.filter(user=user).delete()
        Review.objects.filter(pk__in=voted, helpful_count__gt=0).update(helpful_count=F("helpful_count") - 1)
        reported = list(ReviewReport.objects.filter(user=user).values_list("review_id", flat=True))
        ReviewReport.objects.filter(user=user).delete()
        Review.objects.filter(pk__in=reported, report_count__gt=0).update(report_count=F("report_count") - 1)
        own = Review.objects.filter(user=user)
        product_ids = sorted(set(own.values_list("product_id", flat=True)))
        deleted = own.count()
        own.delete()
        for product_id in product_ids:
            product_rating_refresh(product_id=product_id)
    return deleted


def review_vote(*, review: Review, user) -> bool:
    """Marks a published review helpful; True the first time, False when this shopper already had."""
    if review.status != Review.Status.PUBLISHED or review.user_id == user.pk:
        raise ReviewNotAllowed()
    with transaction.atomic():
        _vote, created = ReviewVote.objects.get_or_create(review=review, user=user)
        if created:
            Review.objects.filter(pk=review.pk).update(helpful_count=F("helpful_count") + 1)
            transaction.on_commit(lambda: review_voted.send(sender=Review, review=review, user=user))
    review.refresh_from_db(fields=["helpful_count"])
    return created


def review_report(*, review: Review, user, reason: str = "") -> bool:
    """Reports a review to staff; True the first time, False when this shopper already had."""
    if review.user_id == user.pk:
        raise ReviewNotAllowed()
    with transaction.atomic():
        _report, created = ReviewReport.objects.get_or_create(review=review, user=user, defaults={"reason": reason})
        if created:
            Review.objects.filter(pk=review.pk).update(report_count=F("report_count") + 1)
            review.refresh_from_db(fields=["report_count", "status"])
            if review.status == Review.Status.PUBLISHED and review.report_count >= REPORTS_TO_HOLD:
                review.status, review.hold_reason = Review.Status.PENDING, Review.HoldReason.REPORTED
                review.save(update_fields=["status", "hold_reason", "updated_at"])
                product_rating_refresh(product_id=review.product_id)
    return created


def review_moderate(*, review: Review, publish: bool, reason: str = "") -> Review:
    """Staff publish a review or reject it with a reason the author can read."""
    review.status = Review.Status.PUBLISHED if publish else Review.Status.REJECTED
    review.hold_reason = ""
    review.rejection_reason = "" if publish else reason
    with transaction.atomic():
        review.save(update_fields=["status", "hold_reason", "rejection_reason", "updated_at"])
        product_rating_refresh(product_id=review.product_id)
    return review
