"""How an SMS body is counted: its encoding, its segments, its price, and Twilio's length limit.

A carrier bills and delivers an SMS in segments of 140 octets. A body written only in the GSM
03.38 default alphabet (3GPP TS 23.038) travels as GSM-7: 160 septets in a lone segment; the
characters of the default extension table (``^ { } \\ [ ~ ] | €`` and form feed) take two,
an escape and the character. One character outside both tables sends the whole body as UCS-2:
70 UTF-16 code units alone, an emoji or any other character beyond U+FFFF taking two. A longer
body is concatenated, and each segment gives 6 octets to the header that joins them: 153
septets or 67 code units a segment. No segment ends in the middle of an escape sequence or a
surrogate pair; that character starts the next segment instead, which is why a body can need
one segment more than its length divided by 153 (or 67).

Twilio refuses a body longer than 1,600 characters (error 21617) and warns that characters
outside GSM-7 reach that limit sooner. So the limit is applied here to the encoded length,
``units`` (septets for GSM-7, UTF-16 code units for UCS-2): it refuses a few bodies that Twilio
might take, never one that it refuses.

The wizard's counter, ``validate_campaign`` and the SMS adapter all count through this module.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

GSM7 = "GSM-7"
UCS2 = "UCS-2"

# The GSM 03.38 default alphabet, position by position (0x00 to 0x7F). 0x1B is the escape to
# the extension table, not a character of its own.
GSM7_TABLE = (
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_BASIC = frozenset(GSM7_TABLE) - {"\x1b"}
# The default extension table: each is sent as the escape plus one septet.
GSM7_EXTENSION = frozenset("\f^{}\\[~]|€")

SINGLE_SEGMENT = {GSM7: 160, UCS2: 70}
CONCATENATED_SEGMENT = {GSM7: 153, UCS2: 67}
# Twilio's limit for one message's Body (error 21617), in ``units``.
BODY_MAX_LENGTH = 1600
# How many of the characters that force UCS-2 the editor names.
NON_GSM_SHOWN = 10


@dataclass(frozen=True)
class SmsCount:
    encoding: str  # GSM-7 | UCS-2
    characters: int  # code points, as a person counts them
    units: int  # septets (GSM-7) or UTF-16 code units (UCS-2): what segments are made of
    segments: int
    # Characters that made the body UCS-2, each once, in the order they first appear.
    non_gsm: tuple[str, ...] = ()

    @property
    def per_segment(self) -> int:
        """The room of each segment of this body: 160/70 alone, 153/67 when concatenated."""
        table = SINGLE_SEGMENT if self.segments <= 1 else CONCATENATED_SEGMENT
        return table[self.encoding]

    @property
    def too_long(self) -> bool:
        return self.units > BODY_MAX_LENGTH

    def cost(self, price_per_segment: Decimal | None) -> Decimal | None:
        """What one message costs at ``price_per_segment``; None when no price is known."""
        if price_per_segment is None:
            return None
        return self.segments * price_per_segment


def _gsm7_weight(character: str) -> int:
    """Septets ``character`` takes in GSM-7, or 0 when GSM-7 cannot carry it."""
    if character in GSM7_BASIC:
        return 1
    if character in GSM7_EXTENSION:
        return 2
    return 0


def _segments(weights: list[int], encoding: str) -> int:
    total = sum(weights)
    if total == 0:
        return 0
    if total <= SINGLE_SEGMENT[encoding]:
        return 1
    room = CONCATENATED_SEGMENT[encoding]
    segments, used = 1, 0
    for weight in weights:
        if used + weight > room:  # an escape sequence or a surrogate pair is never split
            segments, used = segments + 1, 0
        used += weight
    return segments


def sms_count(text: str) -> SmsCount:
    """The encoding, length and segments of ``text`` as it would be sent."""
    gsm = [_gsm7_weight(c) for c in text]
    if all(gsm):
        return SmsCount(GSM7, len(text), sum(gsm), _segments(gsm, GSM7))
    ucs2 = [2 if ord(c) > 0xFFFF else 1 for c in text]
    non_gsm = tuple(dict.fromkeys(c for c, w in zip(text, gsm, strict=True) if not w))
    return SmsCount(UCS2, len(text), sum(ucs2), _segments(ucs2, UCS2), non_gsm[:NON_GSM_SHOWN])


def body_length_problem(text: str) -> str:
    """Why Twilio would refuse ``text`` as a message body, or "" when it would not."""
    count = sms_count(text)
    if not count.too_long:
        return ""
    detail = (
        "it is sent as UCS-2, where an emoji counts twice"
        if count.encoding == UCS2
        else "^ { } [ ] ~ \\ | and € count twice"
    )
    return (
        f"An SMS can be at most {BODY_MAX_LENGTH:,} characters long (Twilio refuses longer ones, "
        f"error 21617); this one counts {count.units:,} ({detail})."
    )
