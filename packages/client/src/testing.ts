/**
 * Test helpers, exported as `tokenkeeper/testing` so apps can test their own session handling
 * the way tokenkeeper tests itself: days of virtual time in milliseconds, and a token endpoint
 * whose answers you script.
 */

export { createVirtualClock, type VirtualClock } from './testing/clock.js';
export { seededRandom } from './testing/random.js';
export {
  createTokenEndpoint,
  type ScriptedOutcome,
  type TokenEndpoint,
  type TokenEndpointOptions,
} from './testing/token-endpoint.js';
