import { formatClock, formatDuration, formatSpan, shortId } from '../format.js';
import type { Ending } from '../runtime/ending.js';
import { expiryReasonText } from '../timeline/describe.js';

/** Why the session ended, in plain words, with the server's audit row when there is one. */
export function EndedNotice({
  ending,
  reason,
  idle,
}: {
  ending: Ending | undefined;
  reason: string | undefined;
  idle: number;
}) {
  const row = ending?.audit;
  let text: string;
  if (reason === 'idle') {
    const away = ending?.awayMs;
    text = `No activity for more than ${formatSpan(idle)}${
      away !== undefined && away > idle ? ` (the app was away for ${formatDuration(away)})` : ''
    }. A web session slides with every request and ends when they stop, so the app asks you to sign in again instead of showing screens without data (seed 002).`;
  } else if (reason === 'invalid_grant' && row?.outcome === 'reuse_revoked') {
    text = `At ${formatClock(row.at)} the server saw a refresh token of this session (generation ${row.generation}) used again after it had been rotated: the sign of a stolen copy. It revoked the whole session family ${shortId(row.familyId)} (audit: reuse_revoked), so the thief's tokens and yours are dead, and this tab's next refresh was refused with invalid_grant (seed 001).`;
  } else if (reason === 'invalid_grant' && row?.outcome === 'expired') {
    text =
      'The server ended the session (audit: expired) and refused the refresh with invalid_grant.';
  } else {
    text = expiryReasonText(reason);
  }
  return (
    <div className="ended" data-testid="ended-notice" data-reason={reason ?? ''}>
      <h2>Your session ended</h2>
      <p>{text}</p>
      {ending?.remote && <p className="hint">Another tab noticed first and told this one.</p>}
    </div>
  );
}
