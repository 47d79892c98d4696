"""The Campaign document of the spec as the API reads and writes it (camelCase JSON).

``document_in`` holds what the API reads (``CampaignIn`` and its parts, checked with
``campaigns.validation``'s rules), ``document_out`` what it answers (``CampaignOut``),
``listing`` the list's query and answer, ``fields`` the value types they share. Callers import
from here.
"""

from campaigns.schemas.document_in import (
    CampaignAbTestIn,
    CampaignAudienceIn,
    CampaignAutomationIn,
    CampaignButtonIn,
    CampaignIn,
    CampaignMessageIn,
    CampaignSchedulingIn,
    CampaignTriggerIn,
    CampaignVariantIn,
    CampaignWorkflowStepIn,
    PersonalizationBlockIn,
    PersonalizationIn,
    PersonalizationVariableIn,
    VariantMessageIn,
)
from campaigns.schemas.document_out import (
    DOCUMENT_PREFETCH,
    DOCUMENT_SELECT,
    CampaignAbTestOut,
    CampaignAudienceOut,
    CampaignAutomationOut,
    CampaignButtonOut,
    CampaignErrorLogOut,
    CampaignMessageOut,
    CampaignOut,
    CampaignSchedulingOut,
    CampaignStatsOut,
    CampaignTriggerOut,
    CampaignVariantOut,
    CampaignWorkflowStepOut,
    PersonalizationBlockOut,
    PersonalizationOut,
    PersonalizationVariableOut,
    message_variables,
)
from campaigns.schemas.fields import check_hh_mm, check_url, format_hh_mm, parse_hh_mm
from campaigns.schemas.listing import CampaignListOut, CampaignListQuery

# Read here by campaigns/api_execution.py until it imports it from core.schemas.
from core.schemas import CamelSchema

__all__ = [
    "DOCUMENT_PREFETCH",
    "DOCUMENT_SELECT",
    "CamelSchema",
    "CampaignAbTestIn",
    "CampaignAbTestOut",
    "CampaignAudienceIn",
    "CampaignAudienceOut",
    "CampaignAutomationIn",
    "CampaignAutomationOut",
    "CampaignButtonIn",
    "CampaignButtonOut",
    "CampaignErrorLogOut",
    "CampaignIn",
    "CampaignListOut",
    "CampaignListQuery",
    "CampaignMessageIn",
    "CampaignMessageOut",
    "CampaignOut",
    "CampaignSchedulingIn",
    "CampaignSchedulingOut",
    "CampaignStatsOut",
    "CampaignTriggerIn",
    "CampaignTriggerOut",
    "CampaignVariantIn",
    "CampaignVariantOut",
    "CampaignWorkflowStepIn",
    "CampaignWorkflowStepOut",
    "PersonalizationBlockIn",
    "PersonalizationBlockOut",
    "PersonalizationIn",
    "PersonalizationOut",
    "PersonalizationVariableIn",
    "PersonalizationVariableOut",
    "VariantMessageIn",
    "check_hh_mm",
    "check_url",
    "format_hh_mm",
    "message_variables",
    "parse_hh_mm",
]
