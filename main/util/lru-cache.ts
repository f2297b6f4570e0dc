/**
 * A least-recently-used cache bounded by the bytes of what it holds (typed arrays), so that
 * browsing a long record keeps a steady memory footprint whatever the user clicks.
 */
export class LruCache<V extends { readonly byteLength: number }> {
  private readonly entries = new Map<string, V>();
  private held = 0;

  constructor(readonly maxBytes: number) {}

  get bytes(): number {
    return this.held;
  }

  get(key: string): V | undefined {
    const v = this.entries.get(key);
    if (v !== undefined) {
      // Map keeps insertion order: re-inserting marks it most recently used
      this.entries.delete(key);
      this.entries.set(key, v);
    }
    return v;
  }

  set(key: string, value: V): void {
    const old = this.entries.get(key);
    if (old !== undefined) {
      this.entries.delete(key);
      this.held -= old.byteLength;
    }
    if (value.byteLength > this.maxBytes) return;
    this.entries.set(key, value);
    this.held += value.byteLength;
    for (const [k, v] of this.entries) {
      if (this.held <= this.maxBytes) break;
      this.entries.delete(k);
      this.held -= v.byteLength;
    }
  }

  /** The cached value, or `make()`'s, remembered. */
  through(key: string, make: () => V): V {
    const hit = this.get(key);
    if (hit !== undefined) return hit;
    const v = make();
    this.set(key, v);
    return v;
  }

  clear(): void {
    this.entries.clear();
    this.held = 0;
  }
}
