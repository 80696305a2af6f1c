/**
 * What the page shows about one live stream, and how a stream reports to the page.
 */
import { isSessionExpiredError, isTokenkeeperError } from 'tokenkeeper';
import type { NewEntry } from '../timeline/timeline.js';

export type StreamStatus = 'off' | 'connecting' | 'open' | 'reconnecting' | 'ended';

export interface StreamState {
  readonly status: StreamStatus;
  /** Number of the latest tick received. */
  readonly lastSeq: number | undefined;
  /** ws: in-band re-authentications; graphql-ws: reconnections. */
  readonly renewals: number;
  readonly note: string | undefined;
}

export const STREAM_OFF: StreamState = {
  status: 'off',
  lastSeq: undefined,
  renewals: 0,
  note: undefined,
};

/** Where a stream reports: its state, the timeline, the token it runs on (as a fingerprint). */
export interface StreamSink {
  update(change: (previous: StreamState) => Partial<StreamState>): void;
  log(entry: NewEntry): void;
  fingerprint(): string;
}

/** Opens a stream; returns the function that closes it for good. */
export type OpenStream = (sink: StreamSink) => () => void;

/** Why a stream closed for good, in a few words. */
export function endNote(error: unknown): string {
  if (isSessionExpiredError(error)) return `session ended (${error.reason})`;
  if (isTokenkeeperError(error)) return error.message;
  return 'closed';
}

/** `ws://` or `wss://` URL of a path on the page's origin. */
export function socketUrl(path: string): string {
  const url = new URL(path, location.href);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  return url.href;
}
