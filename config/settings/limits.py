"""Input limits: what one request and one text may hold (each answered with a clear message)."""

from config.env import env_int

# The longest free text accepted anywhere: descriptions, notes, and any text inside filter
# trees, conditions and other JSON. Names and short fields keep their column's length and
# message content its provider's (4,096 characters for WhatsApp).
TEXT_MAX_LENGTH = env_int("TEXT_MAX_LENGTH", 5000)

# The highest ``page`` a list answers (API and pages); past the data a list is empty, and
# past this a request is refused instead of asking the database for an absurd offset.
LIST_MAX_PAGE = env_int("LIST_MAX_PAGE", 100_000)

# Threads per process of the web server that `make run` starts (scripts/serve.sh →
# `manage.py serve`). Each thread keeps at most one database connection, so processes × threads
# bounds the connections the web server holds whatever a client sends (a provider's retry
# storm queues, it does not open hundreds of PostgreSQL sessions).
WEB_THREADS = env_int("WEB_THREADS", 8)
# Processes of the web server (Python runs one thread at a time per process: one process is
# one core). 0: one per core on PostgreSQL, one on SQLite (whose writers take turns anyway).
WEB_PROCESSES = env_int("WEB_PROCESSES", 0)
