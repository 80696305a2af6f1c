import { fingerprint } from '../secrets/fingerprint.js';
import { type CheckContext, type CheckDefinition, needs } from './check.js';
import {
  type DecodedJwt,
  decodeJwt,
  forgeUnsigned,
  forgeWithPublicKey,
  isSymmetricAlg,
  PRIVATE_JWK_MEMBERS,
} from './jwt.js';
import { type Outcome, skip, type Verdict, worse } from './verdict.js';

interface Finding {
  verdict: Verdict;
  note: string;
}

export const jwtHygiene: CheckDefinition = {
  id: 'jwt-hygiene',
  title: 'JWT access tokens: algorithm, kid in the JWKS, typ, exp',
  why: 'A verifier trusts what the token header says unless the issuer pins it down: never `none`, never HMAC keyed by a public key, a `kid` found in the JWKS, an explicit `typ` (RFC 8725 §2.1, §3.1, §3.11; RFC 9068 §2.1).',
  waits: false,
  needs: (target) => needs({ observation: true, requests: 1 + (target.resource ? 5 : 0) }),
  async run(context) {
    const { session } = await context.observation();
    const { tokens } = session.login;
    const jwt = decodeJwt(tokens.accessToken);
    if (!jwt) return skip('access tokens are opaque (not JWTs)');
    const findings: Finding[] = [
      ...headerFindings(jwt),
      ...expiryFindings(jwt, tokens.expiresIn),
      ...(await keyFindings(context, jwt, tokens.accessToken)),
    ];
    const verdict = findings.reduce<Verdict>((v, f) => worse(v, f.verdict), 'pass');
    const evidence = [
      `access token ${fingerprint(tokens.accessToken)}: ${describeHeader(jwt)}`,
      ...findings.map(format),
    ];
    return outcome(verdict, evidence, findings);
  },
};

function outcome(verdict: Verdict, evidence: string[], findings: Finding[]): Outcome {
  const worst = findings.find((f) => f.verdict === verdict && verdict !== 'pass');
  return {
    verdict,
    finding: worst ? worst.note : 'signed, typed and keyed as RFC 8725 asks',
    evidence,
  };
}

const format = (f: Finding) => (f.verdict === 'pass' ? f.note : `${f.verdict}: ${f.note}`);

function describeHeader({ header }: DecodedJwt): string {
  return ['alg', 'typ', 'kid']
    .map((k) => `${k} ${header[k] === undefined ? '(none)' : JSON.stringify(header[k])}`)
    .join(', ');
}

function headerFindings({ header }: DecodedJwt): Finding[] {
  const alg = String(header.alg);
  const out: Finding[] = [];
  if (alg.toLowerCase() === 'none')
    out.push({ verdict: 'fail', note: 'alg none: the token is not signed' });
  else if (isSymmetricAlg(alg))
    out.push({ verdict: 'warn', note: `${alg}: every verifier holds the key that signs` });
  else out.push({ verdict: 'pass', note: `${alg}: asymmetric` });
  const typ = typeof header.typ === 'string' ? header.typ.toLowerCase() : undefined;
  out.push(
    typ === 'at+jwt' || typ === 'application/at+jwt'
      ? { verdict: 'pass', note: 'typ at+jwt' }
      : {
          verdict: 'warn',
          note: `typ ${typ ?? '(none)'}: not at+jwt, so other JWTs of the issuer can pass as access tokens`,
        },
  );
  if (typeof header.kid !== 'string')
    out.push({ verdict: 'warn', note: 'no kid: verifiers cannot tell which key to use' });
  return out;
}

function expiryFindings({ payload }: DecodedJwt, expiresIn: number | undefined): Finding[] {
  const { exp, iat } = payload;
  if (typeof exp !== 'number')
    return [{ verdict: 'fail', note: 'no exp claim: a verifier accepts it forever' }];
  if (typeof iat !== 'number' || expiresIn === undefined)
    return [{ verdict: 'pass', note: 'exp present' }];
  const lifetime = exp - iat;
  return Math.abs(lifetime - expiresIn) <= 2
    ? [{ verdict: 'pass', note: `exp - iat = ${lifetime} s matches expires_in` }]
    : [{ verdict: 'fail', note: `exp - iat = ${lifetime} s but expires_in = ${expiresIn} s` }];
}

async function keyFindings(
  context: CheckContext,
  jwt: DecodedJwt,
  token: string,
): Promise<Finding[]> {
  const jwks = await context.jwks();
  if (!jwks.keys)
    return [{ verdict: 'pass', note: `kid not checked: ${jwks.problem ?? 'no JWKS'}` }];
  const out: Finding[] = [];
  const leaking = jwks.keys.filter((key) => PRIVATE_JWK_MEMBERS.some((m) => m in key));
  if (leaking.length > 0)
    out.push({
      verdict: 'fail',
      note: `the JWKS publishes private key material (${leaking.length} key(s))`,
    });
  const kid = jwt.header.kid;
  const key = jwks.keys.find((k) => k.kid === kid);
  if (typeof kid === 'string') {
    out.push(
      key
        ? { verdict: 'pass', note: `kid found in the JWKS (${jwks.keys.length} key(s))` }
        : { verdict: 'fail', note: 'kid not in the JWKS' },
    );
  }
  if (context.target.resource && key && !isSymmetricAlg(String(jwt.header.alg))) {
    out.push(...(await forgeries(context, token, key)));
  }
  return out;
}

/**
 * A current access token the resource accepts: the login's, or (short-lived tokens may have
 * expired by now) one fresh from a refresh of the shared session. Forgeries must copy a token
 * that is valid, or a refusal would prove nothing.
 */
async function acceptedToken(
  context: CheckContext,
  token: string,
): Promise<{ token: string; status: number } | { refused: number }> {
  const genuine = await context.callResource(token);
  if (genuine.status >= 200 && genuine.status < 300) return { token, status: genuine.status };
  const { session } = await context.observation();
  const newest = session.refreshTokens()[0];
  const renewed = newest ? await session.refresh(newest) : undefined;
  if (renewed?.kind !== 'fresh' || !renewed.tokens) return { refused: genuine.status };
  const again = await context.callResource(renewed.tokens.accessToken);
  return again.status >= 200 && again.status < 300
    ? { token: renewed.tokens.accessToken, status: again.status }
    : { refused: again.status };
}

async function forgeries(
  context: CheckContext,
  token: string,
  key: Record<string, unknown>,
): Promise<Finding[]> {
  const genuine = await acceptedToken(context, token);
  if ('refused' in genuine) {
    return [
      {
        verdict: 'pass',
        note: `forgeries not tried: the resource refused the genuine token (${genuine.refused})`,
      },
    ];
  }
  const jwt = decodeJwt(genuine.token);
  if (!jwt) return [];
  const out: Finding[] = [];
  const forged: [string, string | undefined][] = [
    ['alg none', forgeUnsigned(jwt)],
    ['HS256 keyed by the public key', forgeWithPublicKey(jwt, key)],
  ];
  for (const [name, forgery] of forged) {
    if (!forgery) continue;
    context.secrets.add(forgery);
    const answer = await context.callResource(forgery);
    out.push(
      answer.status >= 200 && answer.status < 300
        ? {
            verdict: 'fail',
            note: `the resource accepted a forged token (${name}): ${answer.status}`,
          }
        : { verdict: 'pass', note: `resource refused a forged token (${name}): ${answer.status}` },
    );
  }
  return out;
}
