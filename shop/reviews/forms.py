from django import forms
from django.conf import settings
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from shop.reviews.models import Review

RATING_CHOICES = [(stars, "★" * stars) for stars in (5, 4, 3, 2, 1)]


class PhotosInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Any number of files (the service checks count, size and content); an empty list when none is chosen."""

    widget = PhotosInput(attrs={"accept": "image/jpeg,image/png,image/webp"})

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data] if data else []
        return [super(PhotosField, self).clean(file, initial) for file in files]


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
    photos = PhotosField(
        label=_("Photos"),
        required=False,
        help_text=format_lazy(
            _("Optional: up to {count} JPEG, PNG or WebP images. We remove location and camera details."),
            count=settings.REVIEWS_PHOTOS["max_count"],
        ),
    )


class ReportForm(forms.Form):
    reason = forms.CharField(max_length=200, required=False)
