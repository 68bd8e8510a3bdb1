import { assertUrlAllowed, type AllowList } from './address-guard.js';

/** Where a subscription URL is POSTed (undici dispatch wants origin and path apart). */
interface Target {
  origin: string;
  path: string;
}

/** Subscription URLs remembered at most (the map starts over beyond: a bound, never reached by real catalogs). */
const TARGETS_KEPT = 10_000;

/**
 * Subscription URLs that passed {@link assertUrlAllowed} against one allow list, split for undici: parsing per
 * delivery showed in the profile. One per process context (built with it, like the guard whose list it checks);
 * a refusal is not remembered, so it is checked, and thrown, every time.
 */
export class DeliveryTargets {
  private readonly passed = new Map<string, Target>();

  constructor(private readonly allow: AllowList) {}

  /** The target of a subscription URL once it passes the address guard. */
  of(url: string): Target {
    const known = this.passed.get(url);
    if (known) return known;
    assertUrlAllowed(url, this.allow);
    const parsed = new URL(url);
    const target = { origin: parsed.origin, path: `${parsed.pathname}${parsed.search}` };
    if (this.passed.size >= TARGETS_KEPT) this.passed.clear();
    this.passed.set(url, target);
    return target;
  }
}
