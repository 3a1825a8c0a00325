/**
 * The edge twin's one datastore: Debian's PostgreSQL 15 as RDS presents it to every booted host
 * (`startRdsPostgres`, the host rehearsal's stand-in), and the twin's count of every delivery.
 */
import { randomBytes } from "node:crypto";
import path from "node:path";
import { RdsPostgres, startRdsPostgres } from "../tools/rehearse/standins/postgres";
import { issueServerCertificate } from "../tools/rehearse/standins/testCa";
import type { HostFleet } from "./hostFleet";

/**
 * The twin's one datastore, as RDS presents it to every host: its certificate from the datastore
 * test CA (the bundle's place of the RDS CA) naming each region's datastore host names, the
 * service's role made and granted by its administrator with the password the SSM stand-ins serve.
 */
export async function startDatastore(fleet: HostFleet, addresses: string[], dir: string): Promise<RdsPostgres> {
  const templates = [...fleet.hosts.values()];
  const names = templates.flatMap((t) =>
    (t.env.INGEST_DB_HOSTS ?? "")
      .split(",")
      .filter(Boolean)
      .map((entry) => entry.split(":")[0]!),
  );
  const certificate = issueServerCertificate(fleet.certificates.datastoreCa, `twin-${path.basename(dir)}`, [...new Set(names)]);
  const env = templates[0]!.env;
  return startRdsPostgres({
    addresses,
    port: 0,
    tls: { certFile: certificate.certFile, keyFile: certificate.keyFile },
    database: env.INGEST_DB_NAME ?? "edge",
    adminUser: "edge_admin",
    adminPassword: randomBytes(18).toString("base64url"),
    serviceUser: env.INGEST_DB_USER ?? "ingest",
    servicePassword: fleet.password,
    grant: true,
  });
}

/**
 * Every insert the datastore commits, counted per id before the primary key folds a duplicate
 * delivery into the stored row (a BEFORE trigger fires for every row proposed, also one that
 * ON CONFLICT DO NOTHING then skips): the twin sees deliveries, not only distinct rows. The
 * function runs as its owner (SECURITY DEFINER): the service's role, as its administrator made it,
 * may not write the twin's own table.
 */
export async function countDeliveries(postgres: Pick<RdsPostgres, "query">): Promise<void> {
  await postgres.query(`
    CREATE TABLE IF NOT EXISTS twin_deliveries (insert_id text NOT NULL);
    CREATE OR REPLACE FUNCTION twin_count_delivery() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
      BEGIN INSERT INTO twin_deliveries VALUES (NEW.insert_id); RETURN NEW; END $$;
    CREATE TRIGGER twin_count_delivery BEFORE INSERT ON events FOR EACH ROW EXECUTE FUNCTION twin_count_delivery();`);
}

/** Every insert of each id the datastore committed, duplicates included, for an id prefix. */
export async function deliveriesOf(postgres: Pick<RdsPostgres, "query">, idPrefix: string): Promise<number> {
  const [row] = await postgres.query<{ n: string }>("SELECT count(*) AS n FROM twin_deliveries WHERE insert_id LIKE $1", [`${idPrefix}-%`]);
  return Number(row!.n);
}
