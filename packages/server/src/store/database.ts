/**
 * The narrow SQL surface both backends provide. Both speak PostgreSQL (PGlite is PostgreSQL
 * compiled to WASM), so the SQL of the store (store.ts, *-operations.ts) is written once.
 */
export interface QueryResult<Row> {
  rows: Row[];
  /** Rows returned (SELECT, RETURNING) or changed (INSERT, UPDATE, DELETE). */
  rowCount: number;
}

/** Something that runs one parameterised statement. */
export interface Queryable {
  query<Row = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<QueryResult<Row>>;
}

/** A connection (PGlite) or pool (pg) with transactions. */
export interface Database extends Queryable {
  readonly kind: 'embedded' | 'postgres';
  /** False only for an in-memory database, whose contents die with the process. */
  readonly persistent: boolean;
  /** Runs several statements without parameters (migrations). */
  exec(sql: string): Promise<void>;
  /**
   * Runs `fn` in a READ COMMITTED transaction: COMMIT when it resolves, ROLLBACK when it
   * throws. Every query inside must go through the `tx` it receives. On PostgreSQL, a
   * serialization failure or deadlock runs `fn` once more in a new transaction, so `fn` must
   * have no effects outside `tx`.
   */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
