import type { Store } from '../store/store.js';
import type { AuditWriter } from './audit-writer.js';
import type { ServiceSettings } from './settings.js';
import type { TokenIssuer } from './tokens/token-issuer.js';

/** What every operation of the service works with. */
export interface ServiceContext {
  readonly store: Store;
  readonly settings: ServiceSettings;
  readonly tokens: TokenIssuer;
  readonly audit: AuditWriter;
}
