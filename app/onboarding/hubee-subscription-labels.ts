/** How the platform page names a commune's FormulaireQF subscription at HubEE (rendered: not `.server`). */
export const SUBSCRIPTION_LABELS = {
  active: "Actif",
  absent: "Aucun (non proposée aux familles)",
  unknown: "Pas encore relu",
} as const;
