import type { CustomerProfile } from '../../domain/profile.ts';

/** FNV-1a of a string: spreads customers over workers the same way in every run and on every machine. */
function hashOf(text: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index += 1) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** The worker of a customer outside any household: its id's hash. */
export const defaultOwner = (customerId: string, workers: number): number => hashOf(`c:${customerId}`) % workers;

/**
 * Which worker replays which customer, households together: the household tier rule reads the other members'
 * states, so every member must live in the worker that judges the customer. A household is every customer a
 * profile (at the start, or a later update: someone moving in) puts in it, and two households a customer moved
 * between are one. The answer does not change the output (the merge restores one replay's order), only the balance.
 */
export class CustomerOwnership {
  /** Union-find over `c:<customerId>` and `h:<householdId>`: the parent of each node that is not its own root. */
  readonly #parent = new Map<string, string>();

  constructor(readonly workers: number) {
    if (!Number.isSafeInteger(workers) || workers < 1) throw new RangeError(`workers must be a positive integer, got ${workers}`);
  }

  add(profile: Pick<CustomerProfile, 'customerId' | 'householdId'>): void {
    if (profile.householdId == null) return;
    const customer = this.#root(`c:${profile.customerId}`);
    const household = this.#root(`h:${profile.householdId}`);
    if (customer !== household) this.#parent.set(customer < household ? household : customer, customer < household ? customer : household);
  }

  ownerOf(customerId: string): number {
    // a customer in no household is its own root: the default owner
    return hashOf(this.#root(`c:${customerId}`)) % this.workers;
  }

  /**
   * The customers whose worker is not the default one (household members): what a worker needs, besides the
   * default, to know which side-input records are its own.
   */
  overrides(): Array<[customerId: string, owner: number]> {
    const moved: Array<[string, number]> = [];
    for (const node of this.#parent.keys()) {
      if (!node.startsWith('c:')) continue;
      const customerId = node.slice(2);
      const owner = this.ownerOf(customerId);
      if (owner !== defaultOwner(customerId, this.workers)) moved.push([customerId, owner]);
    }
    return moved;
  }

  #root(node: string): string {
    let root = node;
    for (let parent = this.#parent.get(root); parent !== undefined; parent = this.#parent.get(root)) root = parent;
    // path compression: the next look-up is one step
    for (let current = node; current !== root; ) {
      const next = this.#parent.get(current)!;
      this.#parent.set(current, root);
      current = next;
    }
    return root;
  }
}

/** A worker's view: the overrides it was handed, the default hash for everyone else. */
export function ownerLookup(overrides: ReadonlyArray<readonly [string, number]>, workers: number): (customerId: string) => number {
  const moved = new Map(overrides);
  return (customerId) => moved.get(customerId) ?? defaultOwner(customerId, workers);
}
