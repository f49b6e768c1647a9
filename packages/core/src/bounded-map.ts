/** The most entries any of core's in-process caches holds. */
export const CACHE_LIMIT = 10_000;

/** A Map bounded to `limit` entries; the oldest entry goes first when full. Core's caches are all of this kind. */
export class BoundedMap<K, V> extends Map<K, V> {
  constructor(private readonly limit = CACHE_LIMIT) {
    super();
  }

  override set(key: K, value: V): this {
    if (this.size >= this.limit && !this.has(key)) this.delete(this.keys().next().value as K);
    return super.set(key, value);
  }
}

/** A Map of time-stamped keys kept for `ttl` ms: entries older than that are pruned as new ones arrive. */
export class Recent<K> {
  readonly #at = new Map<K, number>();
  constructor(private readonly ttl: number) {}
  add(key: K, at: number): void {
    this.#at.delete(key);
    this.#at.set(key, at);
    for (const [k, t] of this.#at) {
      if (t > at - this.ttl) break;
      this.#at.delete(k);
    }
  }
  get(key: K): number | undefined {
    return this.#at.get(key);
  }
  /** How many keys are kept: 0 lets a caller skip the lookup. */
  get size(): number {
    return this.#at.size;
  }
}
