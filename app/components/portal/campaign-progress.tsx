/**
 * A campaign's progress: a native <progress> (its role is progressbar, with the value and
 * the maximum exposed to assistive technologies) and the same numbers as text, since a bar
 * alone says nothing to many readers. DSFR has no progress bar: the look is a thin track in
 * the DSFR blue (the .qf-progress rule in app/styles/app.css).
 */
export function CampaignProgress({
  done,
  total,
  rateText,
  endText,
}: {
  done: number;
  total: number;
  rateText: string | null;
  endText: string | null;
}) {
  const percent = total === 0 ? 100 : Math.floor((done / total) * 100);
  const label = `${done.toLocaleString("fr-FR")} sur ${total.toLocaleString("fr-FR")} familles traitées (${percent} %)`;
  return (
    <div className="fr-mb-3w">
      <p className="fr-mb-1w" id="campaign-progress-label">
        <strong>{label}</strong>
      </p>
      <progress
        className="qf-progress"
        max={Math.max(total, 1)}
        value={total === 0 ? 1 : done}
        aria-labelledby="campaign-progress-label"
        aria-valuetext={label}
        data-testid="campaign-progress"
      >
        {percent} %
      </progress>
      {rateText || endText ? (
        <p className="fr-text--sm fr-mt-1w">{[rateText, endText].filter(Boolean).join(" · ")}</p>
      ) : null}
    </div>
  );
}
