import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";
import { findActiveCollectivityBySiret } from "~/citizen/collectivities.server";
import { citizenTariffs } from "~/citizen/commune-tariffs.server";
import { CitizenTariffs } from "~/components/citizen-tariffs";
import { parisToday } from "~/domain/paris-time";
import { journeyLostLocation, readCitizenSession, writeCitizenSession } from "~/citizen/journey.server";
import { createShipment, deliverNow } from "~/citizen/shipments.server";
import { Alert } from "~/components/dsfr/alert";
import { Button } from "~/components/dsfr/button";
import { Checkbox } from "~/components/dsfr/checkbox";
import { cx } from "~/components/dsfr/shared";
import { Stepper } from "~/components/dsfr/stepper";
import { LogoutButton } from "~/components/citizen-logout-button";
import { QuotientFamilialSummary } from "~/components/quotient-familial-summary";
import { getDatabase } from "~/db.server";
import { oneOf } from "~/forms/fields";
import { parseForm } from "~/forms/parse-form";
import { describeBirthplace } from "~/geo/insee-cog.server";
import { HONEYPOT_FIELD, isHoneypotFilled } from "~/http/honeypot";
import { checkRateLimit, rateLimitKey } from "~/http/rate-limit.server";
import { getServices } from "~/services.server";

export const meta: MetaFunction = () => [{ title: "Vérifier et transmettre - Portail QF" }];

async function loadReview(request: Request) {
  const session = await readCitizenSession(request);
  if (!session) throw redirect(await journeyLostLocation(request));
  if (session.shipmentReference) throw redirect("/demarche/confirmation");
  if (session.retrieval?.kind !== "ok") throw redirect(`/collectivites/${session.siret}`);
  const collectivity = await findActiveCollectivityBySiret(await getDatabase(), session.siret);
  if (!collectivity) throw redirect(`/collectivites/${session.siret}`);
  return { session, retrieval: session.retrieval, collectivity };
}

export async function loader({ request }: LoaderFunctionArgs) {
  const { session, retrieval, collectivity } = await loadReview(request);
  return {
    tariffs: await reviewTariffs(collectivity.id, retrieval),
    collectivityName: collectivity.name,
    // The commune's file number from its deep link: it travels with the QF, so the citizen sees it.
    externalId: session.externalId,
    data: retrieval.quotientFamilial,
    pivotIdentity: retrieval.pivotIdentity,
    birthplaceLabel: describeBirthplace(retrieval.pivotIdentity.birthplace, retrieval.pivotIdentity.birthcountry),
  };
}

/** Computed from the QF on each request, never stored (the confirmation keeps the prices only). */
const reviewTariffs = async (
  collectivityId: string,
  retrieval: { quotientFamilial: { quotient_familial?: { valeur: number } } },
) =>
  citizenTariffs(await getDatabase(), collectivityId, {
    qf: retrieval.quotientFamilial.quotient_familial?.valeur ?? null,
    day: parisToday(),
  });

/** A family transmits once; a few retries are fine, a flood is not. */
const TRANSMISSION_LIMIT = { limit: 10, windowMs: 10 * 60_000 };

/**
 * The rate limit is not the checkbox's fault: it has its own key, shown as an alert only,
 * so the checkbox is not marked invalid when the citizen did nothing wrong.
 */
type ReviewResult = { consentError?: string; rateLimitError?: string };

const consentFormSchema = z.object({
  consentement: oneOf(
    ["oui"],
    "Cochez la case pour accepter la transmission à votre commune, ou déconnectez-vous pour ne rien envoyer.",
  ),
});

export async function action({ request, context }: ActionFunctionArgs) {
  const { session, retrieval, collectivity } = await loadReview(request);
  const limit = checkRateLimit(rateLimitKey("transmission", context.clientIp), TRANSMISSION_LIMIT);
  if (!limit.allowed) {
    return data<ReviewResult>(
      {
        rateLimitError: `Trop de tentatives depuis votre connexion. Réessayez dans ${Math.ceil(limit.retryAfterSeconds / 60)} minute(s).`,
      },
      { status: 429, headers: { "Retry-After": String(limit.retryAfterSeconds) } },
    );
  }
  const form = await request.formData();
  // Bots fill every field: pretend nothing happened and send them back.
  if (isHoneypotFilled(form)) return redirect("/demarche/verification");
  const consent = parseForm(consentFormSchema, form);
  if (!consent.success) return data<ReviewResult>({ consentError: consent.errors.consentement }, { status: 400 });
  const { encryptionKey, hubeeSender } = getServices();
  const db = await getDatabase();
  // The review key makes a double click or a resent form return the same shipment.
  const shipment = await createShipment(db, encryptionKey, {
    collectivity,
    pivotIdentity: retrieval.pivotIdentity,
    quotientFamilial: retrieval.quotientFamilial,
    externalId: session.externalId,
    idempotencyKey: retrieval.reviewKey,
  });
  await deliverNow({ db, sender: hubeeSender, encryptionKey }, shipment.id);
  // From now on the citizen's data lives only in the encrypted shipment.
  const tariffs = await reviewTariffs(collectivity.id, retrieval);
  const cookie = await writeCitizenSession({
    ...session,
    retrieval: null,
    shipmentReference: shipment.reference,
    tariffs,
  });
  return redirect("/demarche/confirmation", { headers: { "Set-Cookie": cookie } });
}

export default function Review() {
  const {
    collectivityName,
    externalId,
    data: qf,
    pivotIdentity,
    birthplaceLabel,
    tariffs,
  } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const submitting = useNavigation().state === "submitting";
  const consentError = actionData?.consentError;
  const formError = actionData?.rateLimitError ?? consentError;
  return (
    <div className="fr-container fr-my-6w">
      <div className="fr-grid-row">
        <div className="fr-col-12 fr-col-md-10 fr-col-lg-8">
          <h1>Vérifiez les informations que recevra {collectivityName}</h1>
          {/* Under the h1: its title is an h2, and the page's own title comes first (RGAA 9.1). */}
          <Stepper title="Vérifier et transmettre" currentStep={2} stepCount={3} nextStepTitle="Confirmation" />
          <p>
            Ces informations viennent de la CAF ou de la MSA et de FranceConnect. Si elles sont fausses, ne les
            transmettez pas : contactez votre caisse pour les corriger.
          </p>
          <QuotientFamilialSummary data={qf} pivotIdentity={pivotIdentity} birthplaceLabel={birthplaceLabel} />
          <CitizenTariffs tariffs={tariffs} collectivityName={collectivityName} />
          {externalId ? (
            <p data-testid="numero-dossier-commune">
              Numéro de votre dossier à {collectivityName}, transmis avec votre quotient familial :{" "}
              <strong>{externalId}</strong>
            </p>
          ) : null}

          {/* Above the form: read before the checkbox, not found after the button. */}
          {formError ? <Alert type="error" small role="alert" description={formError} className="fr-mb-4w" /> : null}
          <Form method="post" className="fr-mb-4w">
            <fieldset className={cx("fr-fieldset", consentError && "fr-fieldset--error")}>
              <legend className="fr-fieldset__legend">Votre accord</legend>
              {/* DSFR pulls the fieldset out by its gutter: only its elements put it back in line with the page. */}
              <div className="fr-fieldset__element">
                <p className="fr-text--sm">
                  {collectivityName} recevra votre quotient familial, la composition de votre famille, votre adresse et
                  votre identité de naissance, par la plateforme d’échange de l’État (HubEE). Elle les utilise pour
                  calculer vos tarifs. Vous pouvez demander leur suppression à votre mairie.
                </p>
              </div>
              <div className="fr-fieldset__element">
                <Checkbox
                  name="consentement"
                  value="oui"
                  label={`J’accepte que ces informations soient transmises à ${collectivityName}.`}
                  error={consentError}
                  required
                />
              </div>
            </fieldset>
            {/* Hidden from people and assistive technologies; bots fill it. */}
            <div className="qf-honeypot" aria-hidden="true">
              <label htmlFor={HONEYPOT_FIELD}>Ne pas remplir</label>
              <input type="text" id={HONEYPOT_FIELD} name={HONEYPOT_FIELD} tabIndex={-1} autoComplete="off" />
            </div>
            <Button type="submit" disabled={submitting}>
              {submitting ? "Transmission en cours…" : `Transmettre à ${collectivityName}`}
            </Button>
          </Form>
          <LogoutButton label="Ne rien transmettre et me déconnecter" />
        </div>
      </div>
    </div>
  );
}
