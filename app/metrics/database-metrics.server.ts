import { sql } from "drizzle-orm";
import { Gauge, type Registry } from "prom-client";
import { queryRows, type Database } from "../../db/client.ts";
import { METRICS_PREFIX, registry } from "./registry.server";

/**
 * Metrics read from the database when Prometheus scrapes: the depth and the age of the oldest
 * item of every outbox, the campaigns' progress, and how fast the database answers. Every
 * process reports the same values (they are the database's), so alerts should use max() across
 * instances, not sum().
 */

/** One scrape reads the database once, whichever of these gauges Prometheus collects first. */
const SNAPSHOT_TTL_MS = 1_000;

interface Snapshot {
  outboxes: { outbox: string; depth: number; oldest_seconds: number | null }[];
  campaigns: { status: string; count: number }[];
  campaignItems: { status: string; count: number }[];
  /** The adaptive inbox sweep (ADR 032), over communes with SI credentials. */
  inboxes: { stalestSeconds: number; overdue: number };
  pingSeconds: number;
}

const INBOXES_SQL = sql`
  select coalesce(extract(epoch from now() - min(p.last_finished_at)), 0)::float8 as stalest_seconds,
         count(*) filter (where p.next_poll_at < now() - interval '2 minutes')::int as overdue
    from hubee_inbox_polls p join collectivity_settings s on s.collectivity_id = p.collectivity_id
   where s.hubee_si_client_id is not null and s.hubee_si_secret_encrypted is not null`;

const OUTBOXES_SQL = sql`
  select 'shipments' as outbox, count(*)::int as depth,
         extract(epoch from now() - min(created_at))::float8 as oldest_seconds
    from shipments where status = 'pending'
  union all
  select 'hubee_status_reports', count(*)::int, extract(epoch from now() - min(received_at))::float8
    from received_cases where status_reported_at is null
  union all
  select 'webhook_deliveries', count(*)::int, extract(epoch from now() - min(created_at))::float8
    from webhook_event_deliveries where status = 'pending'
  union all
  select 'exports', count(*)::int, extract(epoch from now() - min(created_at))::float8
    from exports where status in ('pending', 'running')
  union all
  select 'mails', count(*)::int, extract(epoch from now() - min(created_at))::float8
    from mail_outbox where status in ('pending', 'sending')`;

/** `target`: the process registry, or the cluster primary's own (read once per machine, not summed per process). */
export function registerDatabaseMetrics(db: Database, target: Registry = registry) {
  let cached: { at: number; snapshot: Promise<Snapshot> } | null = null;
  const snapshot = () => {
    if (!cached || Date.now() - cached.at > SNAPSHOT_TTL_MS) {
      cached = { at: Date.now(), snapshot: readSnapshot(db) };
      // A failed read must not be served from the cache on the next scrape.
      cached.snapshot.catch(() => (cached = null));
    }
    return cached.snapshot;
  };

  new Gauge({
    name: `${METRICS_PREFIX}outbox_depth`,
    help: "Éléments en attente dans chaque outbox (shipments, hubee_status_reports, webhook_deliveries, exports, mails).",
    labelNames: ["outbox"] as const,
    registers: [target],
    async collect() {
      for (const row of (await snapshot()).outboxes) this.set({ outbox: row.outbox }, row.depth);
    },
  });
  new Gauge({
    name: `${METRICS_PREFIX}outbox_oldest_age_seconds`,
    help: "Âge de l’élément en attente le plus ancien de chaque outbox (0 quand elle est vide).",
    labelNames: ["outbox"] as const,
    registers: [target],
    async collect() {
      for (const row of (await snapshot()).outboxes) this.set({ outbox: row.outbox }, row.oldest_seconds ?? 0);
    },
  });
  new Gauge({
    name: `${METRICS_PREFIX}campaigns`,
    help: "Campagnes de mise à jour des QF, par statut.",
    labelNames: ["status"] as const,
    registers: [target],
    async collect() {
      this.reset();
      for (const row of (await snapshot()).campaigns) this.set({ status: row.status }, row.count);
    },
  });
  new Gauge({
    name: `${METRICS_PREFIX}campaign_items`,
    help: "Familles des campagnes en cours ou en pause, par statut (pending, in_progress, updated…).",
    labelNames: ["status"] as const,
    registers: [target],
    async collect() {
      this.reset();
      for (const row of (await snapshot()).campaignItems) this.set({ status: row.status }, row.count);
    },
  });
  new Gauge({
    name: `${METRICS_PREFIX}hubee_inbox_staleness_seconds`,
    help: "Temps depuis le relevé de la boîte HubEE la moins récemment relevée (communes avec identifiants SI).",
    registers: [target],
    async collect() {
      this.set((await snapshot()).inboxes.stalestSeconds);
    },
  });
  new Gauge({
    name: `${METRICS_PREFIX}hubee_inboxes_overdue`,
    help: "Boîtes HubEE en retard de plus de 2 minutes sur leur relevé prévu (les workers ne suivent pas).",
    registers: [target],
    async collect() {
      this.set((await snapshot()).inboxes.overdue);
    },
  });
  new Gauge({
    name: `${METRICS_PREFIX}database_ping_seconds`,
    help: "Durée d’un « select 1 » sur la base, vue par ce processus (attente d’une connexion du pool comprise).",
    registers: [target],
    async collect() {
      this.set((await snapshot()).pingSeconds);
    },
  });
}

async function readSnapshot(db: Database): Promise<Snapshot> {
  const started = performance.now();
  await queryRows(db, sql`select 1`);
  const pingSeconds = (performance.now() - started) / 1000;
  const [outboxes, campaigns, campaignItems, inboxes] = await Promise.all([
    queryRows<Snapshot["outboxes"][number]>(db, OUTBOXES_SQL),
    queryRows<Snapshot["campaigns"][number]>(
      db,
      sql`select status, count(*)::int as count from qf_campaigns group by status`,
    ),
    // Only open campaigns: the claim index (campaign_id, status, …) answers it without the finished ones.
    queryRows<Snapshot["campaignItems"][number]>(
      db,
      sql`select i.status, count(*)::int as count
            from qf_campaign_items i join qf_campaigns c on c.id = i.campaign_id
           where c.status in ('running', 'paused') group by i.status`,
    ),
    queryRows<{ stalest_seconds: number; overdue: number }>(db, INBOXES_SQL),
  ]);
  return {
    outboxes: outboxes.map((row) => ({
      ...row,
      depth: Number(row.depth),
      oldest_seconds: row.oldest_seconds === null ? null : Number(row.oldest_seconds),
    })),
    campaigns: campaigns.map((row) => ({ status: row.status, count: Number(row.count) })),
    campaignItems: campaignItems.map((row) => ({ status: row.status, count: Number(row.count) })),
    inboxes: { stalestSeconds: Number(inboxes[0]?.stalest_seconds ?? 0), overdue: Number(inboxes[0]?.overdue ?? 0) },
    pingSeconds,
  };
}
