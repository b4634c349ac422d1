import { afterEach, describe, expect, it, vi } from "vitest";
import { MemoryStore } from "./memory-store.ts";

afterEach(() => {
  vi.useRealTimers();
});

describe("MemoryStore", () => {
  it("expires entries after their lifetime", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const store = new MemoryStore();
    const adapter = store.adapterFactory()("AccessToken");
    await adapter.upsert("a", { accountId: "test" }, 60);
    await adapter.upsert("b", { accountId: "test" });
    vi.setSystemTime(Date.now() + 61_000);
    expect(await adapter.find("a")).toBeUndefined();
    expect(await adapter.find("b")).toMatchObject({ accountId: "test" });
  });

  it("revokes every artefact of a grant and finds sessions by uid", async () => {
    const store = new MemoryStore();
    const adapters = store.adapterFactory();
    await adapters("AccessToken").upsert("at", { grantId: "g1" }, 60);
    await adapters("AuthorizationCode").upsert("code", { grantId: "g1" }, 30);
    await adapters("AccessToken").upsert("other", { grantId: "g2" }, 60);
    await adapters("Session").upsert("s1", { uid: "u1", accountId: "test" }, 1800);
    await adapters("AccessToken").revokeByGrantId("g1");
    expect(store.list("AccessToken").map((e) => e.id)).toEqual(["other"]);
    expect(store.list("AuthorizationCode")).toHaveLength(0);
    expect(await adapters("Session").findByUid("u1")).toMatchObject({ accountId: "test" });
  });

  it("never finds a client: all clients are static", async () => {
    const store = new MemoryStore();
    await store.adapterFactory()("Client").upsert("x", { client_id: "x" });
    expect(await store.adapterFactory()("Client").find("x")).toBeUndefined();
  });

  it("round-trips through a JSON snapshot, dropping what has expired", async () => {
    const store = new MemoryStore();
    const adapter = store.adapterFactory()("Grant");
    await adapter.upsert("g", { accountId: "test" }, 3600);
    await adapter.consume("g");
    const copy = new MemoryStore();
    copy.restore(JSON.parse(JSON.stringify(store.snapshot())));
    expect(await copy.adapterFactory()("Grant").find("g")).toMatchObject({
      accountId: "test",
      consumed: expect.any(Number),
    });
    copy.clear();
    expect(copy.snapshot()).toEqual([]);
  });
});
