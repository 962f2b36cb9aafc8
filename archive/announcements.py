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
sign of life is older than TRUST_SECONDS (it then connects again), before it has read the
token once after subscribing, or after any error until it has subscribed again. After
subscribing it reads the stored copy, so no change made while it was away is missed; it
compares that copy with what it heard at every ping, and takes the copy when the two differ
twice running (an announcement lost between storing and telling, which are one transaction).
The writing process itself reads Redis until its own announcement has come back. A write on
another server is seen as fast as Redis delivers the message; in the worst case (a silent
network failure) a process may serve the generation it last heard for up to TRUST_SECONDS.
Each process starts its own thread on its first request (the gunicorn master warms up without
one: see `not_listening`).
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
        self.raw_key = cache.make_and_validate_key(key)
        self.channel = self.raw_key + ":announced"
        self.token: str | None = None
        self.alive_at = 0.0  # time.monotonic() of the last sign the subscription works
        # Set by this process's own announcement: not trusted until it has been heard back.
        self.expected: tuple[str, float] | None = None
        self.pid = os.getpid()
        self.thread = threading.Thread(target=self._run, name="generation-listener", daemon=True)
        self.thread.start()

    def heard(self) -> str | None:
        token, now = self.token, time.monotonic()
        if token is None or now - self.alive_at > TRUST_SECONDS:
            return None
        expected = self.expected
        if expected is not None:
            if token != expected[0] and now < expected[1]:
                return None  # our own write is not back yet: read Redis
            self.expected = None
        return token

    def expect(self, value: str) -> None:
        self.expected = (value, time.monotonic() + TRUST_SECONDS)

    def stored(self):
        """Redis's copy, read from the primary (where announcements are made)."""
        client = self.cache._cache.get_client(write=True)
        raw = client.get(self.raw_key)
        return None if raw is None else self.cache._cache._serializer.loads(raw)

    def _run(self) -> None:
        while True:
            try:
                self._listen()
            except Exception:  # noqa: BLE001 - any failure: stop trusting, subscribe again
                logger.warning("Lost the generation channel; reading Redis until it is back")
            self.token, self.alive_at = None, 0.0
            time.sleep(RETRY_SECONDS)

    def _listen(self) -> None:
        pubsub = self.cache._cache.get_client(write=True).pubsub()
        try:
            pubsub.subscribe(self.channel)
            while pubsub.get_message(timeout=PING_SECONDS) is None or not pubsub.subscribed:
                pass  # the subscription's confirmation
            # Subscribed: from now every change is heard, so the stored copy is current.
            self.token = self.stored()
            self.alive_at = checked = time.monotonic()
            differing = None
            while True:
                message = pubsub.get_message(timeout=PING_SECONDS)
                now = time.monotonic()
                if message is not None:
                    if message["type"] == "message":
                        data = message["data"]
                        self.token = data.decode() if isinstance(data, bytes) else data
                    self.alive_at = now  # a message or the answer to a ping
                if now - checked >= PING_SECONDS:
                    checked = now
                    if now - self.alive_at > TRUST_SECONDS:
                        raise ConnectionError("no answer to pings")  # half-open: reconnect
                    pubsub.ping()
                    # A message lost on the way (a writer that died between storing and
                    # telling): the stored copy, when it differs twice running, is taken.
                    stored = self.stored()
                    if stored is None or stored == self.token:
                        differing = None
                    elif stored == differing:
                        self.token, differing = stored, None
                    else:
                        differing = stored
        finally:
            pubsub.close()


_listeners: dict[str, _Listener] = {}
_lock = threading.Lock()
_paused = threading.local()


def _name(cache, key: str) -> str:
    """One listener per Redis server and key (with the cache's prefix: sites may share one)."""
    return f"{cache._servers}:{cache.make_and_validate_key(key)}"


class not_listening:  # noqa: N801 - used as a context manager, like a function
    """Within it, no listener is started (the gunicorn master warms up without one: a thread
    and a connection of its own would outlive every fork)."""

    def __enter__(self):
        _paused.on = True

    def __exit__(self, *exc) -> None:
        _paused.on = False


def heard(cache, key: str) -> str | None:
    """The latest value of `key` announced on this cache, when this process is sure to have
    heard every announcement; None otherwise (read the cache). Starts the listener."""
    name = _name(cache, key)
    listener = _listeners.get(name)
    if listener is None or listener.pid != os.getpid():
        if getattr(_paused, "on", False):
            return None
        with _lock:
            listener = _listeners.get(name)
            if listener is None or listener.pid != os.getpid():
                listener = _listeners[name] = _Listener(cache, key)
    return listener.heard()


def _store_and_tell(cache, key: str, value: str, *, only_if_missing: bool) -> None:
    raw_key = cache.make_and_validate_key(key)
    client = cache._cache.get_client(write=True)
    serialized = cache._cache._serializer.dumps(value)
    if only_if_missing:
        if client.set(raw_key, serialized, nx=True):
            client.publish(raw_key + ":announced", value)
        return
    pipe = client.pipeline(transaction=True)  # stored and told together, or neither
    pipe.set(raw_key, serialized)
    pipe.publish(raw_key + ":announced", value)
    pipe.execute()


def offer(cache, key: str, value: str) -> None:
    """Store `value` under `key` unless it holds one (then newer than what the offerer read),
    and announce it if stored: Redis's copy was missing (a new or emptied Redis)."""
    _store_and_tell(cache, key, value, only_if_missing=True)


def announce(cache, key: str, value: str) -> None:
    """Store `value` under `key` and tell every listening process (after a write commits).
    This process reads Redis until it has heard its own announcement back."""
    listener = _listeners.get(_name(cache, key))
    if listener is not None and listener.pid == os.getpid():
        listener.expect(value)
    _store_and_tell(cache, key, value, only_if_missing=False)
