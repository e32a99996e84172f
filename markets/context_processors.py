from django.conf import settings


def site(request) -> dict:
    """Values every page needs (kept tiny: this runs on every template render)."""
    return {
        "demo_mode": settings.PRICE_PROVIDER == "demo",
        "live_poll_seconds": settings.LIVE_POLL_SECONDS,
    }
