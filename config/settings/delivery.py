"""The send pipeline's knobs: batch size, leases, retries, timeouts (see campaigns.services)."""

from config.env import env_bool, env_int, env_str

# Recipients per batch task: large enough that task overhead is noise, small enough that a
# lost batch (a killed cluster) costs little and work spreads over every worker.
CAMPAIGNS_BATCH_SIZE = env_int("CAMPAIGNS_BATCH_SIZE", 500)
# Batches of one campaign waiting in the broker at once when its sender has no rate limit
# (with a rate: about 30 s of sending). The rest wait as pending rows, dispatched as batches end.
CAMPAIGNS_MAX_OUTSTANDING_BATCHES = env_int("CAMPAIGNS_MAX_OUTSTANDING_BATCHES", 8)
# Messages handed to the adapter at once; their results are written before the next chunk.
CAMPAIGNS_SEND_CHUNK = env_int("CAMPAIGNS_SEND_CHUNK", 100)
# How long a claimed recipient stays ours. A worker that dies holds its claim this long; after
# that the sweeper marks the recipient ``uncertain`` (it may or may not have been sent).
CAMPAIGNS_LEASE_SECONDS = env_int("CAMPAIGNS_LEASE_SECONDS", 300)
# A batch queued but not claimed for this long is assumed lost with its task and re-enqueued.
CAMPAIGNS_BATCH_STALE_SECONDS = env_int("CAMPAIGNS_BATCH_STALE_SECONDS", 120)
# Retries of transient failures: exponential backoff with full jitter,
# delay = uniform(0, min(cap, base * 2 ** (attempt - 1))).
CAMPAIGNS_MAX_ATTEMPTS = env_int("CAMPAIGNS_MAX_ATTEMPTS", 5)
CAMPAIGNS_RETRY_BASE_SECONDS = float(env_str("CAMPAIGNS_RETRY_BASE_SECONDS", default="2"))
CAMPAIGNS_RETRY_CAP_SECONDS = float(env_str("CAMPAIGNS_RETRY_CAP_SECONDS", default="300"))
# Retries due within this many seconds are done by the same batch task (it keeps its claim)
# instead of waiting for the next tick of the dispatcher.
CAMPAIGNS_RETRY_INLINE_SECONDS = float(env_str("CAMPAIGNS_RETRY_INLINE_SECONDS", default="10"))
# How long a sender is slowed down after the provider throttled it without a Retry-After.
CAMPAIGNS_THROTTLE_PENALTY_SECONDS = float(
    env_str("CAMPAIGNS_THROTTLE_PENALTY_SECONDS", default="1")
)
# Timeout of one provider HTTP request (connect, read), read by the provider adapters.
PROVIDER_CONNECT_TIMEOUT = float(env_str("PROVIDER_CONNECT_TIMEOUT", default="5"))
PROVIDER_READ_TIMEOUT = float(env_str("PROVIDER_READ_TIMEOUT", default="15"))
# Run pipeline tasks inline instead of through the cluster (unit tests, one-off scripts).
CAMPAIGNS_TASKS_SYNC = env_bool("CAMPAIGNS_TASKS_SYNC", default=False)
# Parallel requests of one batch task (the HTTP adapters' thread pool, messaging.providers).
PROVIDER_CONCURRENCY = env_int("PROVIDER_CONCURRENCY", 16)
# After a campaign stops sending, how long its page keeps refreshing its figures while
# receipts may still arrive, counted from its last send or receipt (campaigns.live).
CAMPAIGNS_RECEIPTS_SETTLE_SECONDS = env_int("CAMPAIGNS_RECEIPTS_SETTLE_SECONDS", 600)
# Reach and segment counts older than this are recounted by the every-minute refresh, at most
# CAMPAIGNS_REACH_REFRESH_LIMIT campaigns and as many segments per run (campaigns.services.reach).
CAMPAIGNS_REACH_MAX_AGE_SECONDS = env_int("CAMPAIGNS_REACH_MAX_AGE_SECONDS", 900)
CAMPAIGNS_REACH_REFRESH_LIMIT = env_int("CAMPAIGNS_REACH_REFRESH_LIMIT", 50)

# WhatsApp's messaging limit (unique users per rolling 24 h) assumed for a WhatsApp sender
# whose tier could not be read from the Cloud API and is not set on the sender: Meta's
# starting tier, so a number is never pushed past what it may send.
WHATSAPP_MESSAGING_LIMIT_FALLBACK = env_str("WHATSAPP_MESSAGING_LIMIT_FALLBACK", default="TIER_250")
# WhatsApp's pair rate: the least time between two messages from one number to one user
# (error 131056 when shorter). Another campaign's recipient waits this long in its batch.
WHATSAPP_PAIR_GAP_SECONDS = float(env_str("WHATSAPP_PAIR_GAP_SECONDS", default="6"))
