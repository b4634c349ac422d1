import type { Adapter, AdapterFactory, AdapterPayload } from "oidc-provider";
import { z } from "zod";

interface Entry {
  payload: AdapterPayload;
  /** Epoch milliseconds; null = no expiry. */
  expiresAt: number | null;
}

export const storeSnapshotSchema = z.array(
  z.object({
    key: z.string(),
    payload: z.record(z.string(), z.unknown()),
    expiresAt: z.number().nullable(),
  }),
);
export type StoreSnapshot = z.infer<typeof storeSnapshotSchema>;

/**
 * All the state of one OpenID provider (sessions, interactions, grants, codes,
 * tokens) in one plain map, so it can be counted, cleared and saved to the demo
 * state file. The data sets are tiny, so secondary lookups simply scan.
 */
export class MemoryStore {
  private entries = new Map<string, Entry>();

  constructor(private readonly now: () => number = Date.now) {}

  adapterFactory(): AdapterFactory {
    return (model: string) => new StoreAdapter(model, this);
  }

  get(key: string): AdapterPayload | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt !== null && entry.expiresAt <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.payload;
  }

  set(key: string, payload: AdapterPayload, expiresInSeconds: number | undefined): void {
    const expiresAt = typeof expiresInSeconds === "number" ? this.now() + expiresInSeconds * 1000 : null;
    this.entries.set(key, { payload, expiresAt });
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  /** Live entries of one model, e.g. "Session" or "AccessToken". */
  list(model: string): Array<{ id: string; payload: AdapterPayload }> {
    const prefix = `${model}:`;
    const out: Array<{ id: string; payload: AdapterPayload }> = [];
    for (const key of [...this.entries.keys()]) {
      if (!key.startsWith(prefix)) continue;
      const payload = this.get(key);
      if (payload) out.push({ id: key.slice(prefix.length), payload });
    }
    return out;
  }

  deleteWhere(predicate: (payload: AdapterPayload) => boolean): void {
    for (const [key, entry] of this.entries) if (predicate(entry.payload)) this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
  }

  snapshot(): StoreSnapshot {
    const now = this.now();
    return [...this.entries]
      .filter(([, e]) => e.expiresAt === null || e.expiresAt > now)
      .map(([key, e]) => ({ key, payload: e.payload as Record<string, unknown>, expiresAt: e.expiresAt }));
  }

  restore(snapshot: StoreSnapshot): void {
    this.entries = new Map(
      snapshot.map((e) => [e.key, { payload: e.payload as AdapterPayload, expiresAt: e.expiresAt }]),
    );
  }
}

class StoreAdapter implements Adapter {
  constructor(
    private readonly model: string,
    private readonly store: MemoryStore,
  ) {}

  private key(id: string) {
    return `${this.model}:${id}`;
  }

  async upsert(id: string, payload: AdapterPayload, expiresIn?: number) {
    this.store.set(this.key(id), payload, expiresIn);
  }

  async find(id: string) {
    // Clients are all static: an unknown client_id must stay unknown.
    if (this.model === "Client") return undefined;
    return this.store.get(this.key(id));
  }

  async findByUid(uid: string) {
    return this.store.list(this.model).find((e) => e.payload.uid === uid)?.payload;
  }

  async findByUserCode(userCode: string) {
    return this.store.list(this.model).find((e) => e.payload.userCode === userCode)?.payload;
  }

  async consume(id: string) {
    const payload = this.store.get(this.key(id));
    if (payload) payload.consumed = Math.floor(Date.now() / 1000);
  }

  async destroy(id: string) {
    this.store.delete(this.key(id));
  }

  async revokeByGrantId(grantId: string) {
    this.store.deleteWhere((p) => p.grantId === grantId);
  }
}
