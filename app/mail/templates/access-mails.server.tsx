import { formatDate } from "~/domain/paris-time";
import { mailLinks, renderMail } from "../render.server";
import { ActionLink, MailLayout, Paragraph } from "./layout.server";

/** Mails needed for access (never optional): invitations and requests to join a commune. */

const asRole = (role: "admin" | "agent") => (role === "admin" ? "en tant qu’administrateur" : "en tant qu’agent");

export function renderInvitationMail(input: {
  communeName: string;
  role: "admin" | "agent";
  /** The inviting administrator's name; null when the platform invites (DataPass). */
  inviterName: string | null;
  expiresAt: Date;
}) {
  const { appUrl } = mailLinks();
  const who = input.inviterName ?? "L’équipe de Portail QF";
  const subject = `Invitation à rejoindre ${input.communeName} sur Portail QF`;
  return renderMail(
    subject,
    <MailLayout
      preview={`${who} vous invite à rejoindre ${input.communeName}.`}
      appUrl={appUrl}
      reason="Vous recevez ce courriel car votre adresse a été invitée sur Portail QF."
    >
      <Paragraph>Bonjour,</Paragraph>
      <Paragraph>
        {input.inviterName
          ? `${input.inviterName} vous invite à rejoindre ${input.communeName} sur Portail QF, ${asRole(input.role)}.`
          : `Votre demande d’habilitation DataPass est validée : vous êtes invité à administrer ${input.communeName} sur Portail QF, ${asRole(input.role)}.`}
      </Paragraph>
      <Paragraph>
        Portail QF transmet à la commune le quotient familial des familles qui le demandent. Pour accepter l’invitation,
        connectez-vous avec ProConnect en utilisant cette adresse électronique : l’accès à la commune vous est ouvert à
        la première connexion.
      </Paragraph>
      <ActionLink href={`${appUrl}/portail`}>Se connecter à Portail QF</ActionLink>
      <Paragraph>{`Cette invitation expire le ${formatDate(input.expiresAt)}.`}</Paragraph>
    </MailLayout>,
  );
}

export function renderJoinRequestMail(input: { communeName: string; siret: string; requesterName: string }) {
  const { appUrl } = mailLinks();
  const url = `${appUrl}/portail/communes/${input.siret}/agents`;
  return renderMail(
    `Demande d’accès à ${input.communeName} sur Portail QF`,
    <MailLayout
      preview={`${input.requesterName} demande à rejoindre ${input.communeName}.`}
      appUrl={appUrl}
      reason={`Vous recevez ce courriel car vous administrez ${input.communeName} sur Portail QF.`}
    >
      <Paragraph>Bonjour,</Paragraph>
      <Paragraph>
        {input.requesterName} demande à rejoindre {input.communeName} sur Portail QF. Acceptez la demande si cette
        personne travaille pour la commune ; sinon, refusez-la.
      </Paragraph>
      <ActionLink href={url}>Répondre à la demande</ActionLink>
    </MailLayout>,
  );
}

export function renderJoinRequestOutcomeMail(input: { communeName: string; accepted: boolean }) {
  const { appUrl } = mailLinks();
  return renderMail(
    input.accepted
      ? `Votre demande d’accès à ${input.communeName} est acceptée`
      : `Votre demande d’accès à ${input.communeName} est refusée`,
    <MailLayout
      preview={input.accepted ? "Votre demande est acceptée." : "Votre demande est refusée."}
      appUrl={appUrl}
      reason="Vous recevez ce courriel car vous avez demandé à rejoindre une commune sur Portail QF."
    >
      <Paragraph>Bonjour,</Paragraph>
      {input.accepted ? (
        <>
          <Paragraph>
            Un administrateur de {input.communeName} a accepté votre demande : vous pouvez consulter les dossiers de la
            commune en vous connectant avec ProConnect.
          </Paragraph>
          <ActionLink href={`${appUrl}/portail`}>Se connecter à Portail QF</ActionLink>
        </>
      ) : (
        <Paragraph>
          Un administrateur de {input.communeName} a refusé votre demande. Si c’est une erreur, adressez-vous
          directement au service de la commune qui gère Portail QF.
        </Paragraph>
      )}
    </MailLayout>,
  );
}
