import type { ReactNode, SelectHTMLAttributes } from "react";
import { cx } from "./shared";

export type SelectOption = { value: string; label: string; disabled?: boolean };

type SelectProps = Omit<SelectHTMLAttributes<HTMLSelectElement>, "id" | "name" | "children"> & {
  name: string;
  /** Defaults to `name`. */
  id?: string;
  label: ReactNode;
  hint?: ReactNode;
  /**
   * An information under the control (DSFR info message), which describes it: where a hint in the
   * label would push this control below its neighbours' in a row of filters.
   */
  note?: ReactNode;
  error?: string;
  options: SelectOption[];
  /** Disabled first option shown while nothing is chosen, e.g. "Sélectionner une option". */
  placeholder?: string;
};

/** DSFR "liste déroulante" with its label, hint and error message. */
export function Select({
  name,
  id = name,
  label,
  hint,
  note,
  error,
  options,
  placeholder,
  className,
  ...rest
}: SelectProps) {
  const errorId = `${id}-error`;
  const noteId = `${id}-note`;
  const describedBy = cx(rest["aria-describedby"], error && errorId, note ? noteId : null) || undefined;
  // Without a chosen value the placeholder must be the selected option, not the first real one.
  const defaultValue = placeholder && rest.value === undefined && rest.defaultValue === undefined ? "" : undefined;
  return (
    <div className={cx("fr-select-group", error && "fr-select-group--error", className)}>
      <label className="fr-label" htmlFor={id}>
        {label}
        {hint ? <span className="fr-hint-text">{hint}</span> : null}
      </label>
      <select
        defaultValue={defaultValue}
        {...rest}
        className="fr-select"
        id={id}
        name={name}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy}
      >
        {placeholder ? (
          <option value="" disabled>
            {placeholder}
          </option>
        ) : null}
        {options.map((option) => (
          <option key={option.value} value={option.value} disabled={option.disabled}>
            {option.label}
          </option>
        ))}
      </select>
      <div className="fr-messages-group" id={`${id}-messages`} aria-live="polite">
        {error ? (
          <p className="fr-message fr-message--error" id={errorId}>
            {error}
          </p>
        ) : null}
        {note ? (
          <p className="fr-message fr-message--info" id={noteId}>
            {note}
          </p>
        ) : null}
      </div>
    </div>
  );
}
