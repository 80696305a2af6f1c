import { useEffect, useMemo } from 'react';
import type { SessionSnapshot } from 'tokenkeeper';
import { formatSpan } from '../format.js';
import type { DemoRuntime } from '../runtime/runtime.js';
import { fiveDaysAway } from '../scenarios/background.js';
import { createOfflineController } from '../scenarios/offline.js';
import { openSecondTab } from '../scenarios/second-tab.js';
import { concurrentStorm, STORM_SIZE } from '../scenarios/storm.js';
import { replayStolenToken } from '../scenarios/theft.js';
import { useScenario, useStore } from './hooks.js';
import { ScenarioCard } from './ScenarioCard.js';

interface Props {
  runtime: DemoRuntime;
  /** Scenarios need a signed-in session. */
  active: boolean;
}

function Storm({ runtime, active }: Props) {
  const storm = useScenario(() => concurrentStorm(runtime));
  return (
    <ScenarioCard
      id="storm"
      n={1}
      title={`${STORM_SIZE} concurrent requests with an expired token`}
      seeds="seed 001"
      report={storm.report}
      actions={
        <button type="button" disabled={!active || storm.running} onClick={storm.run}>
          {storm.running ? 'Running…' : `Fire ${STORM_SIZE} requests`}
        </button>
      }
    >
      The server is told to refuse the current access token, then {STORM_SIZE} REST and GraphQL
      calls go out at once. Each gets a 401; they must share one refresh and each be retried once.
    </ScenarioCard>
  );
}

function Background({ runtime, active }: Props) {
  const away = useScenario(() => fiveDaysAway(runtime));
  const { lifetimes } = runtime.platform.config;
  return (
    <ScenarioCard
      id="background"
      n={2}
      title="Five days in the background"
      seeds="seeds 000, 002"
      report={away.report}
      actions={
        <button type="button" disabled={!active || away.running} onClick={away.run}>
          {away.running ? 'Running…' : 'Sleep for 5 days'}
        </button>
      }
    >
      The app is paused and the device clock jumps five days. Signed in as <em>web</em>, the sliding
      session ({formatSpan(lifetimes.web.idleTimeout)} idle) ends and the page says why; as{' '}
      <em>mobile</em> ({formatSpan(lifetimes.mobile.idleTimeout)}), it refreshes once and the data
      loads.
    </ScenarioCard>
  );
}

function Theft({ runtime, active }: Props) {
  const theft = useScenario(() => replayStolenToken(runtime));
  return (
    <ScenarioCard
      id="theft"
      n={3}
      title="Replay a stolen refresh token"
      seeds="seed 001"
      report={theft.report}
      actions={
        <button type="button" disabled={!active || theft.running} onClick={theft.run}>
          {theft.running ? 'Running…' : 'Replay the stolen token'}
        </button>
      }
    >
      A copy of the sign-in's refresh token (kept in page memory, never shown) is sent to the token
      endpoint after the session has rotated past it. The server must detect the reuse, revoke the
      whole session, and the page must say why it ended.
    </ScenarioCard>
  );
}

function Offline({ runtime, active }: Props) {
  // The scenario belongs to the page, not to the runtime: made per runtime, stopped with it.
  const controller = useMemo(() => createOfflineController(runtime), [runtime]);
  useEffect(() => () => controller.dispose(), [controller]);
  const offline = useStore(controller.state);
  const probes = offline.probes.length > 0 && (
    <ul className="probes" data-testid="offline-probes">
      {offline.probes.map((probe) => (
        <li key={`${probe.at}-${probe.text}`} className={`probe-${probe.kind}`}>
          {probe.text}
        </li>
      ))}
    </ul>
  );
  return (
    <ScenarioCard
      id="offline"
      n={4}
      title="Go offline and come back"
      seeds="seeds 000, 001"
      report={offline.report}
      extra={probes}
      actions={
        offline.offline ? (
          <button type="button" className="primary" onClick={() => void controller.comeBack()}>
            Come back online
          </button>
        ) : (
          <button type="button" disabled={!active} onClick={() => controller.goOffline()}>
            Go offline
          </button>
        )
      }
    >
      The page's network is switched off and a request runs every two seconds. Failures are typed
      and retryable, and nobody is signed out; once back, the one refresh that was due runs.
    </ScenarioCard>
  );
}

function SecondTab({ active }: Props) {
  const tab = useScenario(openSecondTab);
  return (
    <ScenarioCard
      id="tab"
      n={5}
      title="Open a second tab"
      seeds="seed 001"
      report={tab.report}
      actions={
        <button type="button" disabled={!active} onClick={tab.run}>
          Open a second tab
        </button>
      }
    >
      The new tab resumes the session from encrypted storage. The tabs share one refresh at a time;
      a refresh in one appears as "Refreshed in another tab" in the other.
    </ScenarioCard>
  );
}

export function Scenarios({
  runtime,
  snapshot,
}: {
  runtime: DemoRuntime;
  snapshot: SessionSnapshot;
}) {
  const props = { runtime, active: snapshot.status === 'active' };
  return (
    <section className="card">
      <h2>Reproduce the failures</h2>
      <p className="hint">
        Each button recreates a bug from the write-ups this project answers, against the real token
        server; the timeline and the audit log show what happened.
      </p>
      <ol className="scenarios">
        <Storm {...props} />
        <Background {...props} />
        <Theft {...props} />
        <Offline {...props} />
        <SecondTab {...props} />
      </ol>
    </section>
  );
}
