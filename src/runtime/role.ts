import type { AppContext } from './context.js';

/** The role names `syndicate start --roles` accepts, in pipeline order. */
export const ROLE_NAMES = ['api', 'scheduler', 'fetch', 'normalize', 'dedup', 'publish', 'deliver', 'websub'] as const;
export type RoleName = (typeof ROLE_NAMES)[number];

/** A running role: something to stop at shutdown. */
export interface RoleHandle {
  name: RoleName;
  /** Stops taking work and finishes or hands back what is in hand, within `graceMs`. */
  close(graceMs: number): Promise<void>;
}

/** One entry point of `workers/`: starts a role in a process whose context is built. */
export interface RoleDefinition {
  name: RoleName;
  start(ctx: AppContext): Promise<RoleHandle>;
}

/**
 * Starts what answers `/healthz`, `/readyz` and `/metrics` on PORT in a process without the api role (and while a
 * process waits for Redis), so container health checks and Prometheus scrapes work for every role.
 */
export type HealthListener = (ctx: AppContext) => Promise<{ address: string; close(): Promise<void> }>;

/** What `workers/` offers the process runner: every role by name, and the health listener. */
export interface RoleSet {
  roles: Record<RoleName, RoleDefinition>;
  health: HealthListener;
}
