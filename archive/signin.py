"""Signing in to the admin: who is asking (the client's address) and the lockout page.

django-axes counts failed sign-ins (see AXES_* in settings.py); these are the two pieces it
asks the project for.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def client_ip(request: HttpRequest) -> str:
    """The client's address: behind N trusted proxies, the Nth from the right in X-Forwarded-For.

    Only the entries the trusted proxies added are believed; anything further left was sent by
    the client and may be forged.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = settings.ARCHIVE_TRUSTED_PROXIES
    if proxies <= 0:
        return remote
    forwarded = [
        part.strip()
        for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if part.strip()
    ]
    if len(forwarded) < proxies:
        return forwarded[0] if forwarded else remote
    return forwarded[-proxies]


def locked_out(request: HttpRequest, original_response=None, credentials=None) -> HttpResponse:
    """The page a locked-out sign-in gets (429), saying for how long and what to do."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    context = {
        "username": username,
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "minutes": minutes,
    }
    # Rendered now: django-axes hands it back from its middleware, after the render step.
    return render(request, "locked_out.html", context, status=settings.AXES_HTTP_RESPONSE_CODE)
