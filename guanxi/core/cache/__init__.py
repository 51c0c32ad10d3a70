"""The cache backends: `sqlite` (one machine, no Redis) and `redis` (degrades while
Redis is unreachable). Kept apart so the embedded run never imports the Redis client."""
