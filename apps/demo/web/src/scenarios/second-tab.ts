/**
 * Opens this page again in a second tab. That tab resumes the session from the shared,
 * encrypted IndexedDB instead of signing in; from then on one refresh serves both tabs (a Web
 * Lock), and a refresh in one shows up as "refreshed (remote)" in the other.
 */
import type { ScenarioReport } from './report.js';

export function openSecondTab(): ScenarioReport {
  const opened = window.open(location.href, '_blank');
  if (!opened) {
    return {
      tone: 'warn',
      headline: 'The browser blocked the new tab',
      lines: ['Allow pop-ups for this page, or open the same address in a new tab yourself.'],
    };
  }
  return {
    tone: 'good',
    headline: 'Second tab opened',
    lines: [
      'It restored the session from encrypted storage: no sign-in, same token fingerprint.',
      'Press "Refresh now" in either tab: the other logs "Refreshed in another tab" with the same new fingerprint, and the server counts one rotation.',
    ],
  };
}
