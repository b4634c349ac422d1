import type { StoredCase, StoredFolder, StoredNotification, StoredSubscription, StoredToken } from "./model.ts";

/** The persisted form: plain JSON, attachment bytes as base64. */
export interface HubeeSnapshot {
  version: 1;
  folders: StoredFolder[];
  notifications: StoredNotification[];
  subscriptions: StoredSubscription[];
  tokens: StoredToken[];
  /** Attachment id → bytes, base64. */
  blobs: Record<string, string>;
}

export function isHubeeSnapshot(value: unknown): value is HubeeSnapshot {
  const v = value as Partial<HubeeSnapshot> | null;
  return (
    typeof v === "object" &&
    v !== null &&
    v.version === 1 &&
    Array.isArray(v.folders) &&
    Array.isArray(v.notifications) &&
    Array.isArray(v.subscriptions) &&
    Array.isArray(v.tokens) &&
    typeof v.blobs === "object" &&
    v.blobs !== null
  );
}

/** All of HubEE's state, in memory. Routes and services mutate it synchronously. */
export class HubeeStore {
  readonly folders = new Map<string, StoredFolder>();
  readonly tokens = new Map<string, StoredToken>();
  /** Uploaded bytes by attachment id. */
  readonly blobs = new Map<string, Buffer>();
  notifications: StoredNotification[] = [];
  subscriptions: StoredSubscription[] = [];
  private readonly caseIndex = new Map<string, { folder: StoredFolder; kase: StoredCase }>();

  addFolder(folder: StoredFolder): void {
    this.folders.set(folder.id, folder);
    for (const kase of folder.cases) this.caseIndex.set(kase.id, { folder, kase });
  }

  removeFolder(folder: StoredFolder): void {
    this.folders.delete(folder.id);
    for (const kase of folder.cases) this.caseIndex.delete(kase.id);
    for (const attachment of folder.attachments) this.blobs.delete(attachment.id);
  }

  findCase(caseId: string): { folder: StoredFolder; kase: StoredCase } | undefined {
    return this.caseIndex.get(caseId);
  }

  clear(): void {
    this.folders.clear();
    this.caseIndex.clear();
    this.tokens.clear();
    this.blobs.clear();
    this.notifications = [];
    this.subscriptions = [];
  }

  snapshot(): HubeeSnapshot {
    // structuredClone: the snapshot must not change when the store does.
    return structuredClone({
      version: 1 as const,
      folders: [...this.folders.values()],
      notifications: this.notifications,
      subscriptions: this.subscriptions,
      tokens: [...this.tokens.values()],
      blobs: Object.fromEntries([...this.blobs].map(([id, bytes]) => [id, bytes.toString("base64")])),
    });
  }

  load(snapshot: HubeeSnapshot): void {
    const copy = structuredClone(snapshot);
    this.clear();
    for (const folder of copy.folders) this.addFolder(folder);
    for (const token of copy.tokens) this.tokens.set(token.token, token);
    for (const [id, base64] of Object.entries(copy.blobs)) this.blobs.set(id, Buffer.from(base64, "base64"));
    this.notifications = copy.notifications;
    this.subscriptions = copy.subscriptions;
  }
}
