import type { FamilyFileView } from "./family-file-view.server";

/** Receptions and status changes, oldest first, as HubEE carries them to the citizen. */
export function HubeeTimeline({ timeline }: { timeline: FamilyFileView["timeline"] }) {
  return (
    <>
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
    </>
  );
}
