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

/**
 * Claims the next due tokens for one listing (`DueQuery.claim`). KEYS: the due index, the claims (sorted set,
 * score = claimed until in ms, member = user id), the claims' owners (hash, user id → owner), the owner's set
 * of claimed user ids (expiring with its newest claim, for {@link RELEASE_CLAIMS}). ARGV: lower bound,
 * upper bound (`ZRANGEBYLEX` bounds), how many to claim, now (ms), claimed until (ms), members read per step,
 * most steps, prefix of token keys, issuedBefore, expiresBefore, expiresAfter, owner. Drops up to 1 000 expired
 * claims, then walks the index from the lower bound and claims each token no other owner holds whose record
 * matches the query (and is still the one the member
 * indexes), until it has enough, the range ends, or it has read its steps (so one call stays short however much
 * of the range others hold). Returns `{ last, member, record, … }`: `last` is the last member read, or `''` when
 * the range ended; then each claimed member with its record's JSON, in index order. A member's user id starts
 * after its 16 expiry digits and `:` (see due-index.ts).
 */
export const CLAIM_DUE = `local expired = redis.call('zrangebyscore', KEYS[2], '-inf', ARGV[4], 'LIMIT', 0, 1000)
for _, user in ipairs(expired) do
  redis.call('zrem', KEYS[2], user)
  redis.call('hdel', KEYS[3], user)
end
local owner = ARGV[12]
local now = tonumber(ARGV[4])
local want = tonumber(ARGV[3])
local batch = tonumber(ARGV[6])
local issued_before = tonumber(ARGV[9])
local expires_before = tonumber(ARGV[10])
local expires_after = tonumber(ARGV[11])
local min = ARGV[1]
local out = { '' }
local claimed = 0
for _ = 1, tonumber(ARGV[7]) do
  local members = redis.call('zrangebylex', KEYS[1], min, ARGV[2], 'LIMIT', 0, batch)
  for _, member in ipairs(members) do
    local user = string.sub(member, 18)
    local claimed_until = redis.call('zscore', KEYS[2], user)
    if not claimed_until or tonumber(claimed_until) <= now or redis.call('hget', KEYS[3], user) == owner then
      local raw = redis.call('get', ARGV[8] .. user)
      local ok, record = false, nil
      if raw then ok, record = pcall(cjson.decode, raw) end
      if ok and type(record) == 'table' and record.userId == user and type(record.issuedAt) == 'number'
        and type(record.expiresAt) == 'number' and string.format('%016d', math.floor(record.expiresAt)) .. ':' .. user == member
        and record.issuedAt <= issued_before and record.expiresAt <= expires_before and record.expiresAt > expires_after then
        redis.call('zadd', KEYS[2], ARGV[5], user)
        redis.call('hset', KEYS[3], user, owner)
        redis.call('sadd', KEYS[4], user)
        out[#out + 1] = member
        out[#out + 1] = raw
        claimed = claimed + 1
        if claimed >= want then
          out[1] = member
          redis.call('pexpire', KEYS[4], tonumber(ARGV[5]) - now)
          return out
        end
      end
    end
  end
  if #members < batch then
    out[1] = ''
    break
  end
  min = '(' .. members[#members]
  out[1] = members[#members]
end
if claimed > 0 then redis.call('pexpire', KEYS[4], tonumber(ARGV[5]) - now) end
return out`;

/**
 * Ends up to ARGV[2] claims of one owner. KEYS: the claims, the claims' owners, the owner's set of claimed user
 * ids. ARGV: owner, how many. A claim taken over by another owner since is left alone. Returns how many ids
 * are left in the owner's set (call again while > 0).
 */
export const RELEASE_CLAIMS = `local users = redis.call('spop', KEYS[3], tonumber(ARGV[2]))
for _, user in ipairs(users) do
  if redis.call('hget', KEYS[2], user) == ARGV[1] then
    redis.call('zrem', KEYS[1], user)
    redis.call('hdel', KEYS[2], user)
  end
end
return redis.call('scard', KEYS[3])`;
