/**
 * Test helpers, exported as `tokenkeeper/testing` so apps can test their own session handling
 * the way tokenkeeper tests itself: days of virtual time in milliseconds, and a token endpoint
 * whose answers you script.
 */

export { createVirtualClock, type VirtualClock } from './clock.js';
export { seededRandom } from './random.js';
export {
  createTokenEndpoint,
  type ScriptedOutcome,
  type TokenEndpoint,
  type TokenEndpointOptions,
} from './token-endpoint.js';
