import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "../db/client.ts";
import { scheduledRuns } from "../db/schema/index.ts";
import { createTestDatabase } from "../tests/helpers/test-database.ts";
import { purgeScheduledRuns } from "./purge-scheduled-runs.ts";
import { createRunCoordinator } from "./run-coordinator.ts";

describe("PostgreSQL run coordinator", () => {
  let handle: DatabaseHandle;
  beforeAll(async () => {
    handle = await createTestDatabase();
  });
  afterAll(async () => {
    await handle?.close();
  });

  it("elects exactly one instance per scheduled fire", async () => {
    const a = createRunCoordinator(handle.db, "instance-a");
    const b = createRunCoordinator(handle.db, "instance-b");
    const key = "yearly-update:2027-01-04T06:00";
    const results = await Promise.all([a.shouldRun(key, 60_000), b.shouldRun(key, 60_000)]);
    expect(results.filter(Boolean)).toHaveLength(1);
    // The next fire is a new key: someone runs it again.
    expect(await b.shouldRun("yearly-update:2028-01-03T06:00", 60_000)).toBe(true);
    await a.onComplete?.(key);
    const rows = await handle.db.select().from(scheduledRuns);
    expect(rows.find((r) => r.key === key)?.finishedAt).toBeInstanceOf(Date);
  });

  it("purges coordinator rows older than the retention", async () => {
    await handle.db.insert(scheduledRuns).values([
      { key: "old", instanceId: "x", startedAt: new Date("2020-01-01T00:00:00Z") },
      { key: "recent", instanceId: "x", startedAt: new Date() },
    ]);
    expect(await purgeScheduledRuns(handle.db)).toBe(1);
    const keys = (await handle.db.select().from(scheduledRuns)).map((r) => r.key);
    expect(keys).toContain("recent");
    expect(keys).not.toContain("old");
  });
});
