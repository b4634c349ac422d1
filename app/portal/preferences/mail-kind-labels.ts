import type { OptionalMailKind } from "../../../db/schema/mail-outbox.ts";

/** The optional mails as an agent chooses them on /portail/preferences. */
export const OPTIONAL_MAIL_LABELS: Record<OptionalMailKind, { label: string; hint: string }> = {
  daily_digest: {
    label: "Résumé quotidien des nouveaux dossiers",
    hint: "Chaque matin à 8 h, seulement s’il y a de nouveaux dossiers : leur nombre par onglet.",
  },
  campaign_ended: {
    label: "Fin d’une campagne de mise à jour des QF",
    hint: "Quand une campagne que vous avez lancée se termine ou s’arrête (toutes pour les administrateurs : la campagne annuelle automatique).",
  },
  integration_incident: {
    label: "Incidents API Particulier et HubEE (administrateurs)",
    hint: "Quand le jeton API Particulier ou les identifiants HubEE de la commune sont refusés, une fois par incident.",
  },
  webhook_disabled: {
    label: "Webhook désactivé (administrateurs)",
    hint: "Quand un point de terminaison de la commune est désactivé après des échecs répétés.",
  },
  export_finished: {
    label: "Export prêt ou en échec",
    hint: "Quand un export que vous avez demandé est prêt à télécharger, ou a échoué.",
  },
};

/** In the page's order (the same kinds as db/schema's OPTIONAL_MAIL_KINDS; a test checks it). */
export const PREFERENCE_KINDS = Object.keys(OPTIONAL_MAIL_LABELS) as OptionalMailKind[];
