"""Reviews for the mobile app: a product's published reviews (anyone); write, edit, delete, vote, report (signed in).

Another shopper's review cannot be edited or deleted (404, as if it did not exist for you); a review that is not
published cannot be voted on or reported (404). Writing and editing take JSON, or multipart/form-data with up to
`REVIEWS_PHOTOS["max_count"]` files in `photos`, checked and re-encoded as on the website (`shop.reviews.photos`).
"""

from __future__ import annotations

import re

from django.conf import settings
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound, Throttled
from rest_framework.generics import ListAPIView
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from config.api_errors import error_response
from shop.api.pagination import ShopPagination
from shop.models import Product
from shop.ratelimits import review_attempt
from shop.reviews import selectors, services
from shop.reviews.models import Review
from shop.reviews.photos import MAX_SIDE

SLUG_PATTERN = re.compile(r"[-a-zA-Z0-9_]{1,220}")
ID_PATTERN = re.compile(r"[0-9]{1,18}")
PRODUCT_SLUG = OpenApiParameter("slug", str, OpenApiParameter.PATH, description="The product's slug.")
REVIEW_ID = OpenApiParameter("review_id", str, OpenApiParameter.PATH, description="The review's id.")
REVIEW_EXAMPLE = {
    "id": 7,
    "product": "lumix-g9-camera",
    "rating": 5,
    "title": "Sharp and quick",
    "body": "Focus is fast, the stabilisation is the best I have used.",
    "language": "en",
    "author": "grace",
    "verified_purchase": True,
    "helpful_count": 3,
    "status": "published",
    "rejection_reason": "",
    "photos": ["/media/reviews/2026/03/0f3c5e9a7b2d4c1e8f6a9b0c1d2e3f4a.jpg"],
    "created_at": "2026-03-02T10:15:00Z",
    "updated_at": "2026-03-02T10:15:00Z",
}


class ReviewSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    product = serializers.CharField(source="product.slug", help_text="The product's slug.")
    rating = serializers.IntegerField(min_value=1, max_value=5)
    title = serializers.CharField()
    body = serializers.CharField()
    language = serializers.CharField()
    author = serializers.SerializerMethodField()
    verified_purchase = serializers.BooleanField()
    helpful_count = serializers.IntegerField()
    status = serializers.CharField(
        help_text="`published`, `pending` or `rejected`; the last two are seen only by the author."
    )
    rejection_reason = serializers.CharField()
    photos = serializers.SerializerMethodField(
        help_text="URLs of the review's photos (re-encoded JPEGs without metadata)."
    )
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()

    def get_author(self, review: Review) -> str:
        return review.user.get_short_name() or review.user.get_username()

    def get_photos(self, review: Review) -> list[str]:
        return [photo.image.url for photo in review.photos.all()]


class ReviewWriteSerializer(serializers.Serializer):
    rating = serializers.IntegerField(min_value=1, max_value=5)
    title = serializers.CharField(max_length=120, required=False, allow_blank=True, default="")
    body = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")


class ReviewWritePhotosSerializer(ReviewWriteSerializer):
    photos = serializers.ListField(
        child=serializers.FileField(allow_empty_file=False),
        required=False,
        help_text=(
            "Up to {count} JPEG, PNG or WebP files (one `photos` part each, at most {megabytes} MB and {pixels} "
            "million pixels each). They are re-encoded as JPEGs of at most {side} px a side, without location, "
            "camera or any other metadata; a file that is not such an image refuses the whole request "
            "(400 `photo_not_an_image`, `photo_too_large`, `photo_too_many_pixels` or `too_many_photos`) and "
            "nothing is written. When editing, photos sent replace the review's photos; none sent keeps them."
        ).format(
            count=settings.REVIEWS_PHOTOS["max_count"],
            megabytes=settings.REVIEWS_PHOTOS["max_bytes"] // 2**20,
            pixels=settings.REVIEWS_PHOTOS["max_pixels"] // 10**6,
            side=MAX_SIDE,
        ),
    )


# JSON for words and stars; multipart/form-data for the same fields with photos.
WRITE_REQUEST = {"application/json": ReviewWriteSerializer, "multipart/form-data": ReviewWritePhotosSerializer}
WRITE_PARSERS = [JSONParser, MultiPartParser]
PHOTO_ERROR = error_response(
    "Invalid fields, or a photo refused (`photo_not_an_image`, `photo_too_large`, `photo_too_many_pixels`, "
    "`too_many_photos`); nothing was written."
)


def _write_data(request) -> dict:
    """The validated fields; `photos` only when the request sent some (multipart), so an edit without keeps them."""
    data = ReviewWritePhotosSerializer(data=request.data)
    data.is_valid(raise_exception=True)
    values = dict(data.validated_data)
    if not values.get("photos"):
        values.pop("photos", None)
    return values


class ReviewListFilterSerializer(serializers.Serializer):
    sort = serializers.ChoiceField(choices=list(selectors.REVIEW_SORTS), default=selectors.DEFAULT_REVIEW_SORT)
    stars = serializers.IntegerField(min_value=1, max_value=5, required=False, help_text="Only these stars.")


class ReportSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class ActionResultSerializer(serializers.Serializer):
    created = serializers.BooleanField(help_text="False when you had already done this (nothing changed).")
    helpful_count = serializers.IntegerField()


def _product(slug: str) -> Product:
    product = Product.objects.filter(slug=slug, is_active=True).first() if SLUG_PATTERN.fullmatch(slug) else None
    if product is None:
        raise NotFound("No product has this slug.")
    return product


def _own_review(*, user, review_id: str) -> Review:
    review = Review.objects.filter(pk=review_id, user=user).first() if ID_PATTERN.fullmatch(review_id) else None
    if review is None:
        raise NotFound("You have no review with this id.")
    return review


def _published_review(review_id: str) -> Review:
    try:
        if not ID_PATTERN.fullmatch(review_id):
            raise Review.DoesNotExist
        return selectors.review_visible(pk=int(review_id))
    except Review.DoesNotExist:
        raise NotFound("No published review has this id.") from None


def _check_rate(request) -> None:
    attempt = review_attempt(request=request, user_id=request.user.pk)
    if attempt.refused:
        raise Throttled(wait=attempt.retry_after)


@extend_schema_view(
    get=extend_schema(
        tags=["reviews"],
        summary="A product's reviews",
        parameters=[PRODUCT_SLUG, ReviewListFilterSerializer],
        responses={200: ReviewSerializer(many=True)},
        examples=[OpenApiExample("A review", value=REVIEW_EXAMPLE, response_only=True)],
    )
)
class ProductReviewListView(ListAPIView):
    serializer_class = ReviewSerializer
    pagination_class = ShopPagination
    parser_classes = WRITE_PARSERS

    def get_permissions(self):
        return [IsAuthenticated()] if self.request.method == "POST" else [AllowAny()]

    def get_queryset(self):
        params = ReviewListFilterSerializer(data=self.request.query_params)
        params.is_valid(raise_exception=True)
        return selectors.reviews_for_product(
            product=_product(self.kwargs["slug"]),
            sort=params.validated_data["sort"],
            stars=params.validated_data.get("stars"),
        )

    @extend_schema(
        tags=["reviews"],
        summary="Review a product",
        description="One review per shopper and product (409 `review_exists`: edit it instead). The review is "
        "`published` at once or `pending` until staff check it (links, profanity, no delivered order of the "
        "product, a burst of 5-star reviews from new accounts, or the shop requires approval).",
        parameters=[PRODUCT_SLUG],
        request=WRITE_REQUEST,
        responses={
            201: ReviewSerializer,
            400: PHOTO_ERROR,
            409: error_response("You have already reviewed this product (`review_exists`); edit your review."),
        },
        examples=[OpenApiExample("Written", value=REVIEW_EXAMPLE, response_only=True, status_codes=["201"])],
    )
    def post(self, request, slug: str):
        product = _product(slug)
        values = _write_data(request)
        _check_rate(request)
        review = services.review_create(user=request.user, product=product, language=request.LANGUAGE_CODE, **values)
        return Response(ReviewSerializer(review).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    put=extend_schema(
        tags=["reviews"],
        summary="Edit your review",
        description="It is checked again, so it may go back to `pending`. Photos sent (multipart) replace the "
        "review's photos; none sent keeps them.",
        parameters=[REVIEW_ID],
        request=WRITE_REQUEST,
        responses={200: ReviewSerializer, 400: PHOTO_ERROR},
    ),
    delete=extend_schema(
        tags=["reviews"], summary="Delete your review", parameters=[REVIEW_ID], request=None, responses={204: None}
    ),
)
class ReviewDetailView(APIView):
    permission_classes = [IsAuthenticated]
    parser_classes = WRITE_PARSERS

    def put(self, request, review_id: str):
        review = _own_review(user=request.user, review_id=review_id)
        values = _write_data(request)
        _check_rate(request)
        review = services.review_update(review=review, user=request.user, **values)
        return Response(ReviewSerializer(review).data)

    def delete(self, request, review_id: str):
        services.review_delete(review=_own_review(user=request.user, review_id=review_id), user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(
    tags=["reviews"],
    summary="Mark a review helpful",
    description="Once per shopper: 201 the first time, 200 after. Not your own review (400 `review_not_allowed`).",
    parameters=[REVIEW_ID],
    request=None,
    responses={
        201: ActionResultSerializer,
        200: ActionResultSerializer,
        400: error_response("Your own review."),
    },
)
class ReviewVoteView(APIView):
    permission_classes = [IsAuthenticated]

    def post(self, request, review_id: str):
        review = _published_review(review_id)
        created = services.review_vote(review=review, user=request.user)
        body = {"created": created, "helpful_count": review.helpful_count}
        return Response(body, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


@extend_schema(
    tags=["reviews"],
    summary="Report a review to staff",
    description="Once per shopper: 201 the first time, 200 after. Not your own review (400 `review_not_allowed`).",
    parameters=[REVIEW_ID],
    request=ReportSerializer,
    responses={
        201: ActionResultSerializer,
        200: ActionResultSerializer,
        400: error_response("Your own review, or the reason is too long."),
    },
)
class ReviewReportView(APIView):
    permission_classes = [IsAuthenticated]

    def post(self, request, review_id: str):
        review = _published_review(review_id)
        data = ReportSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        created = services.review_report(review=review, user=request.user, reason=data.validated_data["reason"])
        body = {"created": created, "helpful_count": review.helpful_count}
        return Response(body, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)
