import { checkIds } from '../checks/check-id.js';
import { defaults } from '../run/defaults.js';

export const usage = `Usage:
  tokenkeeper-check --token-endpoint URL --login URL --username NAME --password-stdin [options]
  tokenkeeper-check --issuer URL ...                  endpoints from RFC 8414 / OIDC discovery
  tokenkeeper-check --token-endpoint URL --login-command "CMD" ...
                     CMD prints a token response (JSON) on stdout; it runs once per session

Audits a token server from the outside, over HTTP only. Prints no token, password or secret;
signs in only the sessions the plan announces and signs them out at the end.

Target:
  --token-endpoint URL       the OAuth token endpoint (refresh grant)
  --issuer URL               discover the endpoints (explicit flags win)
  --login URL                POST {"username","password"} here for each session (JSON)
  --login-form               send the login form-encoded instead of JSON
  --login-command CMD        run CMD (in a shell) for each session instead of --login
  --username NAME            the user to sign in as (with --login)
  --password-stdin           read the password from stdin (a prompt at a terminal)
  --client-id ID             the OAuth client
  --client-secret SECRET     its secret (prefer an environment variable in your shell)
  --client-auth basic|post   how to send it (default basic when there is a secret)
  --revocation-endpoint URL  RFC 7009 endpoint (revocation check, sign-out)
  --resource URL             a protected URL that accepts the access token (Bearer)
  --insecure-http            allow http:// outside loopback (the transport check then fails)

Audit:
  --client-type web|mobile   which lifetime advice applies (default ${defaults.clientType})
  --only ID,...              run only these checks
  --max-sessions N           most sessions to sign in (default ${defaults.maxSessions})
  --max-wait DURATION        longest a measuring check waits (default ${defaults.maxWaitMs / 1000}s)
  --lost-response-pause DURATION   lost-response's pause (default ${defaults.lostResponsePauseMs / 1000}s)
  --concurrency N            simultaneous refreshes in concurrent-refresh (default ${defaults.concurrency})
  --rate N                   requests per second on average (default ${defaults.rate})
  --timeout DURATION         per request (default ${defaults.timeoutMs / 1000}s)
  --dry-run                  print the plan (checks, sessions, requests) and stop
  --json                     print the report as JSON
  -h, --help                 this text
  --version                  the version

DURATION: 500ms, 15s, 2m, 1h, or seconds.
Checks: ${checkIds.join(', ')}.
Exit status: 0 no check failed, 1 a check failed, 2 bad usage (or the audit could not start),
130 interrupted (Ctrl-C: the sessions are still signed out).
`;
