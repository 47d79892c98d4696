"""The codes of campaigns' error answers (see ``core.error_codes``): moves of a campaign that
its state refuses (409)."""

from core.error_codes import ErrorCode


class CampaignErrorCode(ErrorCode):
    INVALID_TRANSITION = "invalid_transition"
    NOT_EDITABLE = "not_editable"
    NOT_DELETABLE = "not_deletable"
