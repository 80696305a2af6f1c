/**
 * What the demo server says about itself (`GET /demo/config`): the demo user and the lifetimes,
 * so the page's idle countdown matches the server's.
 */
export type ClientType = 'web' | 'mobile';

export interface Lifetimes {
  readonly accessTtl: number;
  readonly idleTimeout: number;
  readonly absoluteTimeout: number;
}

export interface DemoConfig {
  readonly user: string;
  readonly lifetimes: Readonly<Record<ClientType, Lifetimes>>;
  readonly reuseGraceMs: number;
}

export async function loadConfig(): Promise<DemoConfig> {
  const response = await fetch('/demo/config', { headers: { accept: 'application/json' } });
  if (!response.ok) throw new Error(`GET /demo/config answered HTTP ${response.status}`);
  return (await response.json()) as DemoConfig;
}

/**
 * The session's idle timeout for a client type: a `web` session slides (it ends after the
 * server's idle window without activity, seed 002); a `mobile` one has no idle limit on the
 * device and relies on the server's long refresh window (seed 003).
 */
export function idleTimeoutFor(config: DemoConfig, clientType: ClientType): number | undefined {
  return clientType === 'web' ? config.lifetimes.web.idleTimeout : undefined;
}
