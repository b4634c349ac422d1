import { cx, type HeadingTag } from "./shared";

export interface ErrorSummaryItem {
  /** Id of the field the link moves to: for a group of radios or boxes, its first one. */
  fieldId: string;
  label: string;
  message: string;
}

/**
 * The errors of a submitted form, in a DSFR error alert above it: announced as the page changes
 * (role="alert"), each one a link to its field, so that an error below the fold is not missed.
 */
export function ErrorSummary({
  items,
  titleAs: Title = "h2",
  className = "fr-mb-4w",
}: {
  items: ErrorSummaryItem[];
  titleAs?: HeadingTag;
  className?: string;
}) {
  if (items.length === 0) return null;
  return (
    <div className={cx("fr-alert fr-alert--error", className)} role="alert">
      <Title className="fr-alert__title">
        {items.length === 1 ? "Un champ est à corriger" : `${items.length} champs sont à corriger`}
      </Title>
      <ul>
        {items.map((item) => (
          <li key={item.fieldId}>
            <a href={`#${item.fieldId}`}>
              {item.label} : {item.message}
            </a>
          </li>
        ))}
      </ul>
    </div>
  );
}
