/** What every transition of the session reducer receives. */
import type { Fx } from './rules.js';
import type { Env, Input, MachineConfig } from './state.js';

export interface StepContext {
  readonly config: MachineConfig;
  readonly env: Env;
  /** Effects collected so far; transitions append to it. */
  readonly fx: Fx;
  /** `env.now`, for short. */
  readonly now: number;
}

/** The input of one type. */
export type InputOf<T extends Input['type']> = Extract<Input, { type: T }>;
