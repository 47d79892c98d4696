"""API shapes of senders: the spec's camelCase names; secrets go in, never out."""

from datetime import datetime
from decimal import Decimal
from typing import Literal

from ninja import Field, Schema

Channel = Literal["sandbox", "whatsapp", "sms", "email"]
# ``messaging.models.TIER_CHOICES``; "" reads the tier from WhatsApp.
MessagingLimitTier = Literal[
    "", "TIER_50", "TIER_250", "TIER_1K", "TIER_2K", "TIER_10K", "TIER_100K", "TIER_UNLIMITED"
]


class SenderIn(Schema):
    channel: Channel = "sandbox"
    name: str = Field(..., min_length=1, max_length=200)
    phone_number_id: str | None = Field(None, alias="phoneNumberId", max_length=64)
    display_phone_number: str | None = Field(None, alias="displayPhoneNumber", max_length=32)
    api_base_url: str | None = Field(None, alias="apiBaseUrl", max_length=200)
    account_sid: str | None = Field(None, alias="accountSid", max_length=64)
    from_address: str | None = Field(None, alias="fromAddress", max_length=254)
    messaging_service_sid: str | None = Field(
        None, alias="messagingServiceSid", max_length=34, pattern=r"^(MG[0-9a-fA-F]{32})?$"
    )
    # Per segment, in SMS_PRICE_CURRENCY; null removes it.
    sms_segment_price: Decimal | None = Field(
        None, alias="smsSegmentPrice", ge=0, lt=1000, max_digits=9, decimal_places=5
    )
    rate_limit_per_second: int | None = Field(None, alias="rateLimitPerSecond", ge=0, le=10_000)
    # WhatsApp (and sandbox, to try pacing): unique users per 24 h; "" reads it from WhatsApp.
    messaging_limit: MessagingLimitTier | None = Field(None, alias="messagingLimit")
    is_active: bool | None = Field(None, alias="isActive")
    simulate_statuses: bool | None = Field(None, alias="simulateStatuses")
    access_token: str | None = Field(None, alias="accessToken")
    app_secret: str | None = Field(None, alias="appSecret", max_length=200)
    verify_token: str | None = Field(None, alias="verifyToken", max_length=200)
    auth_token: str | None = Field(None, alias="authToken", max_length=200)
    smtp_password: str | None = Field(None, alias="smtpPassword", max_length=200)


class SenderOut(Schema):
    id: int
    channel: str
    name: str
    phone_number_id: str = Field(..., alias="phoneNumberId")
    display_phone_number: str = Field(..., alias="displayPhoneNumber")
    api_base_url: str = Field(..., alias="apiBaseUrl")
    account_sid: str = Field(..., alias="accountSid")
    from_address: str = Field(..., alias="fromAddress")
    messaging_service_sid: str = Field(..., alias="messagingServiceSid")
    sms_segment_price: str | None = Field(..., alias="smsSegmentPrice")
    rate_limit_per_second: int = Field(..., alias="rateLimitPerSecond")
    # The operator's tier ("" = as WhatsApp says), what WhatsApp said when last asked, and the
    # limit that applies (``messaging.limits``): null users is no limit.
    messaging_limit: str = Field(..., alias="messagingLimit")
    limit_tier_read: str = Field(..., alias="limitTierRead")
    quality_rating: str = Field(..., alias="qualityRating")
    limits_checked_at: datetime | None = Field(..., alias="limitsCheckedAt")
    limits_error: str = Field(..., alias="limitsError")
    messaging_limit_users: int | None = Field(..., alias="messagingLimitUsers")
    messaging_limit_source: Literal["sender", "whatsapp", "fallback", "none"] = Field(
        ..., alias="messagingLimitSource"
    )
    is_active: bool = Field(..., alias="isActive")
    simulate_statuses: bool = Field(..., alias="simulateStatuses")
    has_access_token: bool = Field(..., alias="hasAccessToken")
    has_app_secret: bool = Field(..., alias="hasAppSecret")
    has_verify_token: bool = Field(..., alias="hasVerifyToken")
    has_auth_token: bool = Field(..., alias="hasAuthToken")
    has_smtp_password: bool = Field(..., alias="hasSmtpPassword")
    webhook_url: str = Field(..., alias="webhookUrl")
    created_at: datetime = Field(..., alias="createdAt")
    updated_at: datetime = Field(..., alias="updatedAt")
