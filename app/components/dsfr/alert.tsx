import type { ReactNode } from "react";
import { cx, type HeadingTag } from "./shared";

export type AlertType = "info" | "success" | "warning" | "error";

type AlertProps = {
  type: AlertType;
  /** Required by DSFR for the default size; the small size has only a description. */
  title?: string;
  titleAs?: HeadingTag;
  description?: ReactNode;
  small?: boolean;
  /** "alert" for errors that appear after an action, so screen readers announce them. */
  role?: "alert" | "status";
  /**
   * The outcome of the user's action: announced, urgently for an error (role="alert"), politely
   * otherwise (role="status"). Shorthand for the matching `role`.
   */
  announce?: boolean;
  className?: string;
  /** Content beyond a sentence (a list, a form, a link): rendered after the description. */
  children?: ReactNode;
  "data-testid"?: string;
};

/** DSFR "alerte": a message about the state of the page or of the user's request. */
export function Alert({
  type,
  title,
  titleAs: Title = "h3",
  description,
  small,
  role,
  announce,
  className,
  children,
  "data-testid": testId,
}: AlertProps) {
  const liveRole = role ?? (announce ? (type === "error" ? "alert" : "status") : undefined);
  return (
    <div
      className={cx("fr-alert", `fr-alert--${type}`, small && "fr-alert--sm", className)}
      role={liveRole}
      data-testid={testId}
    >
      {title ? <Title className="fr-alert__title">{title}</Title> : null}
      {description ? <p>{description}</p> : null}
      {children}
    </div>
  );
}
