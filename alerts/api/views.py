"""Alerts API: owner only. Anonymous requests get 401; another user's rule (staff too) is a
404 like a missing one. Reads go through the selectors, writes through the services."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.response import Response

from alerts import selectors, services
from alerts.api.serializers import AlertInputSerializer, AlertSerializer, FiringSerializer
from core.api import views as core_views
from core.api.errors import (
    READ_ERRORS,
    RETRY_AFTER,
    WRITE_ERRORS,
    service_errors,
    validated,
)

ID_PARAM = OpenApiParameter(
    "id",
    {"type": "integer", "minimum": 1},
    OpenApiParameter.PATH,
    description="Id of one of your alerts (anyone else's is a 404).",
)


class OwnerApiView(core_views.OwnerApiView):
    serializer_class = AlertSerializer

    def get_rule(self):
        return selectors.alert_get_for_user(user=self.request.user, pk=self.kwargs["id"])

    def rule_response(self, rule, status_code=200):
        rule = selectors.alert_get_for_user(user=self.request.user, pk=rule.pk)
        return Response(AlertSerializer(rule).data, status=status_code)


@extend_schema(tags=["alerts"], parameters=[RETRY_AFTER])
class AlertListView(OwnerApiView):
    @extend_schema(
        summary="Your alerts, newest first",
        responses={200: AlertSerializer(many=True), **READ_ERRORS},
    )
    def get(self, request):
        page = self.paginate_queryset(selectors.alert_list_for_user(user=request.user))
        return self.get_paginated_response(AlertSerializer(page, many=True).data)

    @extend_schema(
        summary="Create an alert",
        description="At most 200 per user. Crossings fire only when the price crosses the "
        "level between two evaluations, never because it already sits beyond it at creation. "
        "An alert identical to one you have (same subject, condition, value, frequency, "
        "cooldown and webhook_url; ended and expired ones aside) is a 400 naming that one.",
        request=AlertInputSerializer,
        responses={201: AlertSerializer, **WRITE_ERRORS},
    )
    def post(self, request):
        data = validated(AlertInputSerializer(data=request.data))
        with service_errors():
            rule = services.alert_create(owner=request.user, **data)
        return self.rule_response(rule, status.HTTP_201_CREATED)


@extend_schema(tags=["alerts"], parameters=[ID_PARAM, RETRY_AFTER])
class AlertDetailView(OwnerApiView):
    @extend_schema(summary="One alert", responses={200: AlertSerializer, **READ_ERRORS})
    def get(self, request, id: str):
        return Response(AlertSerializer(self.get_rule()).data)

    @extend_schema(
        summary="Change, pause (is_active=false) or resume an alert",
        description="Only the fields sent change; all of them or none. Made identical to "
        "another of your alerts (see POST), it is a 400 naming that one.",
        request=AlertInputSerializer,
        responses={200: AlertSerializer, **WRITE_ERRORS},
    )
    def patch(self, request, id: str):
        rule = self.get_rule()
        data = validated(AlertInputSerializer(data=request.data, partial=True))
        with service_errors():
            rule = services.alert_update(rule=rule, **data)
        return self.rule_response(rule)

    @extend_schema(summary="Delete an alert", request=None, responses={204: None, **WRITE_ERRORS})
    def delete(self, request, id: str):
        services.alert_delete(rule=self.get_rule())
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(tags=["alerts"], parameters=[ID_PARAM, RETRY_AFTER])
class FiringListView(OwnerApiView):
    serializer_class = FiringSerializer

    @extend_schema(
        summary="The firings of one of your alerts, newest first",
        responses={200: FiringSerializer(many=True), **READ_ERRORS},
    )
    def get(self, request, id: str):
        page = self.paginate_queryset(selectors.firings_for_rule(rule=self.get_rule()))
        data = FiringSerializer(page, many=True, context={"request": request}).data
        return self.get_paginated_response(data)
