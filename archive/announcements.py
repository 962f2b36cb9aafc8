"""The generation as Redis announces it: each app server process hears every change at once.

Where the app servers share a Redis cache, the archive's generation (counts.generation) has a
copy there, and a page served from the cache needed a round trip to Redis for it: about a
tenth of a millisecond of waiting, which took a cached page from 60 % of /healthz's rate to
under 50 %. Now a writer, after its write commits, also publishes the new token on a Redis
channel (`announce`), and each process keeps a thread subscribed to it (`heard`). A request
takes the token the thread last heard, with no round trip, and the page cache keeps copies of
pages in the process beside Redis's (page_cache).

The thread trusts what it heard only while it knows its connection is alive: it pings Redis
every PING_SECONDS and says nothing (`heard` gives None: read Redis, as before) when the last
sign of life is older than TRUST_SECONDS, before it has read the token once after subscribing,
or after any error until it has subscribed again. After subscribing it reads the stored copy,
so no change made while it was away is missed. A process forked from one that listened (the
gunicorn master, warmed up) starts its own thread.
"""

from __future__ import annotations

import logging
import os
import threading
import time

logger = logging.getLogger(__name__)

PING_SECONDS = 2.0
TRUST_SECONDS = 6.0
RETRY_SECONDS = 1.0


class _Listener:
    def __init__(self, cache, key: str) -> None:
        self.cache, self.key = cache, key
        self.channel = cache.make_and_validate_key(key) + ":announced"
        self.token: str | None = None
        self.alive_at = 0.0  # time.monotonic() of the last sign the subscription works
        self.pid = os.getpid()
        self.thread = threading.Thread(target=self._run, name="generation-listener", daemon=True)
        self.thread.start()

    def heard(self) -> str | None:
        if self.token is None or time.monotonic() - self.alive_at > TRUST_SECONDS:
            return None
        return self.token

    def _run(self) -> None:
        while True:
            try:
                self._listen()
            except Exception:  # noqa: BLE001 - any failure: stop trusting, subscribe again
                logger.warning("Lost the generation channel; reading Redis until it is back")
            self.token = None
            time.sleep(RETRY_SECONDS)

    def _listen(self) -> None:
        client = self.cache._cache.get_client(write=False)
        pubsub = client.pubsub()
        try:
            pubsub.subscribe(self.channel)
            while pubsub.get_message(timeout=PING_SECONDS) is None or not pubsub.subscribed:
                pass  # the subscription's confirmation
            # Subscribed: from now every change is heard, so the stored copy is current.
            self.token = self.cache.get(self.key)
            self.alive_at = pinged = time.monotonic()
            while True:
                message = pubsub.get_message(timeout=PING_SECONDS)
                now = time.monotonic()
                if message is None and now - pinged >= PING_SECONDS:
                    pubsub.ping()
                    pinged = now
                elif message is not None:
                    if message["type"] == "message":
                        self.token = message["data"].decode()
                    self.alive_at = now  # a message or the answer to a ping
        finally:
            pubsub.close()


_listeners: dict[str, _Listener] = {}
_lock = threading.Lock()


def _name(cache, key: str) -> str:
    """One listener per Redis server and key (with the cache's prefix: sites may share one)."""
    return f"{cache._servers}:{cache.make_and_validate_key(key)}"


def heard(cache, key: str) -> str | None:
    """The latest value of `key` announced on this cache, when this process is sure to have
    heard every announcement; None otherwise (read the cache). Starts the listener."""
    name = _name(cache, key)
    listener = _listeners.get(name)
    if listener is None or listener.pid != os.getpid():
        with _lock:
            listener = _listeners.get(name)
            if listener is None or listener.pid != os.getpid():
                listener = _listeners[name] = _Listener(cache, key)
    return listener.heard()


def offer(cache, key: str, value: str) -> None:
    """Store `value` under `key` unless it holds one (then newer than what the offerer read),
    and announce it if stored: Redis's copy was missing (a new or emptied Redis)."""
    if cache.add(key, value, None):
        client = cache._cache.get_client(write=True)
        client.publish(cache.make_and_validate_key(key) + ":announced", value)


def announce(cache, key: str, value: str) -> None:
    """Store `value` under `key` and tell every listening process (after a write commits)."""
    cache.set(key, value, None)
    client = cache._cache.get_client(write=True)
    client.publish(cache.make_and_validate_key(key) + ":announced", value)
    listener = _listeners.get(_name(cache, key))
    if listener is not None and listener.pid == os.getpid() and listener.token is not None:
        listener.token = value  # this process knows now, not when its message comes back
