import { describe, expect, it } from "vitest";
import { previousPublished, publicationConflict, versionInForce } from "./versions";

const versions = [
  { id: "2024", status: "published" as const, validFrom: "2024-09-01" },
  { id: "2025", status: "published" as const, validFrom: "2025-09-01" },
  { id: "draft", status: "draft" as const, validFrom: "2026-09-01" },
];

describe("versions", () => {
  it("finds the published version in force on a day, never a draft", () => {
    expect(versionInForce(versions, "2024-08-31")).toBeNull();
    expect(versionInForce(versions, "2024-09-01")?.id).toBe("2024");
    expect(versionInForce(versions, "2025-08-31")?.id).toBe("2024");
    expect(versionInForce(versions, "2027-01-01")?.id).toBe("2025");
    expect(previousPublished(versions, versions[1]!)?.id).toBe("2024");
    expect(previousPublished(versions, versions[0]!)).toBeNull();
  });

  it("refuses a publication that overlaps a published version", () => {
    expect(publicationConflict(versions, "2026-09-01")).toBeNull();
    expect(publicationConflict(versions, "2025-09-01")).toMatch(
      /chevauche la version publiée qui commence le 01\/09\/2025/,
    );
    expect(publicationConflict(versions, "2025-01-01")).not.toBeNull();
    expect(publicationConflict([], "2000-01-01")).toBeNull();
  });
});
