"""The review pages: write or edit one's review of a product, delete it, mark another's helpful, report one."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shop.exceptions import ShopError
from shop.models import Product
from shop.ratelimits import review_attempt
from shop.reviews import selectors, services
from shop.reviews.forms import ReportForm, ReviewForm
from shop.reviews.models import Review


def _reviews_url(product: Product) -> str:
    return f"{product.get_absolute_url()}#reviews"


@login_required
def review_write(request: HttpRequest, slug: str) -> HttpResponse:
    product = get_object_or_404(Product, slug=slug, is_active=True)
    review = selectors.review_of_user(user=request.user, product=product)
    initial = {"rating": review.rating, "title": review.title, "body": review.body} if review else None
    form = ReviewForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        attempt = review_attempt(request=request, user_id=request.user.pk)
        if attempt.refused:
            form.add_error(
                None,
                _("Too many reviews in a short time. Try again in %(minutes)s minutes.")
                % {"minutes": attempt.retry_after_minutes()},
            )
        else:
            values = dict(form.cleaned_data)
            try:
                if review is None:
                    review = services.review_create(
                        user=request.user, product=product, language=get_language(), **values
                    )
                else:
                    # No photo chosen while editing keeps the review's photos; new ones replace them.
                    values["photos"] = values["photos"] or None
                    review = services.review_update(review=review, user=request.user, **values)
            except ShopError as error:
                form.add_error(None, error.message)
            else:
                if review.status == Review.Status.PUBLISHED:
                    messages.success(request, _("Thank you! Your review is published."))
                else:
                    messages.info(request, _("Thank you! Your review will appear once our team has checked it."))
                return redirect(_reviews_url(product))
    return render(request, "shop/reviews/review_form.html", {"product": product, "form": form, "review": review})


@login_required
@require_POST
def review_delete(request: HttpRequest, pk: int) -> HttpResponse:
    review = get_object_or_404(Review.objects.select_related("product"), pk=pk, user=request.user)
    services.review_delete(review=review, user=request.user)
    messages.success(request, _("Your review was deleted."))
    return redirect(_reviews_url(review.product))


def _published(pk: int) -> Review:
    try:
        return selectors.review_visible(pk=pk)
    except Review.DoesNotExist:
        raise Http404("No such review.") from None


@login_required
@require_POST
def review_vote(request: HttpRequest, pk: int) -> HttpResponse:
    review = _published(pk)
    try:
        services.review_vote(review=review, user=request.user)
    except ShopError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Thank you for your feedback."))
    return redirect(_reviews_url(review.product))


@login_required
@require_POST
def review_report(request: HttpRequest, pk: int) -> HttpResponse:
    review = _published(pk)
    form = ReportForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        services.review_report(review=review, user=request.user, reason=reason)
    except ShopError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Thank you. Our team will look at this review."))
    return redirect(_reviews_url(review.product))
