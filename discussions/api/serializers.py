"""Shapes of the discussions API. Inputs are checked for type here, for meaning by the services."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.api.serializers import StrictSerializer, VisibleTextField
from discussions.models import Comment, Report, Stance


class CommentCreateSerializer(StrictSerializer):
    body = VisibleTextField(trim_whitespace=False, help_text="Markdown, 1 to 5,000 characters.")
    stance = serializers.ChoiceField(
        choices=["", *Stance.values], required=False, default="", help_text="Optional."
    )
    parent = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=2**63 - 1,
        help_text="Id of the top-level comment this replies to.",
    )  # fmt: skip


class CommentUpdateSerializer(StrictSerializer):
    body = VisibleTextField(
        trim_whitespace=False, required=False, help_text="Markdown, 1 to 5,000 characters."
    )
    stance = serializers.ChoiceField(choices=["", *Stance.values], required=False)


class ReportSerializer(StrictSerializer):
    reason = serializers.ChoiceField(choices=Report.Reason.values)
    text = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="Required for reason other."
    )


class ModerationSerializer(StrictSerializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class SentimentVoteSerializer(StrictSerializer):
    stance = serializers.ChoiceField(choices=Stance.values)


class PollVoteSerializer(StrictSerializer):
    option = serializers.IntegerField(min_value=1, max_value=2**63 - 1, help_text="Option id.")


# --- Outputs -----------------------------------------------------------------------------

TARGET_SCHEMA = {
    "type": "object",
    "properties": {
        "kind": {"type": "string", "enum": ["token", "list"]},
        "key": {"type": "string", "description": "Token symbol or list slug."},
    },
    "required": ["kind", "key"],
}


class ReplySerializer(serializers.Serializer):
    """Hidden and deleted comments keep their place without their text."""

    id = serializers.IntegerField(source="pk", read_only=True)
    parent = serializers.IntegerField(source="parent_id", read_only=True, allow_null=True)
    author = serializers.SerializerMethodField(
        help_text="The author's display name, else their generated handle (never their email "
        "address); null for a deleted user."
    )
    state = serializers.ChoiceField(choices=Comment.State.values, read_only=True)
    body = serializers.SerializerMethodField(help_text="Markdown source (empty when not shown).")
    body_html = serializers.SerializerMethodField(help_text="Sanitised HTML of the body.")
    stance = serializers.SerializerMethodField(
        help_text="bullish, bearish or empty (empty when not shown)."
    )
    created_at = serializers.DateTimeField(read_only=True)
    edited_at = serializers.DateTimeField(read_only=True, allow_null=True)

    def _shown(self, comment) -> bool:
        if comment.state == Comment.State.VISIBLE:
            return True
        user = getattr(self.context.get("request"), "user", None)
        return comment.state != Comment.State.DELETED and bool(user and user.is_staff)

    def get_author(self, comment) -> str | None:
        return comment.author.public_name if comment.author_id else None

    def get_body(self, comment) -> str:
        return comment.body if self._shown(comment) else ""

    def get_body_html(self, comment) -> str:
        return comment.body_html if self._shown(comment) else ""

    def get_stance(self, comment) -> str:
        return comment.stance if self._shown(comment) else ""


class CommentSerializer(ReplySerializer):
    target = serializers.SerializerMethodField()
    replies = serializers.SerializerMethodField()

    @extend_schema_field(TARGET_SCHEMA)
    def get_target(self, comment) -> dict:
        if comment.token_id:
            return {"kind": "token", "key": comment.token.symbol}
        return {"kind": "list", "key": comment.token_list.slug}

    @extend_schema_field(ReplySerializer(many=True))
    def get_replies(self, comment):
        if comment.parent_id is not None:
            return []
        return ReplySerializer(comment.replies.all(), many=True, context=self.context).data


class SplitSerializer(serializers.Serializer):
    day = serializers.DateField()
    bullish = serializers.IntegerField()
    bearish = serializers.IntegerField()
    voters = serializers.IntegerField()
    bullish_share = serializers.FloatField(allow_null=True, help_text="Fraction; null, no vote.")


class SentimentSerializer(serializers.Serializer):
    symbol = serializers.CharField()
    today = SplitSerializer()
    days = SplitSerializer(many=True, help_text="The last 30 UTC days, oldest first.")
    my_vote = serializers.CharField(help_text="Your vote today (bullish, bearish or empty).")


class PollOptionSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    label_en = serializers.CharField()
    label_fr = serializers.CharField()
    votes = serializers.IntegerField(source="n_votes")
    share = serializers.SerializerMethodField(help_text="Fraction of the votes; null if none.")

    def get_share(self, option) -> float | None:
        total = self.context.get("totals", {}).get(option.poll_id, 0)
        return option.n_votes / total if total else None


class PollSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    question_en = serializers.CharField()
    question_fr = serializers.CharField()
    target = serializers.SerializerMethodField()
    is_open = serializers.SerializerMethodField(help_text="Open and before its closing date.")
    closes_at = serializers.DateTimeField(allow_null=True)
    votes = serializers.SerializerMethodField()
    options = serializers.SerializerMethodField()

    @extend_schema_field(TARGET_SCHEMA)
    def get_target(self, poll) -> dict:
        if poll.token_id:
            return {"kind": "token", "key": poll.token.symbol}
        return {"kind": "list", "key": poll.token_list.slug}

    def get_is_open(self, poll) -> bool:
        return poll.accepts_votes(self.context["now"])

    def get_votes(self, poll) -> int:
        return sum(option.n_votes for option in poll.options.all())

    @extend_schema_field(PollOptionSerializer(many=True))
    def get_options(self, poll):
        totals = {poll.pk: self.get_votes(poll)}
        return PollOptionSerializer(poll.options.all(), many=True, context={"totals": totals}).data


class PollDaySerializer(serializers.Serializer):
    day = serializers.DateField(help_text="UTC day of the votes' last change.")
    counts = serializers.DictField(
        child=serializers.IntegerField(), help_text="Votes by option id."
    )
    market_cap_usd = serializers.FloatField(
        allow_null=True,
        help_text="The list's total cap at the end of that day; null if unknown (or a token's "
        "poll).",
    )


class PollDetailSerializer(PollSerializer):
    my_vote = serializers.IntegerField(allow_null=True, help_text="Your option id, if any.")
    daily = PollDaySerializer(
        many=True, help_text="Votes by UTC day of their last change, oldest first."
    )
