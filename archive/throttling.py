"""The API's per-client limit (a module of its own: DRF imports it while building its views)."""

from django.conf import settings
from rest_framework.throttling import AnonRateThrottle


class ClientThrottle(AnonRateThrottle):
    """Requests per client (its address), counted on the shared cache: ARCHIVE_API_RATE."""

    scope = "api"

    def get_rate(self) -> str:
        return settings.ARCHIVE_API_RATE
