"""/api/v1/experiments/: the app's variants (same buckets as the site) and the exposures it reports.

The unit is the token's user when signed in, else the visitor of `X-Visitor-Id`. Fetching
assignments logs nothing: the app reports an exposure when it actually shows a variant.
"""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import APIException
from rest_framework.response import Response
from rest_framework.views import APIView

from config.api_errors import error_response
from personalization.experiments.decisions import assignments_for_request
from personalization.experiments.selectors import running_experiment_specs
from personalization.experiments.services import exposure_log
from personalization.shopper import unit_for_request

VISITOR_HEADER = OpenApiParameter(
    "X-Visitor-Id",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description="The app's install UUID (or a visitor id this server signed); the unit when nobody is signed in.",
)


class NoUnit(APIException):
    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "no_unit"
    default_detail = "Send X-Visitor-Id or sign in: assignments need someone to assign."


class VariantMismatch(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "variant_mismatch"
    default_detail = "This unit is not assigned to that variant; fetch the assignments again."


class ExperimentNotRunning(APIException):
    status_code = status.HTTP_404_NOT_FOUND
    default_code = "experiment_not_running"
    default_detail = "No running experiment has this key."


class AssignmentSerializer(serializers.Serializer):
    experiment = serializers.CharField(source="experiment_key", help_text="The experiment key.")
    surface = serializers.CharField(help_text="home_layout, product_layout, ranker, coupon_policy or assistant_panel.")
    variant = serializers.CharField(
        source="key", help_text="The variant to show; the control's key when the unit is not in the experiment."
    )
    in_experiment = serializers.BooleanField(help_text="False: show `variant` but do not report an exposure.")
    reason = serializers.CharField(
        help_text="assigned, sticky, carried_over, forced, not_in_traffic, targeting_mismatch or no_unit."
    )
    config = serializers.DictField(help_text='What the variant changes, e.g. {"layout": "editorial"}.')


class AssignmentListSerializer(serializers.Serializer):
    unit = serializers.CharField(help_text='"u:<user id>" or "v:<visitor id>".')
    assignments = AssignmentSerializer(many=True)


class ExposureInputSerializer(serializers.Serializer):
    experiment = serializers.SlugField(max_length=60)
    variant = serializers.SlugField(max_length=40)


class ExposureOutputSerializer(serializers.Serializer):
    experiment = serializers.CharField()
    variant = serializers.CharField()
    first_exposure = serializers.BooleanField(help_text="False when this unit's exposure was already recorded.")


def _unit_or_error(request) -> str:
    unit = unit_for_request(request)
    if unit is None:
        raise NoUnit()
    return unit.key


class AssignmentListView(APIView):
    @extend_schema(
        operation_id="experiments_assignments",
        summary="The unit's variant in every running experiment",
        parameters=[VISITOR_HEADER],
        responses={200: AssignmentListSerializer, 400: error_response("No user and no X-Visitor-Id.")},
        examples=[
            OpenApiExample(
                "Two experiments",
                response_only=True,
                value={
                    "unit": "v:app-2f6c0b3e9a8d4b1c8e7f6a5b4c3d2e1f",
                    "assignments": [
                        {
                            "experiment": "home-layout-2025",
                            "surface": "home_layout",
                            "variant": "editorial",
                            "in_experiment": True,
                            "reason": "assigned",
                            "config": {"layout": "editorial"},
                        },
                        {
                            "experiment": "ranker-v7",
                            "surface": "ranker",
                            "variant": "control",
                            "in_experiment": False,
                            "reason": "not_in_traffic",
                            "config": {"ranker": "model"},
                        },
                    ],
                },
            )
        ],
    )
    def get(self, request):
        unit = _unit_or_error(request)
        assignments = list(assignments_for_request(request).values())
        return Response(AssignmentListSerializer({"unit": unit, "assignments": assignments}).data)


class ExposureCreateView(APIView):
    @extend_schema(
        operation_id="experiments_exposure_create",
        summary="Report that the app showed a variant",
        parameters=[VISITOR_HEADER],
        request=ExposureInputSerializer,
        responses={
            201: ExposureOutputSerializer,
            200: OpenApiResponse(ExposureOutputSerializer, description="Already recorded; nothing changed."),
            404: error_response("No running experiment has this key."),
            409: error_response("The unit is not assigned to this variant."),
        },
        examples=[
            OpenApiExample(
                "Shown", request_only=True, value={"experiment": "home-layout-2025", "variant": "editorial"}
            ),
            OpenApiExample(
                "Recorded",
                response_only=True,
                status_codes=["201"],
                value={"experiment": "home-layout-2025", "variant": "editorial", "first_exposure": True},
            ),
        ],
    )
    def post(self, request):
        data = ExposureInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        key, variant = data.validated_data["experiment"], data.validated_data["variant"]
        _unit_or_error(request)
        if not any(spec.key == key for spec in running_experiment_specs()):
            raise ExperimentNotRunning()
        assignment = assignments_for_request(request).get(key)
        if assignment is None or not assignment.in_experiment or assignment.variant != variant:
            raise VariantMismatch()
        created = exposure_log(request=request, assignment=assignment)
        body = ExposureOutputSerializer({"experiment": key, "variant": variant, "first_exposure": created}).data
        return Response(body, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)
