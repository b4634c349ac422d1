/*
 * Not a .server module: the journal page's filter renders these labels in the
 * browser too (a .server module is empty in the client bundle).
 */

/**
 * French labels of the actions the trail knows, for the journal's filter and
 * rows. Colleagues add theirs here; an unknown action is shown as is.
 */
export const AUDIT_ACTION_LABELS: Record<string, string> = {
  "agent.login": "Connexion",
  "agent.login_refused": "Connexion refusée",
  "agent.logout": "Déconnexion",
  "agent.logout_everywhere": "Déconnexion de toutes les sessions",
  "settings.updated": "Paramètres modifiés",
  "settings.connection_tested": "Connexion testée",
  "invitation.created": "Invitation envoyée",
  "invitation.cancelled": "Invitation annulée",
  "mail_preferences.updated": "Préférences de courriels modifiées",
  "mail_preferences.unsubscribed": "Désabonnement d’un courriel (lien du courriel)",
  "invitation.accepted": "Invitation acceptée",
  "membership.created": "Accès accordé",
  "membership.role_changed": "Rôle modifié",
  "membership.revoked": "Accès retiré",
  "join_request.created": "Demande d'accès",
  "join_request.accepted": "Demande d'accès acceptée",
  "join_request.refused": "Demande d'accès refusée",
  "collectivity.created": "Commune créée",
  "collectivity.registered_by_api": "Commune enregistrée par API Particulier",
  "collectivity.activated": "Commune activée",
  "collectivity.completed": "Commune complétée",
  "collectivity.deactivated": "Commune désactivée",
  "family_file.viewed": "Dossier consulté",
  "family_file.exported": "Export de dossiers",
  "family_file.export_downloaded": "Export téléchargé",
  "family_file.status_changed": "Statut de dossier modifié",
  "family_file.erased": "Dossier supprimé (droit à l’effacement)",
  "family_files.purged": "Dossiers expirés supprimés",
  "data_retention.updated": "Durée de conservation modifiée",
  "attachment.downloaded": "Pièce jointe téléchargée",
  "inbox.polled": "Relève HubEE",
  "qf_campaign.started": "Mise à jour des QF lancée",
  "qf_campaign.finished": "Mise à jour des QF terminée",
  "qf_campaign.paused": "Mise à jour des QF suspendue",
  "qf_campaign.resumed": "Mise à jour des QF reprise",
  "qf_campaign.stopped": "Mise à jour des QF arrêtée",
  "tariff_brackets.updated": "Tranches de QF modifiées",
  "webhook_endpoint.created": "Webhook ajouté",
  "webhook_endpoint.updated": "Webhook modifié",
  "webhook_endpoint.secret_rotated": "Secret de webhook renouvelé",
  "webhook_endpoint.deleted": "Webhook supprimé",
  "webhook_endpoint.disabled": "Webhook désactivé",
  "webhook_endpoint.enabled": "Webhook réactivé",
  "webhook_endpoint.tested": "Webhook testé",
  "webhook_delivery.replayed": "Envoi de webhook rejoué",
  "qf_lookup.performed": "Recherche de QF par identité",
  "qf_lookup.saved": "QF enregistré depuis une recherche",
};
