import type { ReactNode } from "react";
import { cx } from "./shared";

export interface RadioOption {
  value: string;
  label: ReactNode;
}

type RadioGroupProps = {
  name: string;
  legend: ReactNode;
  options: readonly RadioOption[];
  defaultValue?: string;
  error?: string;
  /** Options side by side (short labels, e.g. F / M). */
  inline?: boolean;
  /** Defaults to `<name>-legende`. */
  legendId?: string;
};

/**
 * DSFR "boutons radio": a fieldset whose legend names the choice. Each option's id is
 * `<name>-<value>` (an error summary links to the first); in error, the fieldset is marked and
 * its message is read with the legend (aria-labelledby), as DSFR does for groups.
 */
export function RadioGroup({ name, legend, options, defaultValue, error, inline, legendId }: RadioGroupProps) {
  const legendRef = legendId ?? `${name}-legende`;
  const errorId = `${name}-error`;
  return (
    <fieldset
      className={cx("fr-fieldset", error && "fr-fieldset--error")}
      aria-labelledby={cx(legendRef, error && errorId)}
    >
      <legend className="fr-fieldset__legend" id={legendRef}>
        {legend}
      </legend>
      {options.map(({ value, label }) => (
        <div className={cx("fr-fieldset__element", inline && "fr-fieldset__element--inline")} key={value}>
          <div className="fr-radio-group">
            <input
              type="radio"
              id={`${name}-${value}`}
              name={name}
              value={value}
              defaultChecked={defaultValue !== undefined ? defaultValue === value : undefined}
            />
            <label className="fr-label" htmlFor={`${name}-${value}`}>
              {label}
            </label>
          </div>
        </div>
      ))}
      {error ? (
        <div className="fr-messages-group">
          <p className="fr-message fr-message--error" id={errorId}>
            {error}
          </p>
        </div>
      ) : null}
    </fieldset>
  );
}
