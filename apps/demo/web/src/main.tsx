/**
 * The demo page: one session, built outside React, shown by components that subscribe to it.
 */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createDemoClock } from './platform/clock.js';
import { createSimulatedNetwork } from './platform/network.js';
import { loadConfig } from './runtime/config.js';
import { createRuntimeHolder } from './runtime/holder.js';
import { createTimeline } from './timeline/timeline.js';
import { App } from './ui/App.js';

async function boot(container: HTMLElement): Promise<void> {
  const root = createRoot(container);
  try {
    const config = await loadConfig();
    const clock = createDemoClock(localStorage, window);
    const network = createSimulatedNetwork();
    const timeline = createTimeline(clock.now);
    const holder = createRuntimeHolder({ config, clock, network, timeline });
    root.render(
      <StrictMode>
        <App holder={holder} />
      </StrictMode>,
    );
  } catch (error) {
    root.render(<p className="fatal">The demo could not start: {String(error)}</p>);
  }
}

void boot(document.getElementById('root')!);
