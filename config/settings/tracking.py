"""Click tracking: how long tracked links live, what counts as a bot, where countries come from."""

from config.env import env_int, env_str

# A tracked link older than this many days answers the friendly "link expired" page.
CLICK_LINK_TTL_DAYS = env_int("CLICK_LINK_TTL_DAYS", 365)
# A hit this soon after the message was delivered (or sent) is a link-preview fetcher or a
# security scanner, not a person: flagged as a bot and not counted as a click.
CLICK_BOT_WINDOW_SECONDS = env_int("CLICK_BOT_WINDOW_SECONDS", 2)
# The request header a trusted proxy puts the visitor's country in (e.g. CF-IPCountry);
# empty: the contact's own country is used.
CLICK_COUNTRY_HEADER = env_str("CLICK_COUNTRY_HEADER", default="")
# Hits counted per transaction by the drain (delivery.clicks).
CLICK_DRAIN_CHUNK = env_int("CLICK_DRAIN_CHUNK", 1000)
# While clicks keep coming, the drain runs again after this pause instead of waiting for its
# every-minute schedule.
CLICK_DRAIN_PAUSE_SECONDS = env_int("CLICK_DRAIN_PAUSE_SECONDS", 3)
# Each web process writes its redirects' hits for the drain in one batch this often (one
# Redis push or one INSERT per batch, not per click); a killed process loses at most this
# long's hits. 0: every hit is written in its own request.
CLICK_HIT_FLUSH_MS = env_int("CLICK_HIT_FLUSH_MS", 50)
# The conversion pixel records at most this many reports per tracked-link token and hour
# (a token is in every copy of the link: this caps what a replayed one can add).
PIXEL_CONVERSIONS_PER_HOUR = env_int("PIXEL_CONVERSIONS_PER_HOUR", 20)
