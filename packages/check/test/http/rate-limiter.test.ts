import { describe, expect, it } from 'vitest';
import { createRateLimiter, takeTokens } from '../../src/http/rate-limiter.js';

describe('takeTokens', () => {
  const options = { rate: 10, burst: 10 };

  it('lets a full bucket go at once', () => {
    expect(takeTokens({ tokens: 10, at: 0 }, 10, 0, options)).toEqual({
      waitMs: 0,
      state: { tokens: 0, at: 0 },
    });
  });

  it('makes an empty bucket wait for the refill', () => {
    expect(takeTokens({ tokens: 0, at: 0 }, 1, 0, options).waitMs).toBe(100);
    expect(takeTokens({ tokens: 0, at: 0 }, 5, 200, options).waitMs).toBe(300);
  });

  it('never refills beyond the burst', () => {
    expect(takeTokens({ tokens: 0, at: 0 }, 1, 60_000, options).state.tokens).toBe(9);
  });
});

describe('createRateLimiter', () => {
  it('paces 30 requests at 10/s to about two seconds after the first burst of 10', async () => {
    let now = 0;
    const limiter = createRateLimiter({
      rate: 10,
      burst: 10,
      now: () => now,
      sleep: async (ms) => {
        now += ms;
      },
    });
    for (let i = 0; i < 30; i++) await limiter.acquire();
    expect(now).toBe(2000);
  });
});
