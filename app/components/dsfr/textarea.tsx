import type { ReactNode, TextareaHTMLAttributes } from "react";
import { cx } from "./shared";

type TextareaProps = Omit<TextareaHTMLAttributes<HTMLTextAreaElement>, "id" | "name"> & {
  name: string;
  /** Defaults to `name`. */
  id?: string;
  label: ReactNode;
  /** Shown under the label (format, example): part of the accessible name, like in DSFR. */
  hint?: ReactNode;
  /** Error message; marks the field invalid and describes it. */
  error?: string;
};

/** DSFR "zone de texte": a multi-line field with its label, hint and error message, like `Input`. */
export function Textarea({ name, id = name, label, hint, error, className, ...rest }: TextareaProps) {
  const errorId = `${id}-error`;
  const describedBy = cx(rest["aria-describedby"], error && errorId) || undefined;
  return (
    <div className={cx("fr-input-group", error && "fr-input-group--error", className)}>
      <label className="fr-label" htmlFor={id}>
        {label}
        {hint ? <span className="fr-hint-text">{hint}</span> : null}
      </label>
      <textarea
        {...rest}
        className="fr-input"
        id={id}
        name={name}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy}
      />
      <div className="fr-messages-group" id={`${id}-messages`} aria-live="polite">
        {error ? (
          <p className="fr-message fr-message--error" id={errorId}>
            {error}
          </p>
        ) : null}
      </div>
    </div>
  );
}
