"""Timestamps in the contract's one format: UTC, seconds, a trailing Z."""

from datetime import UTC, datetime


def utc_now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def format_timestamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def now_timestamp() -> str:
    return format_timestamp(utc_now())


def parse_utc_moment(text: str) -> datetime | None:
    """An ISO 8601 timestamp (with `Z` or an offset; UTC without one) as an aware UTC datetime, or None when
    it is not one. Also None when its UTC moment falls outside the years 1..9999 that datetime holds:
    `9999-12-31T23:59:59-23:59` parses, but is a moment of the year 10000."""
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
        return moment.astimezone(UTC) if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    except (ValueError, OverflowError):
        return None
