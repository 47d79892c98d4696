from .actions import campaign_action
from .pages import campaign_detail_view, campaign_list_view

__all__ = ["campaign_action", "campaign_detail_view", "campaign_list_view"]
