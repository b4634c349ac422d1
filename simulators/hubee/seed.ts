import { createHash } from "node:crypto";
import { DEMO_COMMUNES, DEMO_EDITOR_COMMUNES, FOREIGN_PROCESS_CODE } from "../demo-data.ts";
import { FORMULAIRE_QF, injectFolder } from "./injection.ts";
import type { OrganizationIdentifier, StoredSubscription } from "./model.ts";
import { INJECTED_SENDER_OSL, PORTAIL_QF_OSL, organization, organizationKey } from "./organizations.ts";
import { ACTIVE } from "./subscriptions.ts";
import type { HubeeStore } from "./store.ts";

/** The demo world of HubEE, rebuilt on every reset. */

/** Name-based UUID, so seeded ids survive resets and restarts. */
export function stableUuid(name: string): string {
  const hex = createHash("sha1").update(`hubee-simulator:${name}`).digest("hex");
  const variant = ((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

const SUBSCRIBED_AT = "2025-01-06T09:00:00.000Z";

function slug(name: string): string {
  return name
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-");
}

function communeLabel(name: string): string {
  return /^[AEIOUY]/i.test(name) ? `Commune d'${name}` : `Commune de ${name}`;
}

function subscription(
  datapassId: number,
  processCode: string,
  subscriber: OrganizationIdentifier,
  name: string,
  email: string,
  /** The editor's technical delegate, for a commune that goes through a software editor. */
  delegationActor: { email: string } | null = null,
): StoredSubscription {
  return {
    id: stableUuid(`subscription:${processCode}:${organizationKey(subscriber)}`),
    datapassId,
    processCode,
    subscriber: { ...subscriber, name },
    accessMode: "API",
    notificationFrequency: "unitaire",
    activateDateTime: SUBSCRIBED_AT,
    validateDateTime: SUBSCRIBED_AT,
    rejectDateTime: null,
    endDateTime: null,
    updateDateTime: SUBSCRIBED_AT,
    delegationActor,
    rejectionReason: null,
    status: ACTIVE,
    email,
    localAdministrator: { email },
  };
}

/**
 * Communes flagged hubeeSubscribed receive FormulaireQF, and so do the communes
 * of a software editor (Nantes: its editor reads the queue with its own SI
 * client, delegated by the commune). Every commune (Rennes included) is
 * subscribed to the foreign démarche, whose notifications share the queue.
 * Both senders may send what they need.
 */
export function demoSubscriptions(): StoredSubscription[] {
  const rows: StoredSubscription[] = [];
  let datapassId = 14_600;
  for (const commune of DEMO_COMMUNES) {
    const si = organization("SI", commune.siret, commune.codeCog);
    const email = `hubee@${slug(commune.name)}.fr`;
    const codes = commune.hubeeSubscribed ? [FORMULAIRE_QF, FOREIGN_PROCESS_CODE] : [FOREIGN_PROCESS_CODE];
    for (const code of codes) rows.push(subscription(datapassId++, code, si, communeLabel(commune.name), email));
  }
  for (const commune of DEMO_EDITOR_COMMUNES) {
    const si = organization("SI", commune.siret, commune.codeCog);
    const email = `hubee@${slug(commune.name)}.fr`;
    const delegate = { email: `hubee@${slug(commune.editor)}.fr` };
    for (const code of [FORMULAIRE_QF, FOREIGN_PROCESS_CODE]) {
      rows.push(subscription(datapassId++, code, si, communeLabel(commune.name), email, delegate));
    }
  }
  rows.push(subscription(datapassId++, FORMULAIRE_QF, PORTAIL_QF_OSL, "Portail QF", "hubee@portail-qf.fr"));
  for (const code of [FORMULAIRE_QF, FOREIGN_PROCESS_CODE]) {
    rows.push(subscription(datapassId++, code, INJECTED_SENDER_OSL, "Formulaire QF national", "hubee@numerique.fr"));
  }
  return rows;
}

/** The commune whose queue holds a foreign démarche's notification from the start. */
export const FOREIGN_NOTIFICATION_COMMUNE = DEMO_COMMUNES[0];

export function seedDemoState(store: HubeeStore, now = new Date()): void {
  store.clear();
  store.subscriptions = demoSubscriptions();
  const birthCertificateRequest = {
    demarche: FOREIGN_PROCESS_CODE,
    acte: { nom: "MARTIN", prenoms: "Jeanne", dateNaissance: "1988-04-12" },
  };
  injectFolder(
    store,
    {
      recipientSiret: FOREIGN_NOTIFICATION_COMMUNE.siret,
      processCode: FOREIGN_PROCESS_CODE,
      externalId: "DAN-2025-000042",
      applicant: { firstName: "Jeanne", lastName: "MARTIN" },
      attachments: [
        {
          fileName: "demande.json",
          mimeType: "application/json",
          contentBase64: Buffer.from(JSON.stringify(birthCertificateRequest)).toString("base64"),
        },
      ],
    },
    now,
  );
}
