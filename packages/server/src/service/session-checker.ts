import type { Store } from '../store/store.js';
import { isSessionId } from '../verify/access-token.js';
import type { SessionChecker } from '../verify/verifier.js';
import type { ServiceSettings } from './settings.js';

/** Most sessions whose last touch this instance remembers; past it, it forgets them all. */
const maxRemembered = 50_000;

/**
 * Session checks for access-token verification: alive means neither revoked nor past a
 * deadline. In sliding mode `extend` also moves the idle deadline, written at most once per
 * touch interval per session (this instance remembers its own writes; the store's condition
 * covers other instances).
 */
export function createSessionChecker(store: Store, settings: ServiceSettings): SessionChecker {
  const { clock, sliding, touchIntervalMs } = settings;
  const touched = new Map<string, number>();
  return {
    async checkSession(sid, { extend }) {
      if (!isSessionId(sid)) return false;
      const now = clock.now();
      if (extend && sliding) {
        const last = touched.get(sid);
        if (last === undefined || now - last >= touchIntervalMs) {
          const notTouchedSince = now - touchIntervalMs;
          if (await store.touchFamily({ id: sid, now, notTouchedSince })) {
            if (touched.size >= maxRemembered) touched.clear();
            touched.set(sid, now);
            return true;
          }
        }
      }
      const family = await store.getFamily(sid);
      return (
        family !== undefined &&
        family.revokedAt === null &&
        now < family.idleExpiresAt &&
        now < family.absoluteExpiresAt
      );
    },
  };
}
