import type { RoleDefinition, RoleName, RoleSet } from '../src/runtime/role.js';
import { apiRole } from './api.js';
import { dedupRole } from './dedup.js';
import { deliverRole } from './deliver.js';
import { fetchRole } from './fetch.js';
import { listenForHealth } from './health.js';
import { normalizeRole } from './normalize.js';
import { publishRole } from './publish.js';
import { schedulerRole } from './scheduler.js';
import { websubRole } from './websub.js';

/** Every role, by name, in pipeline order. */
export const ROLES: Record<RoleName, RoleDefinition> = {
  api: apiRole,
  scheduler: schedulerRole,
  fetch: fetchRole,
  normalize: normalizeRole,
  dedup: dedupRole,
  publish: publishRole,
  deliver: deliverRole,
  websub: websubRole,
};

/** The roles and the health listener, as the CLI's `start` hands them to the process runner. */
export const ROLE_SET: RoleSet = { roles: ROLES, health: listenForHealth };
