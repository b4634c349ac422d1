/*
 * Not a .server module: labels the portal pages render.
 */

import { DISABLE_AFTER_CONSECUTIVE_FAILURES_COUNT, DISABLE_AFTER_FAILING_DAYS } from "./thresholds";

/** The notice shown to administrators for a disabled endpoint, from its machine reason. */
export function disabledNotice(reason: string | null): string {
  switch (reason) {
    case "consecutive_failures":
      return `Désactivé automatiquement : ${DISABLE_AFTER_CONSECUTIVE_FAILURES_COUNT} événements de suite n’ont pas pu être livrés malgré les nouveaux essais. Les nouveaux événements ne lui sont plus envoyés.`;
    case "failing_too_long":
      return `Désactivé automatiquement : tous les envois échouent depuis plus de ${DISABLE_AFTER_FAILING_DAYS} jours. Les nouveaux événements ne lui sont plus envoyés.`;
    case "admin":
      return "Désactivé par un administrateur de la commune. Les nouveaux événements ne lui sont plus envoyés.";
    default:
      return "Désactivé. Les nouveaux événements ne lui sont plus envoyés.";
  }
}
