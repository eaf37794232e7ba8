from __future__ import annotations

from enum import Enum

from tortoise import fields
from tortoise.models import Model

from models.columns import CharField


class TicketStatus(str, Enum):
    OPEN = "OPEN"
    APPROVED = "APPROVED"
    REJECTED = "REJECTED"
    TIMED_OUT = "TIMED_OUT"  # the deadline passed; the agent proceeds on the logged defaults
    TIMED_OUT_BLOCKED = "TIMED_OUT_BLOCKED"  # the deadline passed with a blocking question unanswered and no default


class VoteChoice(str, Enum):
    AGREE = "AGREE"
    DISAGREE = "DISAGREE"
    NEUTRAL = "NEUTRAL"


class AssumptionStatus(str, Enum):
    PROVISIONAL = "PROVISIONAL"
    OVERRIDDEN = "OVERRIDDEN"


class ClarificationRequestLog(Model):
    """Every `clarificationRequest`, ambiguous or not: the denominator of the trigger rate."""

    id = fields.BigIntField(primary_key=True)
    correlation_id = CharField(max_length=128)
    requester = fields.ForeignKeyField("models.Principal", related_name="clarification_requests",
                                       on_delete=fields.CASCADE)
    question_count = fields.SmallIntField()
    created_at = fields.DatetimeField(auto_now_add=True, db_index=True)

    class Meta:
        table = "clarification_requests"


class ClarificationTicket(Model):
    """A question pack for one task. Questions and answers live on the row (JSONB):

    questions: [{id, kind, text, severity, answerType, choices, span: {start, end, text}, default}]
    answers:   {questionId: {value, principalId, principalName, at}}
    """

    id = fields.BigIntField(primary_key=True)
    correlation_id = CharField(max_length=128, db_index=True)
    requester = fields.ForeignKeyField("models.Principal", related_name="clarification_tickets",
                                       on_delete=fields.CASCADE)
    prompt = fields.TextField()
    known_parameters = fields.JSONField(default=dict)
    domain_tags = fields.JSONField(default=list)
    questions = fields.JSONField(default=list)
    answers = fields.JSONField(default=dict)
    status = fields.CharEnumField(TicketStatus, max_length=20, default=TicketStatus.OPEN)
    panel_size = fields.SmallIntField()
    deadline_at = fields.DatetimeField()
    created_at = fields.DatetimeField(auto_now_add=True)
    decided_at = fields.DatetimeField(null=True)
    created_event_id = fields.BigIntField(null=True)  # the outbox row of ticket.created: where its updates start

    class Meta:
        table = "clarification_tickets"
        indexes = (("status", "deadline_at"),)


class PanelMember(Model):
    """An agent on a ticket's panel. `weight` is its reputation when the panel was chosen."""

    id = fields.BigIntField(primary_key=True)
    ticket = fields.ForeignKeyField("models.ClarificationTicket", related_name="panel", on_delete=fields.CASCADE)
    contributor = fields.ForeignKeyField("models.Contributor", related_name="panel_seats", on_delete=fields.CASCADE)
    weight = fields.DecimalField(max_digits=12, decimal_places=6)
    position = fields.SmallIntField()

    class Meta:
        table = "clarification_panel_members"
        unique_together = (("ticket", "contributor"),)


class Vote(Model):
    id = fields.BigIntField(primary_key=True)
    ticket = fields.ForeignKeyField("models.ClarificationTicket", related_name="votes", on_delete=fields.CASCADE)
    contributor = fields.ForeignKeyField("models.Contributor", related_name="clarification_votes",
                                         on_delete=fields.CASCADE)
    choice = fields.CharEnumField(VoteChoice, max_length=8)
    confidence = fields.DecimalField(max_digits=7, decimal_places=6)
    weight = fields.DecimalField(max_digits=20, decimal_places=12)  # confidence x the member's weight, exact
    comment = CharField(max_length=2000, null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "clarification_votes"
        unique_together = (("ticket", "contributor"),)


class Assumption(Model):
    """A safe default the agent proceeds on, until a person overrides it.

    history: [{value, reason, principalId, principalName, at}], one entry per override.
    """

    id = fields.BigIntField(primary_key=True)
    ticket = fields.ForeignKeyField("models.ClarificationTicket", related_name="assumptions", on_delete=fields.CASCADE)
    correlation_id = CharField(max_length=128)
    question_id = CharField(max_length=8)
    question_text = fields.TextField()
    default_value = fields.TextField()
    value = fields.TextField()
    status = fields.CharEnumField(AssumptionStatus, max_length=12, default=AssumptionStatus.PROVISIONAL)
    reason = fields.TextField(null=True)
    overridden_by = fields.ForeignKeyField("models.Principal", related_name="assumption_overrides", null=True,
                                           on_delete=fields.SET_NULL)
    overridden_at = fields.DatetimeField(null=True)
    history = fields.JSONField(default=list)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "clarification_assumptions"
        unique_together = (("ticket", "question_id"),)
        indexes = (("correlation_id", "status"),)
