"""A separate process sending through the WhatsApp adapter under the shared rate limit.

``python -m tests.messaging.ratelimit_worker --url URL --sender-id N --rate R --count C
--start-at T``: waits until the Unix time T (so several workers start together), sends C
messages with ``send_many`` and prints how many the provider accepted.
"""

import argparse
import os
import time


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--sender-id", type=int, required=True)
    parser.add_argument("--rate", type=int, required=True)
    parser.add_argument("--count", type=int, required=True)
    parser.add_argument("--start-at", type=float, default=0.0)
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from messaging.models import Sender
    from messaging.providers.base import OutboundMessage
    from messaging.providers.registry import get_adapter

    sender = Sender(
        pk=args.sender_id,
        account_id=1,
        channel=Sender.Channel.WHATSAPP,
        phone_number_id="106540352242922",
        api_base_url=args.url,
        access_token="token",
        rate_limit_per_second=args.rate,
    )
    messages = [
        OutboundMessage(
            recipient_id=i,
            callback_data=f"recipient:{os.getpid()}-{i}",
            to_phone=f"+1650{os.getpid() % 1000:03d}{i:04d}",
            text="Hello",
        )
        for i in range(args.count)
    ]
    adapter = get_adapter(sender)
    delay = args.start_at - time.time()
    if delay > 0:
        time.sleep(delay)
    results = adapter.send_many(messages)
    adapter.close()
    print(sum(1 for r in results if r.ok), flush=True)  # noqa: T201


if __name__ == "__main__":
    main()
