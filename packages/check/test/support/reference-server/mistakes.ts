/**
 * The mistakes a reference server can be told to make, one at a time. Each is something real
 * servers get wrong, and each should be caught by exactly one check.
 */
export const mistakes = {
  'no-rotation': 'rotation',
  'no-reuse-detection': 'reuse-detection',
  'grace-mints-second-successor': 'grace-window',
  'refresh-demands-access-token': 'refresh-without-access-token',
  'swallowed-refresh-error': 'swallowed-errors',
  'lying-expires-in': 'expiry-truthful',
  'no-no-store': 'no-store',
  'crash-on-malformed-body': 'bad-input',
  'revocation-does-nothing': 'revocation',
} as const;

export type Mistake = keyof typeof mistakes;
