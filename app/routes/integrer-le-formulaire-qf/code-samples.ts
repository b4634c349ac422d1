/**
 * The code examples of the editors' page, in French like the page. They show HubEE's real
 * addresses: editors paste them as they are.
 */

export const HUBEE_TOKEN = `curl -s -u "$HUBEE_CLIENT_ID:$HUBEE_CLIENT_SECRET" \\
  -d grant_type=client_credentials -d scope=SI \\
  https://auth.hubee.numerique.gouv.fr/oauth2/token`;

export const HUBEE_POLL = `curl -s -H "Authorization: Bearer $JETON" \\
  "https://api.hubee.numerique.gouv.fr/teledossiers/v1/notifications?eventDetails=true&maxResult=25"`;

export const HUBEE_NOTIFICATION = `[
  {
    "id": "5e1c0c9e-…",
    "processCode": "FormulaireQF",
    "caseId": "c0ffee00-…",
    "eventId": null,
    "recipient": { "type": "SI", "companyRegister": "21490007900010", "branchCode": "49007" },
    "transmitter": { "type": "OSL", "companyRegister": "…", "branchCode": "…" },
    "dateTime": "2025-11-26T16:15:02Z",
    "eventActionType": null,
    "eventStatus": null
  }
]`;

export const HUBEE_LOOP = `// Toutes les 5 à 15 minutes, pour chaque commune dont vous détenez les identifiants SI.
async function releverLesDossiers(hubee) {
  for (;;) {
    const notifications = await hubee.get("/notifications?eventDetails=true&maxResult=25");
    for (const n of notifications) {
      // La file est partagée par toutes les démarches de l'identifiant :
      // ne traitez que la vôtre et ne supprimez jamais les notifications des autres.
      if (n.processCode !== "FormulaireQF") continue;
      if (n.eventId === null) {
        // Un nouveau dossier.
        const dossier = await hubee.get(\`/cases/\${n.caseId}\`);
        for (const pj of dossier.attachments) {
          const reponse = await hubee.download(\`/cases/\${n.caseId}/attachments/\${pj.id}\`);
          verifierEmpreinte(reponse.body, reponse.headers.digest); // SHA-256 en base64
          enregistrer(pj.fileName, reponse.body); // FormulaireQF.json, FormulaireQF.xml, PDF
        }
        await hubee.post(\`/cases/\${n.caseId}/events\`, {
          actionType: "STATUS_UPDATE",
          caseCurrentStatus: "SENT",
          caseNewStatus: "SI_RECEIVED",
          author: "Logiciel de la commune",
          message: "Dossier reçu par la commune",
          notification: true,
        });
        await hubee.patch(\`/cases/\${n.caseId}\`, { status: "SI_RECEIVED" });
      } else {
        // Un événement sur un dossier déjà reçu (par exemple sa clôture) : lisez-le, puis accusez réception.
        const evenement = await hubee.get(\`/cases/\${n.caseId}/events/\${n.eventId}\`);
        traiter(evenement.actionType, evenement);
        await hubee.patch(\`/cases/\${n.caseId}/events/\${n.eventId}\`, { status: "RECEIVED" });
      }
      await hubee.delete(\`/notifications/\${n.id}\`); // seulement une fois le dossier enregistré
    }
    if (notifications.length < 25) break; // pas de curseur : on relit jusqu'à une page incomplète
  }
}`;

export const STATUS_EVENT = `POST /teledossiers/v1/cases/{caseId}/events
{
  "actionType": "STATUS_UPDATE",
  "caseCurrentStatus": "IN_PROGRESS",
  "caseNewStatus": "DONE",
  "author": "Service enfance",
  "message": "Quotient familial enregistré pour la rentrée",
  "notification": true
}

PATCH /teledossiers/v1/cases/{caseId}
{ "status": "DONE" }`;

export const WEBHOOK_VERIFY = `import express from "express";
import { Webhook } from "standardwebhooks"; // npm install standardwebhooks

const webhook = new Webhook(process.env.SECRET_WEBHOOK_PORTAIL_QF); // "whsec_…"
const dejaTraites = new Set(); // en production : une table, avec une contrainte d'unicité

// Express : gardez le corps brut, la signature porte sur les octets reçus.
app.post("/webhooks/portail-qf", express.raw({ type: "application/json" }), (req, res) => {
  let evenement;
  try {
    // Vérifie webhook-signature (l'une des deux après une rotation) et l'horodatage, à 5 minutes près.
    evenement = webhook.verify(req.body.toString("utf8"), req.headers);
  } catch {
    return res.status(401).end();
  }
  const id = req.get("webhook-id");
  if (dejaTraites.has(id)) return res.status(204).end(); // un nouvel essai : déjà traité
  dejaTraites.add(id);
  // evenement.type : "dossier.recu", "qf.mis_a_jour" ou "campagne.terminee"
  res.status(204).end(); // répondez vite, traitez ensuite
});`;

/** The link a family portal shows, with a case number and the address to come back to. */
export function deepLinkHtml(appUrl: string): string {
  const deepLink = `${appUrl}/collectivites/21490007900010/me_connecter?external_id=DOSSIER-42&redirect_uri=${encodeURIComponent("https://famille.angers.fr/inscriptions/retour")}`;
  return `<a href="${deepLink.replace(/&/g, "&amp;")}">
  Transmettre mon quotient familial
</a>`;
}

export const publicApiExample = (appUrl: string) => `curl -s ${appUrl}/api/collectivites/49007`;
