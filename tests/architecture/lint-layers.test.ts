import { ESLint } from "eslint";
import { beforeAll, describe, expect, it } from "vitest";

/*
 * The layer rules of eslint.config.js (ADR 017) on deliberate violations: a rule that never
 * fires (a typo in a regex, a later config entry replacing an earlier one) would let the
 * layers blur without anyone noticing. The files need not exist: ESLint picks the rules by path.
 */

let eslint: ESLint;
beforeAll(() => {
  eslint = new ESLint({ cwd: process.cwd() });
});

/** The import rules that fire on `code` as if it were at `filePath`. */
async function importRulesFired(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return result.messages
    .map((message) => message.ruleId ?? `fatal: ${message.message}`)
    .filter(
      (ruleId) => ruleId.startsWith("layers/") || ruleId === "no-restricted-imports" || ruleId.startsWith("fatal"),
    );
}

describe("layer rules fire on a deliberate violation", () => {
  it.each([
    ["app/domain/x.ts", 'import { requireAgent } from "~/portal/access/access.server";', "layers/domain"],
    ["app/domain/x.ts", 'export { journeyLostLocation } from "../citizen/journey.server";', "layers/domain"],
    [
      "app/domain/x.ts",
      'import { callApiParticulier } from "~/integrations/api-particulier/client.server";',
      "layers/domain",
    ],
    ["app/domain/x.ts", 'import type { FamilyMember } from "../../db/schema/family-files.ts";', "layers/domain"],
    ["app/domain/x.ts", 'import type { SQL } from "drizzle-orm";', "layers/domain"],
    [
      "app/integrations/hubee/x.ts",
      'import { createShipment } from "../../citizen/shipments.server";',
      "layers/integrations",
    ],
    ["app/integrations/x.server.ts", 'import { writeEvent } from "~/webhooks/outbox.server";', "layers/integrations"],
    ["app/audit/x.server.ts", 'import { requireAgent } from "~/portal/access/access.server";', "layers/audit"],
    ["app/mail/x.server.ts", 'import { requireAgent } from "~/portal/access/access.server";', "layers/mail"],
    [
      "app/formulaire-qf/x.ts",
      'import { declaredEditor } from "~/onboarding/datapass-payload";',
      "layers/formulaire-qf",
    ],
    [
      "app/portal/dossiers/x.server.ts",
      'import { createShipment } from "~/citizen/shipments.server";',
      "layers/portal",
    ],
    ["app/portal/x.ts", 'import { resolveReturnUrl } from "../../citizen/redirect-uri";', "layers/portal"],
    ["app/webhooks/x.ts", 'import { loader } from "~/routes/healthz";', "layers/routes"],
    ["app/root.tsx", 'import { loader } from "./routes/healthz";', "layers/routes"],
    ["app/components/x.tsx", 'import { getDatabase } from "~/db.server";', "layers/components"],
    [
      "app/components/portal/x.tsx",
      'import { listEndpoints } from "~/webhooks/endpoints.server";',
      "layers/components",
    ],
    ["app/components/x.tsx", 'import { families } from "../../db/schema/index.ts";', "layers/server-code"],
    [
      "app/components/portal/x.tsx",
      'import { WEBHOOK_ENDPOINT_STATUSES } from "../../../db/schema/outgoing-webhooks.ts";',
      "layers/server-code",
    ],
    ["app/webhooks/x.ts", 'import { eq } from "drizzle-orm";', "layers/server-code"],
    ["app/routes/x.tsx", 'import { openDatabase } from "../../db/client.ts";', "layers/server-code"],
    // The simulators' rule is another entry of the config: the layers must not have replaced it.
    ["app/citizen/x.server.ts", 'import { start } from "../../simulators/hubee/server.ts";', "no-restricted-imports"],
    ["app/domain/x.ts", 'import { start } from "../../simulators/hubee/server.ts";', "no-restricted-imports"],
  ])("%s: %s", async (filePath, code, ruleId) => {
    expect(await importRulesFired(filePath, code)).toEqual([ruleId]);
  });
});

describe("layer rules allow what the layers permit", () => {
  it.each([
    ["app/domain/x.ts", 'import { parisDayStart } from "./paris-time";'],
    [
      "app/portal/dossiers/x.server.ts",
      'import { recordAudit } from "~/audit/audit.server";\nimport { eq } from "drizzle-orm";',
    ],
    ["app/portal/x.server.ts", 'import { families } from "../../db/schema/index.ts";'],
    ["app/integrations/api-particulier/x.server.ts", 'import { sleep } from "../http.server";'],
    ["app/citizen/x.server.ts", 'import { callApiParticulier } from "~/integrations/api-particulier/client.server";'],
    // A type is erased from the bundle: components and pages may name db/ and .server types.
    ["app/components/x.tsx", 'import type { ShipmentStatus } from "../../db/schema/shipments.ts";'],
    ["app/components/x.tsx", 'import type { DepartementGroup } from "~/citizen/collectivities.server";'],
    ["app/portal/x.ts", 'import { type FamilyMember } from "../../db/schema/family-files.ts";'],
    ["app/components/portal/x.tsx", 'import { WEBHOOK_EVENT_TYPES } from "~/webhooks/event-types";'],
    ["app/routes/x/route.tsx", 'import { loader } from "~/routes/healthz";'],
    // Tests check contracts across the layers; they ship nowhere.
    ["app/editor-kit/x.test.ts", 'import { loader } from "~/routes/healthz";\nimport { eq } from "drizzle-orm";'],
    ["app/formulaire-qf/x.test.ts", 'import { FORMULAIRE_QF_JSON_SCHEMA } from "~/editor-kit/formulaire-qf-schema";'],
    ["app/domain/x.test.ts", 'import { families } from "../../db/schema/index.ts";'],
  ])("%s: %s", async (filePath, code) => {
    expect(await importRulesFired(filePath, code)).toEqual([]);
  });
});
