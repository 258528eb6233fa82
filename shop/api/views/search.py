"""Search suggestions while typing: products, categories and brands. Open to everyone."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from config.api_errors import error_response
from shop.api import examples
from shop.search.selectors import search_suggestions


class SuggestQuerySerializer(serializers.Serializer):
    q = serializers.CharField(required=False, allow_blank=True, max_length=200, help_text="What has been typed.")


class SuggestionSerializer(serializers.Serializer):
    kind = serializers.CharField(help_text="product, category or brand.")
    label = serializers.CharField()
    url = serializers.CharField(help_text="Where choosing the suggestion leads (a page of the site).")


class SuggestResponseSerializer(serializers.Serializer):
    query = serializers.CharField()
    suggestions = SuggestionSerializer(many=True)


@extend_schema(
    tags=["catalog"],
    summary="Search suggestions",
    description="Suggestions for a partly typed query, in English and Chinese (pinyin too): products, categories, "
    "and brands. The site adds the shopper's recent queries, which it keeps in the browser.",
    parameters=[SuggestQuerySerializer],
    examples=[
        examples.response(
            "Suggestions for “cam”",
            {
                "query": "cam",
                "suggestions": [
                    {"kind": "category", "label": "Cameras", "url": "/category/cameras/"},
                    {"kind": "product", "label": "Lumix G9 camera", "url": "/product/lumix-g9-camera/"},
                ],
            },
        ),
        examples.response(
            "A query that is too long",
            {
                "error": {
                    "code": "invalid",
                    "message": "Invalid input.",
                    "fields": {"q": ["Ensure this field has no more than 200 characters."]},
                }
            },
            status_code=400,
        ),
    ],
    responses={
        200: SuggestResponseSerializer,
        400: error_response("The query is longer than 200 characters."),
    },
)
class SearchSuggestView(APIView):
    def get(self, request):
        params = SuggestQuerySerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        query = params.validated_data.get("q", "")
        suggestions = search_suggestions(query=query)
        return Response(
            SuggestResponseSerializer({"query": query, "suggestions": [s.__dict__ for s in suggestions]}).data
        )
