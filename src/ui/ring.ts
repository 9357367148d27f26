/** A bounded list: keeps the newest `capacity` items and counts everything ever pushed. */
export class RingBuffer<T> {
  private items: T[] = [];
  private start = 0;
  total = 0;

  constructor(readonly capacity: number) {}

  get length(): number {
    return this.items.length;
  }

  push(item: T): void {
    this.total += 1;
    if (this.items.length < this.capacity) {
      this.items.push(item);
    } else {
      this.items[this.start] = item;
      this.start = (this.start + 1) % this.capacity;
    }
  }

  at(index: number): T | undefined {
    if (index < 0 || index >= this.items.length) return undefined;
    return this.items[(this.start + index) % this.items.length];
  }

  /** Items from `from` (inclusive) to `to` (exclusive), oldest first. */
  slice(from: number, to = this.items.length): T[] {
    const out: T[] = [];
    for (let index = Math.max(0, from); index < Math.min(to, this.items.length); index++) out.push(this.at(index)!);
    return out;
  }

  clear(): void {
    this.items = [];
    this.start = 0;
    this.total = 0;
  }
}
