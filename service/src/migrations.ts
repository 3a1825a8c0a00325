/**
 * The table's versions, applied in order at start, each once, under an advisory lock so the main
 * and backup processes of every host can start together. A new version is appended, never edited.
 */
import type { PoolClient } from "pg";

export interface Migration {
  version: number;
  description: string;
  sql: (table: string) => string;
}

export const migrations: Migration[] = [
  {
    version: 1,
    description: "events keyed by the client's insert id",
    sql: (t) => `
      CREATE TABLE IF NOT EXISTS ${t} (
        insert_id      text PRIMARY KEY,
        name           text NOT NULL,
        event_time     timestamptz NOT NULL,
        properties     jsonb NOT NULL,
        page           text,
        client_network text,
        received_at    timestamptz NOT NULL
      );
      CREATE INDEX IF NOT EXISTS ${t}_received_at ON ${t} (received_at);`,
  },
];

/** Applies every migration the database has not seen; returns the versions applied now. */
export async function migrate(client: PoolClient, table: string): Promise<number[]> {
  const applied: number[] = [];
  await client.query("BEGIN");
  try {
    // One lock per table name, held to the end of the transaction: concurrent starts wait, then see the versions applied.
    await client.query("SELECT pg_advisory_xact_lock(hashtext($1))", [`edge-ingest-migrate:${table}`]);
    await client.query(`CREATE TABLE IF NOT EXISTS ${table}_migrations (version int PRIMARY KEY, description text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
    const { rows } = await client.query<{ version: number }>(`SELECT version FROM ${table}_migrations`);
    const done = new Set(rows.map((r) => r.version));
    for (const migration of migrations) {
      if (done.has(migration.version)) continue;
      await client.query(migration.sql(table));
      await client.query(`INSERT INTO ${table}_migrations (version, description) VALUES ($1, $2)`, [migration.version, migration.description]);
      applied.push(migration.version);
    }
    await client.query("COMMIT");
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw error;
  }
  return applied;
}
