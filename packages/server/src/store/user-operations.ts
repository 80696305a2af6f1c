import type { Queryable } from './database.js';
import type { StoreOperations } from './operations.js';
import { num, type Row } from './rows.js';

/** The users table: look-up by name and insert. */
export function userOperations(
  q: Queryable,
): Pick<StoreOperations, 'findUserByName' | 'insertUser'> {
  return {
    async findUserByName(username) {
      const { rows } = await q.query<Row>(
        'SELECT id, username, password_hash, scopes, created_at FROM tk_users WHERE username = $1',
        [username],
      );
      const row = rows[0];
      if (!row) return undefined;
      return {
        id: String(row.id),
        username: String(row.username),
        passwordHash: String(row.password_hash),
        scopes: String(row.scopes),
        createdAt: num(row.created_at),
      };
    },
    async insertUser(user) {
      const result = await q.query(
        `INSERT INTO tk_users (id, username, password_hash, scopes, created_at)
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (username) DO NOTHING`,
        [user.id, user.username, user.passwordHash, user.scopes, user.createdAt],
      );
      return result.rowCount === 1;
    },
  };
}
