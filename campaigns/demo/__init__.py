"""The demo store that ``manage.py seed_demo`` loads and ``make run`` opens on.

Idempotent: every piece is looked up by its natural key first, and the contacts are written only
when the demo account has none, so a second run adds nothing and takes well under a second.
Contacts and their tag links go in with ``bulk_create`` (a few queries for the thousand), and
the data are drawn from a fixed seed so every install shows the same store.

Campaigns are never given a status by hand: each is written as a draft, then published,
paused or left as it is through ``campaigns.services.control``, with the send pipeline running
inline against the sandbox sender and its status playback applied at once (``runs``). So every
figure the demo shows (sent, delivered, read, failed, the error log) is one the product
produced, and it holds nothing the product cannot do yet: no clicks, conversions or revenue,
no running journeys.

One module per piece: ``store`` (account, logins, sender), ``contacts`` (with the ``places``
they are drawn from), ``segments``, ``templates``, ``campaign_specs`` and ``runs``; ``report``
writes the command's line per piece.
"""
