/**
 * oidc-provider's storage as one Map the tests can read and change, the way an operator can
 * read and change a real provider's database: find a grant's tokens, move a refresh token's
 * `exp` into the past. Records are copied in and out, as a database would, so the provider
 * never shares an object with the test. Expiry is left to the provider, which checks `exp`
 * itself on every read.
 */
import type { Adapter, AdapterPayload } from 'oidc-provider';

export interface StoredRecord {
  readonly id: string;
  readonly payload: AdapterPayload;
}

export interface MapStore {
  /** The factory for the provider's `adapter` option: one adapter per model name. */
  readonly adapter: (model: string) => Adapter;
  /** Copies of the stored records of one model (`AccessToken`, `RefreshToken`, `Grant`, ...). */
  records(model: string): StoredRecord[];
  /** Changes fields of a stored record; throws when there is no such record. */
  update(model: string, id: string, fields: Partial<AdapterPayload>): void;
}

const copy = (payload: AdapterPayload): AdapterPayload => structuredClone(payload);

export function createMapStore(): MapStore {
  const entries = new Map<string, AdapterPayload>();
  const keyOf = (model: string, id: string) => `${model}:${id}`;

  function records(model: string): StoredRecord[] {
    const prefix = `${model}:`;
    return [...entries]
      .filter(([key]) => key.startsWith(prefix))
      .map(([key, payload]) => ({ id: key.slice(prefix.length), payload: copy(payload) }));
  }

  function adapter(model: string): Adapter {
    const findBy = async (field: 'uid' | 'userCode', value: string) =>
      records(model).find((record) => record.payload[field] === value)?.payload;
    return {
      async upsert(id, payload) {
        entries.set(keyOf(model, id), copy(payload));
      },
      async find(id) {
        const payload = entries.get(keyOf(model, id));
        return payload === undefined ? undefined : copy(payload);
      },
      findByUid: (uid) => findBy('uid', uid),
      findByUserCode: (userCode) => findBy('userCode', userCode),
      async consume(id) {
        const payload = entries.get(keyOf(model, id));
        if (payload !== undefined) payload.consumed = Math.floor(Date.now() / 1000);
      },
      async destroy(id) {
        entries.delete(keyOf(model, id));
      },
      async revokeByGrantId(grantId) {
        for (const record of records(model)) {
          if (record.payload.grantId === grantId) entries.delete(keyOf(model, record.id));
        }
      },
    };
  }

  return {
    adapter,
    records,
    update(model, id, fields) {
      const payload = entries.get(keyOf(model, id));
      if (payload === undefined) throw new Error(`no stored ${model} with that id`);
      Object.assign(payload, fields);
    },
  };
}
