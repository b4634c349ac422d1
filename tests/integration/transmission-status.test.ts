import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "../../db/client.ts";
import { shipments } from "../../db/schema/index.ts";
import { findTransmissionStatus } from "../../app/citizen/transmission-status.server.ts";
import { franceConnectRedirectUris } from "../../app/auth/franceconnect.server.ts";
import { createCommune } from "../helpers/portal-fixtures.ts";
import { createTestDatabase } from "../helpers/test-database.ts";

let handle: DatabaseHandle;
beforeAll(async () => {
  handle = await createTestDatabase();
});
afterAll(() => handle?.close());

describe("a transmission followed from the national form's confirmation link", () => {
  it("says where it stands for its own commune only, whatever the reference's case", async () => {
    const angers = await createCommune(handle.db, "Angers", 801);
    const nantes = await createCommune(handle.db, "Nantes", 802);
    await handle.db.insert(shipments).values({
      reference: "0A1B2C3D4E5F6",
      idempotencyKey: "legacy-1",
      collectivityId: angers.id,
      status: "delivered",
    });
    expect(await findTransmissionStatus(handle.db, angers.siret, "0a1b2c3d4e5f6")).toEqual({
      collectivityName: "Angers",
      status: "delivered",
    });
    expect(await findTransmissionStatus(handle.db, nantes.siret, "0A1B2C3D4E5F6")).toBeNull();
    expect(await findTransmissionStatus(handle.db, angers.siret, "' or 1=1 --")).toBeNull();
  });
});

describe("FranceConnect redirect URIs", () => {
  it("are ours by default, the national form's with FRANCECONNECT_LEGACY_CALLBACKS", () => {
    const APP_URL = "https://qf.example.gouv.fr";
    expect(franceConnectRedirectUris({ APP_URL, FRANCECONNECT_LEGACY_CALLBACKS: false })).toEqual({
      redirectUri: `${APP_URL}/auth/franceconnect/callback`,
      postLogoutRedirectUri: `${APP_URL}/auth/franceconnect/logout-callback`,
    });
    expect(franceConnectRedirectUris({ APP_URL, FRANCECONNECT_LEGACY_CALLBACKS: true })).toEqual({
      redirectUri: `${APP_URL}/callback`,
      postLogoutRedirectUri: `${APP_URL}/logout-callback`,
    });
  });
});
