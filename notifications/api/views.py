"""Notifications API: your inbox, newest first; mark one or all read. Owner only."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from core.api import views as core_views
from core.api.errors import (
    READ_ERRORS,
    RETRY_AFTER,
    WRITE_ERRORS,
    ErrorSerializer,
    validated,
)
from core.api.params import QueryParams
from core.api.serializers import body_refuse
from notifications import selectors, services
from notifications.api.serializers import (
    MarkAllReadSerializer,
    MarkedSerializer,
    NotificationSerializer,
)

ID_PARAM = OpenApiParameter(
    "id",
    {"type": "integer", "minimum": 1},
    OpenApiParameter.PATH,
    description="Id of one of your notifications (anyone else's is a 404).",
)


UNREAD_PARAM = OpenApiParameter(
    "unread",
    OpenApiTypes.BOOL,
    description="true: only the notifications not read yet; false: only the read ones; "
    "without it: all. Anything else is a 400.",
)


class ListParams(QueryParams):
    unread = serializers.BooleanField(required=False)


class OwnerApiView(core_views.OwnerApiView):
    serializer_class = NotificationSerializer


@extend_schema(tags=["notifications"], parameters=[RETRY_AFTER])
class NotificationListView(OwnerApiView):
    @extend_schema(
        summary="Your notifications, newest first",
        parameters=[UNREAD_PARAM],
        responses={200: NotificationSerializer(many=True), **READ_ERRORS},
    )
    def get(self, request):
        unread = validated(ListParams(data=request.query_params)).get("unread")
        notifications = selectors.notification_list_for_user(user=request.user, unread=unread)
        page = self.paginate_queryset(notifications)
        return self.get_paginated_response(
            NotificationSerializer(page, many=True, context={"request": request}).data
        )


@extend_schema(tags=["notifications"], parameters=[ID_PARAM, RETRY_AFTER])
class NotificationReadView(OwnerApiView):
    @extend_schema(
        summary="Mark one notification read",
        request=None,
        responses={
            200: NotificationSerializer,
            **WRITE_ERRORS,
            # No body is expected, but one sent is read (to refuse it): another media type
            # than JSON is DRF's 415, which the schema hook documents only with a body.
            415: OpenApiResponse(
                ErrorSerializer, description="A body whose Content-Type is not JSON."
            ),
        },
    )
    def post(self, request, id: str):
        body_refuse(request)
        notification = selectors.notification_get_for_user(user=request.user, pk=id)
        services.notification_mark_read(notification=notification)
        return Response(NotificationSerializer(notification, context={"request": request}).data)


@extend_schema(tags=["notifications"], parameters=[RETRY_AFTER])
class NotificationReadAllView(OwnerApiView):
    @extend_schema(
        summary="Mark all your notifications read (optionally up to one id)",
        request=MarkAllReadSerializer,
        responses={200: MarkedSerializer, **WRITE_ERRORS},
    )
    def post(self, request):
        data = validated(MarkAllReadSerializer(data=request.data))
        marked = services.notifications_mark_all_read(user=request.user, up_to_id=data.get("up_to"))
        return Response({"marked": marked})
