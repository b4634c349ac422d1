import type { ReactNode } from "react";
import { cx } from "./shared";

export type BadgeType = "success" | "error" | "info" | "warning" | "new";

type BadgeProps = {
  children: ReactNode;
  /** A system badge (with its icon); omit for a neutral badge. */
  type?: BadgeType;
  small?: boolean;
  noIcon?: boolean;
};

/** DSFR "badge": the status of an item (e.g. a file in a list). */
export function Badge({ children, type, small, noIcon }: BadgeProps) {
  return (
    <p className={cx("fr-badge", type && `fr-badge--${type}`, small && "fr-badge--sm", noIcon && "fr-badge--no-icon")}>
      {children}
    </p>
  );
}
