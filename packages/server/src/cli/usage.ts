/** The text of `tokenkeeper-server --help`. */
export const usage = `Usage: tokenkeeper-server <command> [options]

Commands:
  serve                 run the token server
  users add NAME        add a user; the password is read from stdin (prompted without
                        echo at a terminal; from a pipe at most 1 KiB, one newline removed)
  audit                 list recent audit rows (newest first)
  migrate               apply database migrations and exit

Store (every command):
  --data-dir DIR        embedded store directory (default .data/tokenkeeper-server); one
                        process at a time, so stop the server before users add or audit
  --database-url URL    PostgreSQL instead (or DATABASE_URL when --data-dir is absent)
  --database-schema S   PostgreSQL schema for the tables (default public)

serve:
  --host HOST           default 127.0.0.1
  --port PORT           default 8787 (0 picks a free port)
  --issuer URL          default http://HOST:PORT (required with --host 0.0.0.0 or ::)
  --audience AUD        default tokenkeeper
  --access-ttl D        access-token lifetime, both client types (defaults: web 15m, mobile 60m)
  --idle-timeout D      idle session lifetime (defaults: web 7d, mobile 90d)
  --absolute-timeout D  absolute session lifetime (defaults: web 30d, mobile 365d)
  --web-access-ttl D, --mobile-access-ttl D, --web-idle-timeout D, ... per client type
  --reuse-grace D       predecessor replay window (default 10s; 0 disables)
  --sliding             API calls extend the idle deadline (implies --check-session)
  --check-session       access-token verification checks the session is alive
  --touch-interval D    sliding: write the idle deadline at most this often (default 5s)
  --trust-proxy         take the client IP from the rightmost X-Forwarded-For entry
Durations are written like 30s, 15m, 12h, 90d.

audit:
  --limit N             rows to show (default 50)
  --family ID           only this session
  --json                one JSON object per line

users add:
  --scope SCOPE         grant a scope (repeatable)

Environment:
  DATABASE_URL                      PostgreSQL connection string
  TOKENKEEPER_SECRET                server secret, >= 32 bytes (required with PostgreSQL;
                                    embedded default: DIR/server-secret)
  TOKENKEEPER_SIGNING_KEY           private ES256 JWK to sign with instead of the stored key
  TOKENKEEPER_INTROSPECTION_CLIENTS id:secret[,id:secret] allowed to call /oauth/introspect
`;
