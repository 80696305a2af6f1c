import { isLoopbackHost } from '../target/loopback.js';
import { targetUrls } from '../target/target.js';
import { type CheckDefinition, needs } from './check.js';

export const transport: CheckDefinition = {
  id: 'transport',
  title: 'https outside loopback',
  why: 'Token requests carry credentials and token responses carry tokens in clear text: anything but TLS outside the machine hands them to the network (RFC 6749 §3.2; RFC 6750 §5.3; seed 001 checklist).',
  waits: false,
  needs: () => needs({}),
  async run(context) {
    const evidence: string[] = [];
    const cleartext: string[] = [];
    let loopback = 0;
    for (const { name, url } of targetUrls(context.target)) {
      const parsed = new URL(url);
      if (parsed.protocol === 'https:') {
        evidence.push(`${name}: https`);
      } else if (isLoopbackHost(parsed.hostname)) {
        loopback++;
        evidence.push(`${name}: http on loopback (${parsed.hostname})`);
      } else {
        cleartext.push(name);
        evidence.push(`${name}: http to ${parsed.hostname}`);
      }
    }
    if (cleartext.length > 0) {
      return {
        verdict: 'fail',
        finding: `plain http outside loopback: ${cleartext.join(', ')}`,
        evidence,
      };
    }
    return {
      verdict: 'pass',
      finding:
        loopback > 0
          ? 'https or loopback only (a local test: deploy behind https)'
          : 'every endpoint uses https',
      evidence,
    };
  },
};
