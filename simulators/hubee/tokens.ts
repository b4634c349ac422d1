import { randomUUID, timingSafeEqual } from "node:crypto";
import type { HubeeClient } from "./clients.ts";
import type { Scope, StoredToken } from "./model.ts";
import type { HubeeStore } from "./store.ts";

function sameSecret(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/** Opaque access tokens with a lifetime that tests can shorten at runtime. */
export class TokenService {
  private readonly clients: Map<string, HubeeClient>;

  constructor(
    private readonly store: HubeeStore,
    clients: HubeeClient[],
    public ttlSeconds: number,
    private readonly now: () => number = Date.now,
  ) {
    this.clients = new Map(clients.map((c) => [c.clientId, c]));
  }

  /**
   * Adds SI clients beyond the demo's (benchmarks of thousands of communes). A client id already
   * known is refused: a second secret for the same id would make the simulator accept what the
   * real gateway would not.
   */
  register(clients: HubeeClient[]): void {
    const taken = clients.find((c) => this.clients.has(c.clientId));
    if (taken) throw new Error(`client_id already registered: ${taken.clientId}`);
    for (const client of clients) this.clients.set(client.clientId, client);
  }

  /** Back to the given clients only (the simulator's reset). */
  resetClients(clients: HubeeClient[]): void {
    this.clients.clear();
    for (const client of clients) this.clients.set(client.clientId, client);
  }

  authenticate(clientId: string, clientSecret: string): HubeeClient | null {
    const client = this.clients.get(clientId);
    return client && sameSecret(client.clientSecret, clientSecret) ? client : null;
  }

  issue(client: HubeeClient, scope: Scope): StoredToken {
    this.pruneExpired();
    const issuedAt = this.now();
    const token: StoredToken = {
      token: randomUUID(),
      clientId: client.clientId,
      scope,
      issuedAt,
      expiresAt: issuedAt + this.ttlSeconds * 1000,
    };
    this.store.tokens.set(token.token, token);
    return token;
  }

  /** The token and its client, or null when unknown or expired (the gateway's 900901). */
  verify(accessToken: string): { token: StoredToken; client: HubeeClient } | null {
    const token = this.store.tokens.get(accessToken);
    if (!token || token.expiresAt <= this.now()) return null;
    const client = this.clients.get(token.clientId);
    return client ? { token, client } : null;
  }

  /** Lets tests exercise the client's "token expired → fetch a new one" path without waiting. */
  expireAll(): void {
    const now = this.now();
    for (const token of this.store.tokens.values()) token.expiresAt = Math.min(token.expiresAt, now);
  }

  private pruneExpired(): void {
    const now = this.now();
    for (const [key, token] of this.store.tokens) if (token.expiresAt <= now) this.store.tokens.delete(key);
  }
}
