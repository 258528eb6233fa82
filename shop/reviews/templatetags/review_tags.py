"""Template tags of reviews: a product's rating summary and reviews, its schema.org data, stars."""

from __future__ import annotations

import json

from django import template
from django.conf import settings
from django.core.paginator import Paginator
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from shop.models import Product
from shop.reviews import selectors
from shop.reviews.models import Review

register = template.Library()

REVIEWS_PAGE_SIZE = 10
JSON_LD_REVIEWS = 5
# As django.utils.html.json_script: nothing in the data can close the script element.
_JSON_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def _review_query(params) -> tuple[str, int | None]:
    sort = params.get("review_sort", selectors.DEFAULT_REVIEW_SORT)
    if sort not in selectors.REVIEW_SORTS:
        sort = selectors.DEFAULT_REVIEW_SORT
    stars = params.get("stars", "")
    return sort, int(stars) if stars in {"1", "2", "3", "4", "5"} else None


@register.inclusion_tag("shop/reviews/product_reviews.html", takes_context=True)
def product_reviews(context, product: Product) -> dict:
    """The reviews section of a product page: summary, bar chart, sort and filter, one page of reviews."""
    request = context["request"]
    sort, stars = _review_query(request.GET)
    if product.rating_count:
        reviews = selectors.reviews_for_product(product=product, sort=sort, stars=stars)
        summary = selectors.rating_summary(product=product)
    else:  # the product's own count says there is nothing to fetch: most products, no queries
        reviews, summary = Review.objects.none(), selectors.EMPTY_SUMMARY
    page = Paginator(reviews, REVIEWS_PAGE_SIZE).get_page(request.GET.get("review_page"))
    return {
        "request": request,
        "user": request.user,
        "product": product,
        "summary": summary,
        "page_obj": page,
        "reviews": page.object_list,
        "sort": sort,
        "stars": stars,
        "sorts": selectors.REVIEW_SORTS,
        "own_review": selectors.review_of_user(user=request.user, product=product),
        "json_ld": product_json_ld(product=product, summary=summary, reviews=list(page.object_list)),
        "currency": context.get("currency", settings.SHOP_CURRENCY),
    }


def product_json_ld(*, product: Product, summary: selectors.RatingSummary, reviews: list) -> SafeString:
    """schema.org Product with AggregateRating and a few Reviews, as a JSON-LD data block (allowed by the CSP)."""
    data: dict = {
        "@context": "https://schema.org",
        "@type": "Product",
        "name": product.name,
        "sku": product.sku,
        "brand": {"@type": "Brand", "name": product.brand.name},
    }
    if summary.count:
        data["aggregateRating"] = {
            "@type": "AggregateRating",
            "ratingValue": round(summary.average, 2),
            "reviewCount": summary.count,
            "bestRating": 5,
            "worstRating": 1,
        }
        data["review"] = [
            {
                "@type": "Review",
                "reviewRating": {"@type": "Rating", "ratingValue": review.rating, "bestRating": 5},
                "author": {"@type": "Person", "name": review.user.get_short_name() or review.user.get_username()},
                "datePublished": review.created_at.date().isoformat(),
                "name": review.title,
                "reviewBody": review.body,
            }
            for review in reviews[:JSON_LD_REVIEWS]
        ]
    text = json.dumps(data, ensure_ascii=False).translate(_JSON_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))


@register.filter
def stars(rating) -> str:
    """`4.3|stars` -> "★★★★☆": the rating rounded to whole stars, for eyes; pages give screen readers the number."""
    if rating is None:
        return ""
    full = max(0, min(5, round(float(rating))))
    return "★" * full + "☆" * (5 - full)


@register.inclusion_tag("shop/reviews/order_review_links.html")
def order_review_links(order) -> dict:
    """Links to review each product of a delivered order (nothing before delivery)."""
    reviewable = selectors.reviewable_product_ids(order=order)
    lines = [line for line in order.lines.all() if line.product_id in reviewable and line.product.is_active]
    return {"lines": lines}
