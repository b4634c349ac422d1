import { Form } from "@remix-run/react";
import type { ReactNode } from "react";
import { Button, ButtonLink, ButtonsGroup } from "~/components/dsfr/button";
import type { CampaignProgressView } from "~/portal/campaigns/campaign-progress-view.server";

/** One button in its own form: the form sends its intent only. */
function IntentButton({
  intent,
  priority,
  busy,
  children,
}: {
  intent: string;
  priority?: "secondary" | "tertiary";
  busy: boolean;
  children: ReactNode;
}) {
  return (
    <li>
      <Form method="post">
        <Button type="submit" name="intent" value={intent} priority={priority} disabled={busy}>
          {children}
        </Button>
      </Form>
    </li>
  );
}

/** Suspend, resume, stop, reload (without JavaScript) and retry, as the campaign's state allows. */
export function CampaignControls({
  status,
  counts,
  canRetry,
  refreshHref,
  busy,
}: {
  status: CampaignProgressView["status"];
  counts: CampaignProgressView["counts"];
  canRetry: boolean;
  refreshHref: string;
  busy: boolean;
}) {
  const finished = status === "done" || status === "stopped";
  const running = status === "running" || status === "pending";
  const left = counts.failed + counts.pending + counts.in_progress;
  return (
    <ButtonsGroup inline="sm" iconPosition="left">
      {status === "running" ? (
        <IntentButton intent="pause" priority="secondary" busy={busy}>
          Suspendre
        </IntentButton>
      ) : null}
      {status === "paused" ? (
        <IntentButton intent="resume" busy={busy}>
          Reprendre
        </IntentButton>
      ) : null}
      {!finished ? (
        <IntentButton intent="stop" priority="tertiary" busy={busy}>
          Arrêter
        </IntentButton>
      ) : null}
      {running ? (
        <li>
          <ButtonLink priority="tertiary-no-outline" icon="fr-icon-refresh-line" to={refreshHref}>
            Actualiser
          </ButtonLink>
        </li>
      ) : null}
      {canRetry ? (
        <IntentButton intent="retry" busy={busy}>
          Relancer les {left.toLocaleString("fr-FR")} dossiers en échec ou non traités
        </IntentButton>
      ) : null}
    </ButtonsGroup>
  );
}
