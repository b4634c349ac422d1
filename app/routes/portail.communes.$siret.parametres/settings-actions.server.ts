import type { Database } from "../../../db/client.ts";
import { recordAudit } from "~/audit/audit.server";
import { getConfig } from "~/config.server";
import { invalidFieldsMessage, parseForm, type FieldErrors } from "~/forms/parse-form";
import {
  getApiParticulierToken,
  getHubeeSiCredentials,
  saveApiParticulierToken,
  saveHubeeSiCredentials,
  savePublicPageDetails,
  saveRedirectOrigins,
} from "~/portal/settings/collectivity-settings.server";
import {
  testApiParticulierToken,
  testHubeeSiCredentials,
  type ConnectionTestResult,
} from "~/portal/settings/connection-tests.server";
import { getServices } from "~/services.server";
import {
  apiParticulierForm,
  hubeeForm,
  originsForm,
  publicPageForm,
  SECRET_FIELDS,
  type Section,
} from "./settings-forms";

/** What a section of the page shows after its form: a test's outcome, or the fields to correct. */
export interface SectionAnswer {
  section: Section;
  result: ConnectionTestResult;
  errors: FieldErrors;
  /** What the administrator typed, to show again after an error (never a secret). */
  values: Record<string, string>;
}

/** A save (its message, for the flash after the redirect), or the section's answer. */
export type SettingsOutcome = { saved: string } | { answer: SectionAnswer; status: 200 | 400 };

interface Who {
  collectivityId: string;
  siret: string;
  agentId: string;
  requestId?: string | null;
}

/**
 * Field errors, with an error alert for their section: the alert is announced (role="alert"),
 * the messages under the fields are not.
 */
const invalid = (section: Section, errors: FieldErrors, values: Record<string, string>): SettingsOutcome => ({
  answer: { section, result: { level: "error", message: invalidFieldsMessage(errors) }, errors, values },
  status: 400,
});

const tested = (section: Section, result: ConnectionTestResult, values: Record<string, string>): SettingsOutcome => ({
  answer: { section, result, errors: {}, values },
  status: 200,
});

async function auditTest(db: Database, who: Who, service: "hubee" | "api_particulier", result: ConnectionTestResult) {
  await recordAudit(db, {
    actor: who.agentId,
    collectivityId: who.collectivityId,
    action: "settings.connection_tested",
    targetType: "collectivity",
    targetId: who.collectivityId,
    requestId: who.requestId,
    details: { service, level: result.level },
  });
  return result;
}

/** Saves or tests one section of the commune's settings, as the button pressed (`section`) asks. */
export async function applySettingsForm(
  db: Database,
  section: Section,
  formData: FormData,
  who: Who,
): Promise<SettingsOutcome> {
  const { encryptionKey: key, apiParticulier, apiParticulierPacer } = getServices();
  const change = { collectivityId: who.collectivityId, actor: who.agentId, requestId: who.requestId };
  const secretFields = SECRET_FIELDS;
  switch (section) {
    case "hubee": {
      const form = parseForm(hubeeForm, formData, { secretFields });
      if (!form.success) return invalid(section, form.errors, form.values);
      const { intent, hubeeSiClientId: clientId, hubeeSiSecret: typedSecret } = form.data;
      const stored = await getHubeeSiCredentials(db, who.collectivityId, key);
      const secret = typedSecret || stored?.clientSecret || "";
      if (!secret) {
        return invalid(section, { hubeeSiSecret: "Saisissez le secret associé à cet identifiant." }, form.values);
      }
      if (intent === "save-hubee") {
        await saveHubeeSiCredentials(db, { ...change, key, clientId, clientSecret: typedSecret || null });
        return { saved: "Identifiants HubEE enregistrés." };
      }
      const result = await testHubeeSiCredentials({
        tokenUrl: getConfig().HUBEE_TOKEN_URL,
        clientId,
        clientSecret: secret,
      });
      return tested(section, await auditTest(db, who, "hubee", result), form.values);
    }
    case "apiParticulier": {
      const form = parseForm(apiParticulierForm, formData, { secretFields });
      if (!form.success) return invalid(section, form.errors, form.values);
      const { intent, apiParticulierToken: typed } = form.data;
      if (intent === "save-api-particulier") {
        await saveApiParticulierToken(db, { ...change, key, token: typed });
        return { saved: "Jeton API Particulier enregistré." };
      }
      const token = typed || (await getApiParticulierToken(db, who.collectivityId, key));
      if (!token) return invalid(section, { apiParticulierToken: "Saisissez le jeton à tester." }, form.values);
      const result = await testApiParticulierToken(apiParticulier, apiParticulierPacer(db), {
        token,
        recipientSiret: who.siret,
      });
      return tested(section, await auditTest(db, who, "api_particulier", result), form.values);
    }
    case "origins": {
      const form = parseForm(originsForm({ allowHttp: getConfig().demoMode }), formData);
      if (!form.success) return invalid(section, form.errors, form.values);
      await saveRedirectOrigins(db, { ...change, origins: form.data.redirectOrigins });
      return { saved: "Origines autorisées enregistrées." };
    }
    case "publicPage": {
      const form = parseForm(publicPageForm, formData);
      if (!form.success) return invalid(section, form.errors, form.values);
      await savePublicPageDetails(db, { ...change, details: form.data });
      return { saved: "Page publique enregistrée." };
    }
  }
}
