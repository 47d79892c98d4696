"""Create and edit campaigns: the one write path that the API, the pages and the wizard share.

Callers pass a dict of MODEL field names (see ``fields.SCALAR_FIELDS``) plus the relation keys
``sender_id`` (or ``phone_number_id``, resolved within the account), ``template_id``,
``segment_ids``, ``exclude_segment_ids``, ``variants``, ``triggers`` and ``workflow``.
Every problem is reported at once, with the API's camelCase path (``audience.segmentIds``),
as a ``ValidationFailed`` whose ``extra["problems"]`` is ``[{field, message}]``; nothing is
written then. Messages inside variants and workflow steps are stored with the spec's own
keys: ``{"type", "content", "templateId", "variables", "mediaUrls", "buttons"}``.

``writes`` holds the two services; ``fields`` reads the campaign's own fields, ``relations``
the rows it refers to and the rows beside it.
"""

from campaigns.services.crud.writes import campaign_create, campaign_update

__all__ = ["campaign_create", "campaign_update"]
