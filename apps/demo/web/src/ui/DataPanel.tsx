import { useCallback, useEffect, useState } from 'react';
import { isTokenkeeperError } from 'tokenkeeper';
import { type CallResult, LIKE_MUTATION, ME_QUERY } from '../runtime/api.js';
import type { DemoRuntime } from '../runtime/runtime.js';

interface MeData {
  me: { sub: string; clientType: string | null };
  items: { id: string; title: string; likes: number }[];
}

function failure(result: CallResult): string {
  const { error } = result;
  if (isTokenkeeperError(error)) return `${error.name}: ${error.message}`;
  if (error instanceof Error) return error.message;
  return `HTTP ${result.status ?? '?'}`;
}

/** The signed-in user's data, over REST and GraphQL: what seed 000's app failed to load. */
export function DataPanel({ runtime }: { runtime: DemoRuntime }) {
  const [rest, setRest] = useState<CallResult | undefined>();
  const [graph, setGraph] = useState<CallResult | undefined>();
  const { api } = runtime;

  const load = useCallback(async () => {
    const [me, data] = await Promise.all([
      api.rest('/api/me'),
      api.graphql('GraphQL me + items', ME_QUERY),
    ]);
    setRest(me);
    setGraph(data);
  }, [api]);

  useEffect(() => {
    void load();
  }, [load]);

  const like = async (id: string) => {
    await api.graphql(`GraphQL like(${id})`, LIKE_MUTATION, { id }, 'mutation');
    await load();
  };

  const me = rest?.ok ? (rest.data as { sub: string; clientType: string }) : undefined;
  const data = graph?.ok ? (graph.data as MeData) : undefined;
  return (
    <div className="data" data-testid="data-panel">
      <div className="data-head">
        <h3>Your data</h3>
        <button type="button" className="link" onClick={() => void load()}>
          Load again
        </button>
      </div>
      <p>
        REST <code>GET /api/me</code>:{' '}
        {rest === undefined ? '…' : me ? `user ${me.sub} (${me.clientType})` : failure(rest)}
      </p>
      <p>GraphQL items (urql):</p>
      {graph !== undefined && !data && <p className="error">{failure(graph)}</p>}
      <ul className="items">
        {data?.items.map((item) => (
          <li key={item.id}>
            <span>{item.title}</span>
            <button type="button" className="link" onClick={() => void like(item.id)}>
              ♥ {item.likes}
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}
