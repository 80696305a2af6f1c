/** Every check, in the order the report lists them. The ids are stable: scripts select by them. */
export const checkIds = [
  'refresh-without-access-token',
  'rotation',
  'reuse-detection',
  'grace-window',
  'concurrent-refresh',
  'lost-response',
  'expiry-truthful',
  'lifetimes',
  'no-store',
  'error-format',
  'swallowed-errors',
  'revocation',
  'jwt-hygiene',
  'bad-input',
  'transport',
] as const;

export type CheckId = (typeof checkIds)[number];

export function isCheckId(value: string): value is CheckId {
  return (checkIds as readonly string[]).includes(value);
}
