"""The figures a new account's price table starts from: estimates, in US dollars.

WhatsApp: Meta's per-message rate card for business-initiated template messages (2025, by the
recipient's country code; service messages in an open customer-service window are free).
SMS: Twilio's published outbound price per segment for the same countries (2025). E-mail: what
a transactional e-mail service charges per message (about $0.10 per thousand). Every account
edits its own table; these are only where it starts.

Each country's figures are (marketing, utility, authentication) for WhatsApp and the SMS price;
"" is every other country.
"""

from decimal import Decimal
from typing import NamedTuple

# country: (whatsapp marketing, utility, authentication, sms per segment), USD
_TABLE: dict[str, tuple[str, str, str, str]] = {
    "US": ("0.0250", "0.0040", "0.0135", "0.0083"),
    "CA": ("0.0250", "0.0040", "0.0135", "0.0083"),
    "GB": ("0.0529", "0.0220", "0.0358", "0.0463"),
    "DE": ("0.1365", "0.0550", "0.0768", "0.0840"),
    "FR": ("0.0859", "0.0300", "0.0456", "0.0777"),
    "ES": ("0.0615", "0.0200", "0.0263", "0.0842"),
    "IT": ("0.0691", "0.0300", "0.0378", "0.0837"),
    "NL": ("0.1597", "0.0500", "0.0680", "0.1115"),
    "BR": ("0.0625", "0.0080", "0.0315", "0.0500"),
    "MX": ("0.0305", "0.0085", "0.0085", "0.0581"),
    "IN": ("0.0107", "0.0014", "0.0014", "0.0832"),
    "ID": ("0.0411", "0.0250", "0.0300", "0.4218"),
    "NG": ("0.0516", "0.0067", "0.0067", "0.3030"),
    "ZA": ("0.0379", "0.0076", "0.0076", "0.0279"),
    "AE": ("0.0384", "0.0157", "0.0157", "0.0525"),
    "SA": ("0.0455", "0.0107", "0.0107", "0.0396"),
    "": ("0.0604", "0.0077", "0.0077", "0.0800"),
}

EMAIL_PRICE = Decimal("0.0001")

# Approximate dollars-to-currency rates for accounts that keep their books in another
# currency; a currency not listed keeps the dollar figures (the page says so).
USD_RATES: dict[str, Decimal] = {
    "USD": Decimal("1"),
    "EUR": Decimal("0.92"),
    "GBP": Decimal("0.79"),
    "CAD": Decimal("1.37"),
    "AUD": Decimal("1.52"),
    "BRL": Decimal("5.40"),
    "MXN": Decimal("18.50"),
    "INR": Decimal("84.00"),
    "ZAR": Decimal("18.20"),
    "AED": Decimal("3.67"),
    "SAR": Decimal("3.75"),
}

QUANTUM = Decimal("0.00001")


class DefaultPrice(NamedTuple):
    """One seeded row: channel, category ("" outside WhatsApp), country ("" = other), price."""

    channel: str
    category: str
    country: str
    price: Decimal


def default_prices(currency: str) -> list[DefaultPrice]:
    """The starting table in ``currency`` (converted at ``USD_RATES``, else in dollars)."""
    rate = USD_RATES.get(currency.upper(), Decimal("1"))

    def money(usd: str | Decimal) -> Decimal:
        return (Decimal(usd) * rate).quantize(QUANTUM)

    rows: list[DefaultPrice] = []
    for country, (marketing, utility, authentication, sms) in _TABLE.items():
        for category, usd in (
            ("marketing", marketing),
            ("utility", utility),
            ("authentication", authentication),
            ("service", "0"),
        ):
            rows.append(DefaultPrice("whatsapp", category, country, money(usd)))
        rows.append(DefaultPrice("sms", "", country, money(sms)))
    rows.append(DefaultPrice("email", "", "", money(EMAIL_PRICE)))
    return rows


def converted_from_dollars(currency: str) -> bool:
    """Whether the seeded figures were converted into ``currency`` (else they are dollars)."""
    return currency.upper() in USD_RATES
