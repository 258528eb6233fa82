"""The Redis side of the write path: a list that requests append to and the flush drains.

Keys (all under TRACKING_REDIS_PREFIX):
    buffer              events waiting to be stored (RPUSH by requests)
    processing          the batch a flush has moved aside; deleted only after the DB commit
    flush-lock          one flusher (or one data deletion) at a time
    recent:v:<visitor>  newest-first copies of a visitor's last events, for real-time reads
    recent:u:<user>     the same for a signed-in user

A Redis that is down costs a page at most one short connect timeout, after which
it is not asked again for a few seconds; callers then write to the database.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

import redis
from django.conf import settings

from personalization.shopper import Unit
from personalization.tracking.schema import TrackedEvent

logger = logging.getLogger(__name__)

RECENT_LENGTH = 50
RECENT_TTL_SECONDS = 60 * 60 * 24
# A flush renews the lock before each batch, so it only has to outlast one batch; a flusher that died
# (or a Redis that restarted from its append-only file with the lock in it) holds up flushing this long.
LOCK_SECONDS = 15
RETRY_AFTER_FAILURE_SECONDS = 5.0

_clients: dict[str, redis.Redis] = {}
_down_until: dict[str, float] = {}

# Moves up to ARGV[1] events from the head of the buffer to the processing list, atomically.
_MOVE_ASIDE = """
local items = redis.call('LRANGE', KEYS[1], 0, tonumber(ARGV[1]) - 1)
if #items > 0 then
  for i = 1, #items, 1000 do
    redis.call('RPUSH', KEYS[2], unpack(items, i, math.min(i + 999, #items)))
  end
  redis.call('LTRIM', KEYS[1], #items, -1)
end
return #items
"""


class BufferUnavailable(Exception):
    """Redis is not configured, or did not answer."""


def reset_clients() -> None:
    _clients.clear()
    _down_until.clear()


def key(name: str) -> str:
    return settings.TRACKING_REDIS_PREFIX + name


def client() -> redis.Redis:
    url = settings.TRACKING_REDIS_URL
    if not url:
        raise BufferUnavailable("TRACKING_REDIS_URL is not set")
    if _down_until.get(url, 0.0) > time.monotonic():
        raise BufferUnavailable("Redis failed a moment ago")
    if url not in _clients:
        _clients[url] = redis.Redis.from_url(url, socket_connect_timeout=0.2, socket_timeout=0.5)
    return _clients[url]


def is_configured() -> bool:
    return bool(settings.TRACKING_REDIS_URL)


@contextmanager
def _talking_to_redis() -> Iterator[None]:
    try:
        yield
    except redis.RedisError as exc:
        _down_until[settings.TRACKING_REDIS_URL] = time.monotonic() + RETRY_AFTER_FAILURE_SECONDS
        raise BufferUnavailable(str(exc)) from exc


def push(events: Iterable[TrackedEvent]) -> None:
    """Append events to the buffer and to their owners' recent lists, in one round trip."""
    r = client()
    with _talking_to_redis():
        pipe = r.pipeline(transaction=False)
        owners: set[str] = set()
        for event in events:
            raw = event.to_json()
            pipe.rpush(key("buffer"), raw)
            for owner in _recent_keys(event):
                pipe.lpush(owner, raw)
                owners.add(owner)
        for owner in owners:
            pipe.ltrim(owner, 0, RECENT_LENGTH - 1)
            pipe.expire(owner, RECENT_TTL_SECONDS)
        pipe.execute()


def _recent_keys(event: TrackedEvent) -> list[str]:
    keys = []
    if event.visitor_id:
        keys.append(key(f"recent:{Unit.for_visitor(event.visitor_id).key}"))
    if event.user_id is not None:
        keys.append(key(f"recent:{Unit.for_user(event.user_id).key}"))
    return keys


def recent(*, visitor_ids: Iterable[str] = (), user_id: int | None = None, limit: int) -> list[TrackedEvent]:
    names = [key(f"recent:{Unit.for_visitor(v).key}") for v in visitor_ids]
    if user_id is not None:
        names.append(key(f"recent:{Unit.for_user(user_id).key}"))
    if not names:
        return []
    r = client()
    with _talking_to_redis():
        pipe = r.pipeline(transaction=False)
        for name in names:
            pipe.lrange(name, 0, limit - 1)
        lists = pipe.execute()
    return [TrackedEvent.from_json(raw) for items in lists for raw in items]


def processing_batch() -> list[bytes]:
    """The batch a previous flush moved aside and did not acknowledge (it crashed), else a fresh one."""
    r = client()
    with _talking_to_redis():
        leftover = r.lrange(key("processing"), 0, -1)
        if leftover:
            return leftover
        moved = r.eval(_MOVE_ASIDE, 2, key("buffer"), key("processing"), settings.TRACKING_FLUSH_BATCH_SIZE)
        return r.lrange(key("processing"), 0, -1) if moved else []


def acknowledge_batch() -> None:
    with _talking_to_redis():
        client().delete(key("processing"))


def pending_length() -> int:
    r = client()
    with _talking_to_redis():
        return r.llen(key("buffer")) + r.llen(key("processing"))


@contextmanager
def flush_lock(*, wait_seconds: float = 0.0) -> Iterator[redis.lock.Lock | None]:
    """Yields the lock, or None when another holds it; a crashed holder's lock expires after LOCK_SECONDS."""
    r = client()
    with _talking_to_redis():
        lock = r.lock(
            key("flush-lock"), timeout=LOCK_SECONDS, blocking=wait_seconds > 0, blocking_timeout=wait_seconds or None
        )
        taken = lock.acquire()
    try:
        yield lock if taken else None
    finally:
        if taken:
            try:
                lock.release()
            except redis.RedisError:
                logger.warning("Could not release the tracking flush lock; it expires by itself.")


def flush_lock_renew(lock: redis.lock.Lock) -> bool:
    """Give the lock LOCK_SECONDS again; False when it had expired, and may be another flusher's now."""
    with _talking_to_redis():
        try:
            lock.reacquire()
        except redis.exceptions.LockNotOwnedError:
            return False
    return True


def pending_for(*, visitor_ids: Iterable[str], user_id: int | None) -> list[TrackedEvent]:
    """Events of these owners that wait in the buffer or the processing list."""
    return [event for _, _, event in _owned(visitor_ids=visitor_ids, user_id=user_id)]


def remove_for(*, visitor_ids: Iterable[str], user_id: int | None) -> int:
    """Drop these owners' waiting events and recent lists. Call it holding the flush lock."""
    visitor_ids = list(visitor_ids)
    owned = _owned(visitor_ids=visitor_ids, user_id=user_id)
    r = client()
    with _talking_to_redis():
        pipe = r.pipeline(transaction=False)
        for list_key, raw, _ in owned:
            # LREM matches the exact stored string, so events pushed meanwhile are untouched.
            pipe.lrem(list_key, 1, raw)
        names = [key(f"recent:{Unit.for_visitor(v).key}") for v in visitor_ids]
        if user_id is not None:
            names.append(key(f"recent:{Unit.for_user(user_id).key}"))
        if names:
            pipe.delete(*names)
        pipe.execute()
    return len(owned)


def _owned(*, visitor_ids: Iterable[str], user_id: int | None) -> list[tuple[str, bytes, TrackedEvent]]:
    visitors = set(visitor_ids)
    r = client()
    found = []
    with _talking_to_redis():
        lists = {name: r.lrange(key(name), 0, -1) for name in ("buffer", "processing")}
    for name, items in lists.items():
        for raw in items:
            try:
                event = TrackedEvent.from_json(raw)
            except (ValueError, TypeError, KeyError):  # the flush makes it a dead letter; nobody owns it
                continue
            if (user_id is not None and event.user_id == user_id) or (
                event.user_id is None and event.visitor_id in visitors
            ):
                found.append((key(name), raw, event))
    return found
