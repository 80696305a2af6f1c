import { useCallback, useEffect, useRef, useState, useSyncExternalStore } from 'react';
import type { Clock } from 'tokenkeeper';
import type { ScenarioReport } from '../scenarios/report.js';

interface Readable<T> {
  get(): T;
  subscribe(listener: () => void): () => void;
}

/** The current value of a store (see `store.ts`). */
export function useStore<T>(store: Readable<T>): T {
  return useSyncExternalStore(store.subscribe, store.get, store.get);
}

/** The clock's time, re-read every `every` ms: the countdowns tick in the UI only. */
export function useNow(clock: Clock, every = 250): number {
  const [now, setNow] = useState(() => clock.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(clock.now()), every);
    return () => clearInterval(timer);
  }, [clock, every]);
  return now;
}

export interface ScenarioRun {
  readonly running: boolean;
  readonly report: ScenarioReport | undefined;
  run(): void;
}

/** Runs a scenario on demand; a failure becomes a report, not an unhandled rejection. */
export function useScenario(scenario: () => Promise<ScenarioReport> | ScenarioReport): ScenarioRun {
  const [running, setRunning] = useState(false);
  const [report, setReport] = useState<ScenarioReport | undefined>();
  const latest = useRef(scenario);
  latest.current = scenario;
  const run = useCallback(() => {
    setRunning(true);
    setReport(undefined);
    Promise.resolve()
      .then(() => latest.current())
      .then(setReport, (error: unknown) =>
        setReport({
          tone: 'bad',
          headline: 'The scenario stopped with an error',
          lines: [error instanceof Error ? `${error.name}: ${error.message}` : String(error)],
        }),
      )
      .finally(() => setRunning(false));
  }, []);
  return { running, report, run };
}
