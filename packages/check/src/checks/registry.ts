import { badInput } from './bad-input.js';
import type { CheckDefinition } from './check.js';
import type { CheckId } from './check-id.js';
import { concurrentRefresh } from './concurrent-refresh.js';
import { errorFormat } from './error-format.js';
import { expiryTruthful } from './expiry-truthful.js';
import { graceWindow } from './grace-window.js';
import { jwtHygiene } from './jwt-hygiene.js';
import { lifetimes } from './lifetimes.js';
import { lostResponse } from './lost-response.js';
import { noStoreCheck } from './no-store.js';
import { refreshWithoutAccessToken } from './refresh-without-access-token.js';
import { reuseDetection } from './reuse-detection.js';
import { revocation } from './revocation.js';
import { rotation } from './rotation.js';
import { swallowedErrors } from './swallowed-errors.js';
import { transport } from './transport.js';

/** Every check, in report order. */
export const checks: readonly CheckDefinition[] = [
  refreshWithoutAccessToken,
  rotation,
  reuseDetection,
  graceWindow,
  concurrentRefresh,
  lostResponse,
  expiryTruthful,
  lifetimes,
  noStoreCheck,
  errorFormat,
  swallowedErrors,
  revocation,
  jwtHygiene,
  badInput,
  transport,
];

export function checkById(id: CheckId): CheckDefinition {
  const found = checks.find((check) => check.id === id);
  if (!found) throw new Error(`no check ${id}`);
  return found;
}
