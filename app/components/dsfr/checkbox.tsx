import type { InputHTMLAttributes, ReactNode } from "react";
import { cx } from "./shared";

type CheckboxProps = Omit<InputHTMLAttributes<HTMLInputElement>, "id" | "name" | "type"> & {
  name: string;
  /** Defaults to `name`. */
  id?: string;
  label: ReactNode;
  hint?: ReactNode;
  error?: string;
  small?: boolean;
};

/** DSFR "case à cocher" (a single one, e.g. a consent), with hint and error message. */
export function Checkbox({ name, id = name, label, hint, error, small, className, ...rest }: CheckboxProps) {
  const errorId = `${id}-error`;
  const describedBy = cx(rest["aria-describedby"], error && errorId) || undefined;
  return (
    <div
      className={cx(
        "fr-checkbox-group",
        small && "fr-checkbox-group--sm",
        error && "fr-checkbox-group--error",
        className,
      )}
    >
      <input
        {...rest}
        type="checkbox"
        id={id}
        name={name}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy}
      />
      <label className="fr-label" htmlFor={id}>
        {label}
        {hint ? <span className="fr-hint-text">{hint}</span> : null}
      </label>
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
