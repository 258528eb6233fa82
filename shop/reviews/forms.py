from django import forms
from django.utils.translation import gettext_lazy as _

from shop.reviews.models import Review

RATING_CHOICES = [(stars, "★" * stars) for stars in (5, 4, 3, 2, 1)]


class ReviewForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("Your rating"), choices=RATING_CHOICES, coerce=int, widget=forms.RadioSelect
    )
    title = forms.CharField(label=_("Title"), max_length=120, required=False)
    body = forms.CharField(
        label=_("Your review"),
        max_length=Review._meta.get_field("body").max_length,
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
    )


class ReportForm(forms.Form):
    reason = forms.CharField(max_length=200, required=False)
