/**
 * The Lua scripts of `RedisTokenStore`. Each runs atomically on the node that owns its keys; every key a script
 * touches carries the store's hash tag, so on Redis Cluster they all live in one slot (Redis 7 lets a script
 * reach undeclared keys of the slot its declared keys are in). `PUBLISH` inside a script is keyless and reaches
 * every node of a cluster.
 *
 * @module
 */

/** Deletes the lock only if it still holds this holder's value: a holder whose ttl ran out cannot free the next one. */
export const RELEASE_LOCK = `if redis.call('get', KEYS[1]) == ARGV[1] then
  return redis.call('del', KEYS[1])
end
return 0`;

/** The index member of the record stored at `key`, or nil. Mirrors `dueMember` in due-index.ts. */
const OLD_MEMBER = `local function old_member(key)
  local raw = redis.call('get', key)
  if not raw then return nil end
  local ok, record = pcall(cjson.decode, raw)
  if not ok or type(record) ~= 'table' or type(record.expiresAt) ~= 'number' or type(record.userId) ~= 'string' then return nil end
  return string.format('%016d', math.floor(record.expiresAt)) .. ':' .. record.userId
end`;

/**
 * Stores a token and moves its index entry. KEYS: token key, due index. ARGV: record JSON, PX ttl, new member,
 * sweep bound (exclusive lex bound of expired members), channel, invalidation message.
 */
export const SET_TOKEN = `${OLD_MEMBER}
local old = old_member(KEYS[1])
if old then redis.call('zrem', KEYS[2], old) end
redis.call('set', KEYS[1], ARGV[1], 'PX', ARGV[2])
redis.call('zadd', KEYS[2], 0, ARGV[3])
redis.call('zremrangebylex', KEYS[2], '-', ARGV[4])
redis.call('publish', ARGV[5], ARGV[6])
return 1`;

/** Deletes a token and its index entry. KEYS: token key, due index. ARGV: channel, invalidation message. Returns 1 or 0. */
export const DELETE_TOKEN = `${OLD_MEMBER}
local old = old_member(KEYS[1])
if old then redis.call('zrem', KEYS[2], old) end
local deleted = redis.call('del', KEYS[1])
redis.call('publish', ARGV[1], ARGV[2])
return deleted`;

/**
 * Stores a session and indexes it under its user. KEYS: session key, the user's session index (sorted set,
 * score `expiresAt`). ARGV: record JSON, PX ttl, expiresAt, session id, now, channel, invalidation message.
 * The index lives as long as its longest session; entries of ended sessions are swept here.
 */
export const SET_SESSION = `redis.call('set', KEYS[1], ARGV[1], 'PX', ARGV[2])
redis.call('zadd', KEYS[2], ARGV[3], ARGV[4])
redis.call('zremrangebyscore', KEYS[2], '-inf', ARGV[5])
local last = redis.call('zrange', KEYS[2], -1, -1, 'WITHSCORES')
if last[2] then redis.call('pexpire', KEYS[2], math.max(1, math.ceil(tonumber(last[2]) - tonumber(ARGV[5])))) end
redis.call('publish', ARGV[6], ARGV[7])
return 1`;

/**
 * Deletes one session and its index entry. KEYS: session key. ARGV: prefix of session index keys, session id,
 * channel, invalidation message. Returns 1 or 0.
 */
export const DELETE_SESSION = `local raw = redis.call('get', KEYS[1])
redis.call('publish', ARGV[3], ARGV[4])
if not raw then return 0 end
redis.call('del', KEYS[1])
local ok, record = pcall(cjson.decode, raw)
if ok and type(record) == 'table' and type(record.userId) == 'string' then
  redis.call('zrem', ARGV[1] .. record.userId, ARGV[2])
end
return 1`;

/**
 * Deletes every session of a user. KEYS: the user's session index. ARGV: prefix of session keys, user id,
 * channel, prefix of invalidation messages. Only sessions whose record names the user count (an id reused for
 * another user is left alone). Returns how many were deleted.
 */
export const DELETE_SESSIONS = `local ids = redis.call('zrange', KEYS[1], 0, -1)
local n = 0
for _, id in ipairs(ids) do
  local key = ARGV[1] .. id
  local raw = redis.call('get', key)
  if raw then
    local ok, record = pcall(cjson.decode, raw)
    if ok and type(record) == 'table' and record.userId == ARGV[2] then
      redis.call('del', key)
      redis.call('publish', ARGV[3], ARGV[4] .. id)
      n = n + 1
    end
  end
end
redis.call('del', KEYS[1])
return n`;
