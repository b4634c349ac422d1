import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { Alert } from "~/components/dsfr/alert";
import { Badge } from "~/components/dsfr/badge";
import { Breadcrumb } from "~/components/dsfr/breadcrumb";
import { Button } from "~/components/dsfr/button";
import { cx } from "~/components/dsfr/shared";
import { Table } from "~/components/dsfr/table";
import { CloseFileConfirmation } from "~/components/portal/close-file-confirmation";
import { formatDateFr, formatMonthYear, formatQuotient, genderLabel } from "~/domain/format";
import { getConfig } from "~/config.server";
import { getDatabase } from "~/db.server";
import { FRANCE_COG } from "~/domain/pivot-identity";
import { describeBirthplace } from "~/geo/insee-cog.server";
import { notFound, requireMembership } from "~/portal/access/access.server";
import { recordAudit, recordAuditUnlessRecent } from "~/audit/audit.server";
import { latestUnsuccessfulCampaignOutcome } from "~/portal/campaigns/family-campaign-outcome.server";
import { ageFromBirthdate, formatAge } from "~/domain/family-age";
import { changeFamilyStatus, isUuid, loadFamilyFile, saveAnnotation } from "~/portal/family-files/family-file.server";
import {
  CONFIRMATION_PARAM,
  CONFIRMATION_VALUE,
  isConfirmed,
  isStatusAction,
  requiresConfirmation,
  STATUS_ACTIONS,
} from "~/portal/family-files/family-status";
import { hubeeInboxSettings, receiverFor } from "~/portal/hubee-reception/hubee-inboxes.server";
import { loadHubeeSiCredentials } from "~/portal/settings/hubee-si-credentials.server";
import { parseInboxQuery, STATUS_LABELS } from "~/portal/dossiers/dossier-list-query";
import { inboxNeighbours } from "~/portal/dossiers/dossier-list-query.server";
import { formatDate, formatDateTime } from "~/domain/paris-time";
import { bracketFor, formatBracketRange } from "~/portal/settings/tariff-brackets";
import { loadTariffBrackets } from "~/portal/settings/tariff-brackets.server";
import type { FamilyMember } from "../../../db/schema/index.ts";

export const meta: MetaFunction = () => [{ title: "Dossier famille - Espace agents - Portail QF" }];

/** One consultation per agent and file in this window (the loader runs again after every action here). */
export const FILE_VIEW_AUDIT_WINDOW_MS = 10 * 60_000;

const QF_SOURCE_LABELS = {
  transmission: "Transmission",
  yearly_update: "Mise à jour annuelle",
  manual_lookup: "Recherche manuelle",
};
const HUBEE_STATUS_LABELS: Record<string, string> = {
  SI_RECEIVED: "Reçu par la commune",
  SI_INTG_ERROR: "Erreur d’intégration",
  IN_PROGRESS: "Pris en charge",
  DONE: "Traité",
  REFUSED: "Refusé",
  CLOSED: "Clôturé",
};
const providerShort = (provider: "CNAF" | "MSA" | null) => (provider === "MSA" ? "MSA" : "CAF");

/** The inbox query the agent came from (the `retour` param), kept as a query string. */
function backQuery(url: URL): string {
  const raw = url.searchParams.get("retour") ?? "";
  return raw.length > 2000 ? "" : raw;
}

/**
 * Where the person was born, by name with the INSEE code agents may need to key it elsewhere;
 * a former commune (absent from the COG file) as the name and département it was saved with.
 */
function birthplaceLabel(family: {
  birthplace: string | null;
  birthcountry: string | null;
  birthplaceName: string | null;
  birthDepartement: string | null;
}): string | null {
  if (family.birthplace)
    return `${describeBirthplace(family.birthplace, FRANCE_COG)} — code INSEE ${family.birthplace}`;
  if (family.birthplaceName) return `${family.birthplaceName} (${family.birthDepartement ?? "?"}), ancienne commune`;
  if (!family.birthcountry) return null;
  return family.birthcountry === FRANCE_COG ? "France" : describeBirthplace(null, family.birthcountry);
}

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const { agent, collectivity, membership } = await requireMembership(request, params.siret);
  if (!isUuid(params.familyId)) throw notFound();
  const db = await getDatabase();
  const file = await loadFamilyFile(db, collectivity.id, params.familyId);
  if (!file) throw notFound();
  await recordAuditUnlessRecent(
    db,
    {
      actor: agent.id,
      collectivityId: collectivity.id,
      action: "family_file.viewed",
      targetType: "family",
      targetId: file.family.id,
      requestId: context.requestId,
    },
    FILE_VIEW_AUDIT_WINDOW_MS,
  );
  const url = new URL(request.url);
  const retour = backQuery(url);
  const neighbours = await inboxNeighbours(
    db,
    collectivity.id,
    parseInboxQuery(new URLSearchParams(retour)),
    file.family.id,
  );
  const now = new Date();
  const { family } = file;
  const bracket = bracketFor(family.qfValue, await loadTariffBrackets(db, collectivity.id));
  const campaignOutcome = await latestUnsuccessfulCampaignOutcome(db, collectivity.id, family.id);
  const member = (m: FamilyMember) => ({
    name: [
      m.nom_usage && m.nom_usage !== m.nom_naissance
        ? `${m.nom_usage} (nom de naissance : ${m.nom_naissance})`
        : m.nom_naissance,
      m.prenoms,
    ].join(" "),
    birthdate: formatDateFr(m.date_naissance),
    age: formatAge(ageFromBirthdate(m.date_naissance, now)),
    sex: m.sexe === "F" ? "Féminin" : "Masculin",
  });
  return {
    commune: { name: collectivity.name, siret: collectivity.siret },
    retour,
    neighbours,
    // « Traité » leads here first; only a file still in progress can be closed.
    confirming: url.searchParams.get(CONFIRMATION_PARAM) === CONFIRMATION_VALUE && family.status === "in_progress",
    canErase: membership.role === "admin",
    // A 404, 422 or failure of the last campaign: nothing was deleted, but the agent is told.
    campaignOutcome: campaignOutcome
      ? {
          status: campaignOutcome.status,
          message: campaignOutcome.message,
          href: `/portail/communes/${collectivity.siret}/campagnes/${campaignOutcome.campaignId}?liste=${campaignOutcome.status}`,
        }
      : null,
    family: {
      id: family.id,
      name: [family.familyName, family.givenNames].filter(Boolean).join(" ") || "Identité illisible",
      familyName: family.familyName,
      givenNames: family.givenNames,
      gender: family.gender ? genderLabel(family.gender) : null,
      birthdate: family.birthdate ? formatDateFr(family.birthdate) : null,
      birthplace: birthplaceLabel(family),
      status: family.status,
      ingestionError: family.ingestionError,
      externalId: family.externalId,
      receivedOn: formatDate(family.receivedAt),
      qf:
        family.qfValue !== null
          ? {
              value: formatQuotient(family.qfValue),
              period: family.qfMois && family.qfAnnee ? formatMonthYear(family.qfMois, family.qfAnnee) : null,
              provider: providerShort(family.qfProvider),
              bracket: bracket ? { label: bracket.label, range: formatBracketRange(bracket) } : null,
            }
          : null,
      allocataires: family.members.allocataires.map(member),
      enfants: family.members.enfants.map(member),
      address: family.address
        ? [
            family.address.destinataire,
            family.address.complement_information,
            family.address.complement_information_geographique,
            family.address.numero_libelle_voie,
            family.address.lieu_dit,
            family.address.code_postal_ville,
            family.address.pays,
          ].filter((line): line is string => Boolean(line))
        : null,
    },
    history: file.history.map((h) => ({
      id: h.id,
      year: h.annee,
      period: formatMonthYear(h.mois, h.annee),
      value: formatQuotient(h.value),
      provider: providerShort(h.provider),
      source: QF_SOURCE_LABELS[h.source],
    })),
    attachments: file.attachments.map((a) => ({
      id: a.id,
      fileName: a.fileName,
      size: a.size,
      type: a.mimeType,
      digestVerified: a.digestVerified,
    })),
    timeline: [
      ...file.cases.map((c) => ({
        key: `case-${c.id}`,
        at: c.receivedAt.getTime(),
        when: formatDateTime(c.receivedAt),
        label: c.ingestionError ? "Télédossier reçu, illisible" : "Télédossier reçu",
        detail: c.reference ? `Référence ${c.reference}` : null,
        status: HUBEE_STATUS_LABELS[c.hubeeStatus] ?? c.hubeeStatus,
      })),
      ...file.changes.map((c) => ({
        key: `change-${c.id}`,
        at: c.createdAt.getTime(),
        when: formatDateTime(c.createdAt),
        label: HUBEE_STATUS_LABELS[c.toStatus] ?? c.toStatus,
        detail: `${[c.agentGivenName, c.agentUsualName].filter(Boolean).join(" ") || "Agent"} : « ${c.message} »`,
        status: c.toStatus,
      })),
    ].sort((a, b) => a.at - b.at),
    annotation: file.annotation
      ? { body: file.annotation.body, updatedAt: formatDateTime(file.annotation.updatedAt) }
      : null,
  };
}

type ActionResult = {
  ok: boolean;
  message: string;
  field?: "message";
  /** The refusal's reason as typed, given back after a failure so that it is not typed again. */
  reason?: string;
  /** The post lacked the confirmation: nothing was changed, the confirmation is shown instead. */
  confirm?: true;
};

export async function action({ request, params, context }: ActionFunctionArgs) {
  const { agent, collectivity } = await requireMembership(request, params.siret);
  if (!isUuid(params.familyId)) throw notFound();
  const familyId = params.familyId;
  const db = await getDatabase();
  const file = await loadFamilyFile(db, collectivity.id, familyId);
  if (!file) throw notFound();
  const form = await request.formData();
  const intent = form.get("intent");

  if (intent === "annoter") {
    const body = String(form.get("annotation") ?? "").slice(0, 10_000);
    await saveAnnotation(db, { collectivityId: collectivity.id, familyId, agentId: agent.id, body });
    return { ok: true, message: "Note enregistrée." } satisfies ActionResult;
  }
  if (!isStatusAction(intent)) return data<ActionResult>({ ok: false, message: "Action inconnue." }, { status: 400 });
  if (requiresConfirmation(intent) && !isConfirmed(form)) {
    return data<ActionResult>(
      { ok: false, confirm: true, message: "Confirmez que ce dossier est traité." },
      { status: 400 },
    );
  }

  const settings = hubeeInboxSettings(getConfig());
  const result = await changeFamilyStatus(db, {
    collectivity: { id: collectivity.id, name: collectivity.name },
    familyId,
    agentId: agent.id,
    action: intent,
    message: String(form.get("message") ?? ""),
    receiver: async () => {
      const [credentials] = await loadHubeeSiCredentials(db, settings.encryptionKey, {
        collectivityId: collectivity.id,
      });
      return credentials ? receiverFor(credentials, settings) : null;
    },
  });
  if (!result.ok) {
    return data<ActionResult>(
      {
        ok: false,
        message: result.error,
        field: result.field,
        // Bounded: what comes back is what the agent could have typed, not a forged megabyte.
        reason: intent === "refuser" ? String(form.get("message") ?? "").slice(0, 10_000) : undefined,
      },
      { status: 400 },
    );
  }
  await recordAudit(db, {
    actor: agent.id,
    collectivityId: collectivity.id,
    action: "family_file.status_changed",
    targetType: "family",
    targetId: familyId,
    requestId: context.requestId,
    details: { from: STATUS_ACTIONS[intent].from, to: result.status },
  });
  // The notice says honestly whether HubEE has been told yet (a report may still be owed).
  return { ok: true, message: result.notice } satisfies ActionResult;
}

export default function FamilyFile() {
  const {
    commune,
    retour,
    neighbours,
    confirming,
    family,
    history,
    attachments,
    timeline,
    annotation,
    canErase,
    campaignOutcome,
  } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const busy = navigation.state !== "idle";
  const inbox = `/portail/communes/${commune.siret}/dossiers`;
  const withRetour = (id: string) => `${inbox}/${id}${retour ? `?retour=${encodeURIComponent(retour)}` : ""}`;
  const failed = actionData && !actionData.ok ? actionData : null;
  const reasonError = failed?.field === "message" ? failed.message : undefined;
  const byYear = new Map<number, typeof history>();
  for (const entry of history) byYear.set(entry.year, [...(byYear.get(entry.year) ?? []), entry]);

  const fileHref = withRetour(family.id);
  // A post that lacked the confirmation shows it in place of an error, if the file can still be closed.
  const unconfirmed = family.status === "in_progress" && actionData && "confirm" in actionData && actionData.confirm;
  const statusForm = (intent: "prendre", priority: "primary" | "secondary" = "primary") => (
    <Form method="post" className="fr-mb-2w">
      <input type="hidden" name="intent" value={intent} />
      <Button type="submit" priority={priority} disabled={busy}>
        {STATUS_ACTIONS[intent].label}
      </Button>
    </Form>
  );

  return (
    <div className="fr-container fr-my-4w">
      <Breadcrumb
        segments={[
          { label: "Espace agents", to: "/portail" },
          { label: commune.name, to: `/portail/communes/${commune.siret}` },
          { label: "Dossiers", to: `${inbox}${retour ? `?${retour}` : ""}` },
        ]}
        currentPageLabel={family.name}
      />
      <nav aria-label="Dossiers de la recherche" className="fr-mb-2w">
        <ul className="fr-btns-group fr-btns-group--inline fr-btns-group--sm">
          <li>
            <Link
              className="fr-btn fr-btn--sm fr-btn--tertiary fr-icon-arrow-left-line fr-btn--icon-left"
              to={`${inbox}${retour ? `?${retour}` : ""}`}
            >
              Retour à la liste
            </Link>
          </li>
          {neighbours.previous ? (
            <li>
              <Link className="fr-btn fr-btn--sm fr-btn--tertiary" to={withRetour(neighbours.previous)} rel="prev">
                Dossier précédent
              </Link>
            </li>
          ) : null}
          {neighbours.next ? (
            <li>
              <Link className="fr-btn fr-btn--sm fr-btn--tertiary" to={withRetour(neighbours.next)} rel="next">
                Dossier suivant
              </Link>
            </li>
          ) : null}
        </ul>
      </nav>

      <h1 className="fr-mb-1w">{family.name}</h1>
      <Badge type={family.status === "error" ? "error" : family.status === "done" ? "success" : "info"}>
        {STATUS_LABELS[family.status]}
      </Badge>
      {actionData && !unconfirmed ? (
        <Alert
          type={actionData.ok ? "success" : "error"}
          small
          announce
          className="fr-mb-3w"
          description={actionData.message}
        />
      ) : null}
      {family.ingestionError ? (
        <Alert
          type="error"
          title="Télédossier illisible"
          titleAs="h2"
          description={family.ingestionError}
          className="fr-mb-3w"
        />
      ) : null}

      <div className="fr-grid-row fr-grid-row--gutters">
        <div className="fr-col-12 fr-col-md-8">
          <h2>Demandeur</h2>
          <dl>
            <dt className="fr-text--bold">Nom de naissance</dt>
            <dd>{family.familyName ?? "—"}</dd>
            <dt className="fr-text--bold">Prénoms</dt>
            <dd>{family.givenNames ?? "—"}</dd>
            <dt className="fr-text--bold">Sexe</dt>
            <dd>{family.gender ?? "—"}</dd>
            <dt className="fr-text--bold">Date de naissance</dt>
            <dd>{family.birthdate ?? "—"}</dd>
            <dt className="fr-text--bold">Lieu de naissance</dt>
            <dd>{family.birthplace ?? "—"}</dd>
            <dt className="fr-text--bold">N° de dossier de la commune</dt>
            <dd>{family.externalId ?? "—"}</dd>
            <dt className="fr-text--bold">Dernière transmission</dt>
            <dd>{family.receivedOn}</dd>
          </dl>

          <h2>Quotient familial</h2>
          {family.qf ? (
            <p className="fr-text--lead" data-testid="qf-courant">
              {family.qf.value}{" "}
              <span className="fr-text--md">
                — {family.qf.period} · {family.qf.provider}
              </span>
            </p>
          ) : (
            <p>Aucun quotient familial connu pour ce dossier.</p>
          )}
          {campaignOutcome ? (
            <Alert
              type={campaignOutcome.status === "not_found" ? "info" : "warning"}
              small
              className="fr-mb-2w"
              description={
                <>
                  <span data-testid="resultat-campagne">{campaignOutcome.message}</span>{" "}
                  <Link to={campaignOutcome.href}>Voir la campagne</Link>
                </>
              }
            />
          ) : null}
          {family.qf?.bracket ? (
            <p data-testid="tranche">
              Tranche : <strong>{family.qf.bracket.label}</strong> (QF {family.qf.bracket.range})
            </p>
          ) : null}
          {history.length > 0 ? (
            <Table
              caption="Historique du quotient familial, par année"
              size="sm"
              headers={["Année", "Période", "Montant", "Organisme", "Origine"]}
              rows={[...byYear.entries()].flatMap(([year, entries]) =>
                entries.map((entry) => ({
                  key: entry.id,
                  cells: [String(year), entry.period, entry.value, entry.provider, entry.source],
                })),
              )}
            />
          ) : null}

          <h2>Allocataires</h2>
          {family.allocataires.length === 0 ? (
            <p>Aucun allocataire.</p>
          ) : (
            <Table
              caption="Allocataires"
              hideCaption
              size="sm"
              rowHeaders
              headers={["Nom et prénoms", "Date de naissance", "Sexe"]}
              rows={family.allocataires.map((m, i) => ({ key: String(i), cells: [m.name, m.birthdate, m.sex] }))}
            />
          )}
          <h2>Enfants</h2>
          {family.enfants.length === 0 ? (
            <p>Aucun enfant déclaré.</p>
          ) : (
            <Table
              caption="Enfants"
              hideCaption
              size="sm"
              rowHeaders
              headers={["Nom et prénoms", "Date de naissance", "Âge", "Sexe"]}
              rows={family.enfants.map((m, i) => ({ key: String(i), cells: [m.name, m.birthdate, m.age, m.sex] }))}
            />
          )}
          <h2>Adresse</h2>
          {family.address ? (
            <address>
              {family.address.map((line, i) => (
                <span key={i}>
                  {line}
                  <br />
                </span>
              ))}
            </address>
          ) : (
            <p>Adresse non transmise.</p>
          )}

          <h2>Pièces jointes</h2>
          {attachments.length === 0 ? (
            <p>Aucune pièce jointe.</p>
          ) : (
            <ul>
              {attachments.map((a) => (
                <li key={a.id}>
                  <a
                    className="fr-link fr-link--download"
                    download
                    href={`${inbox}/${family.id}/pieces-jointes/${a.id}`}
                  >
                    {a.fileName}
                    <span className="fr-link__detail">
                      {a.type} – {Math.max(1, Math.round(a.size / 1024))} Ko
                      {a.digestVerified ? "" : " – empreinte non vérifiée"}
                    </span>
                  </a>
                </li>
              ))}
            </ul>
          )}
        </div>

        <div className="fr-col-12 fr-col-md-4">
          <h2>Traitement</h2>
          {family.status === "received" ? statusForm("prendre") : null}
          {family.status === "in_progress" ? (
            <>
              {confirming || unconfirmed ? (
                <CloseFileConfirmation action={fileHref} cancelTo={fileHref} busy={busy} announce={unconfirmed} />
              ) : (
                // A GET to this page with the confirmation's query: no click closes the file by itself.
                <Form method="get" action={`${inbox}/${family.id}`} className="fr-mb-2w">
                  {retour ? <input type="hidden" name="retour" value={retour} /> : null}
                  <input type="hidden" name={CONFIRMATION_PARAM} value={CONFIRMATION_VALUE} />
                  <Button type="submit" disabled={busy}>
                    {STATUS_ACTIONS.traiter.label}
                  </Button>
                </Form>
              )}
              <Form method="post" className="fr-mb-2w">
                <input type="hidden" name="intent" value="refuser" />
                <div className={cx("fr-input-group", reasonError && "fr-input-group--error")}>
                  <label className="fr-label" htmlFor="message">
                    Motif du refus
                    <span className="fr-hint-text">Transmis au demandeur par HubEE</span>
                  </label>
                  <textarea
                    className="fr-input"
                    id="message"
                    name="message"
                    rows={3}
                    required
                    maxLength={1000}
                    defaultValue={failed?.reason ?? ""}
                    aria-invalid={reasonError ? true : undefined}
                    aria-describedby={reasonError ? "message-error" : undefined}
                  />
                  <div className="fr-messages-group" id="message-messages" aria-live="polite">
                    {reasonError ? (
                      <p className="fr-message fr-message--error" id="message-error">
                        {reasonError}
                      </p>
                    ) : null}
                  </div>
                </div>
                <Button type="submit" priority="secondary" disabled={busy}>
                  Refuser
                </Button>
              </Form>
            </>
          ) : null}
          {family.status === "done" || family.status === "refused" ? <p>Ce dossier est clos pour la commune.</p> : null}
          {family.status === "error" ? (
            <p>Ce télédossier n’a pas pu être intégré : aucune action n’est possible.</p>
          ) : null}

          <h2>Suivi HubEE</h2>
          <ol className="fr-mb-3w" aria-label="Historique des statuts">
            {timeline.map((event) => (
              <li key={event.key}>
                <strong>{event.label}</strong> — {event.when}
                {event.detail ? (
                  <>
                    <br />
                    <span className="fr-text--sm">{event.detail}</span>
                  </>
                ) : null}
              </li>
            ))}
          </ol>

          <h2>Note interne</h2>
          <Form method="post">
            <input type="hidden" name="intent" value="annoter" />
            <div className="fr-input-group">
              <label className="fr-label" htmlFor="annotation">
                Note des agents
                <span className="fr-hint-text">
                  Visible des seuls agents de la commune, jamais du demandeur.
                  {annotation ? ` Modifiée le ${annotation.updatedAt}.` : ""}
                </span>
              </label>
              <textarea
                className="fr-input"
                id="annotation"
                name="annotation"
                rows={5}
                maxLength={10_000}
                defaultValue={annotation?.body ?? ""}
                key={annotation?.updatedAt ?? "vide"}
              />
            </div>
            <Button type="submit" priority="secondary" disabled={busy}>
              Enregistrer la note
            </Button>
          </Form>
          {/* The journal, like erasure, is for the commune's administrators. */}
          {canErase ? (
            <>
              <p className="fr-mt-4w">
                <Link
                  className="fr-link fr-icon-history-line fr-link--icon-left"
                  to={`/portail/communes/${commune.siret}/journal?dossier=${family.id}`}
                >
                  Historique des accès
                </Link>
              </p>
              <p>
                <Link
                  className="fr-btn fr-btn--sm fr-btn--tertiary fr-icon-delete-line fr-btn--icon-left"
                  to={`${inbox}/${family.id}/supprimer`}
                >
                  Supprimer le dossier
                </Link>
              </p>
            </>
          ) : null}
        </div>
      </div>
    </div>
  );
}
