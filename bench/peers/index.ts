/** The contenders by name, in the order tables list them. */
import { axiosAuthRefresh } from './axios-auth-refresh.js';
import type { ContenderFactory } from './contender.js';
import { kyAfterResponse } from './ky.js';
import { naiveInterceptor } from './naive.js';
import { tokenkeeperAxios } from './tokenkeeper-axios.js';
import { tokenkeeperFetch } from './tokenkeeper-fetch.js';

export const contenders = {
  'tokenkeeper (fetch)': tokenkeeperFetch,
  'tokenkeeper (axios)': tokenkeeperAxios,
  'axios-auth-refresh 5': axiosAuthRefresh,
  'naive interceptor (seed 000)': naiveInterceptor,
  'ky afterResponse hook': kyAfterResponse,
} satisfies Record<string, ContenderFactory>;

export type ContenderName = keyof typeof contenders;

export const contenderNames = Object.keys(contenders) as ContenderName[];

export function isContenderName(name: string): name is ContenderName {
  return Object.hasOwn(contenders, name);
}

/** The rows that are tokenkeeper itself (the aims apply to them). */
export function isTokenkeeper(name: ContenderName): boolean {
  return name.startsWith('tokenkeeper');
}
