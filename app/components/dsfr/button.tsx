import { Link, type LinkProps } from "@remix-run/react";
import type { ButtonHTMLAttributes, ReactNode } from "react";
import { cx } from "./shared";

type ButtonLook = {
  priority?: "primary" | "secondary" | "tertiary" | "tertiary-no-outline";
  size?: "sm" | "md" | "lg";
  /** A DSFR icon class, e.g. "fr-icon-arrow-right-line". */
  icon?: string;
  iconPosition?: "left" | "right";
};

/** Class names of a DSFR button, also used for links that look like buttons. */
export function buttonClassName({ priority = "primary", size = "md", icon, iconPosition = "left" }: ButtonLook) {
  return cx(
    "fr-btn",
    priority !== "primary" && `fr-btn--${priority}`,
    size !== "md" && `fr-btn--${size}`,
    icon,
    icon && `fr-btn--icon-${iconPosition}`,
  );
}

type ButtonProps = ButtonLook & ButtonHTMLAttributes<HTMLButtonElement>;

/** DSFR "bouton"; `type` defaults to "button" so that a button never submits a form by accident. */
export function Button({ priority, size, icon, iconPosition, className, type = "button", ...rest }: ButtonProps) {
  return (
    <button type={type} className={cx(buttonClassName({ priority, size, icon, iconPosition }), className)} {...rest} />
  );
}

type ButtonLinkProps = ButtonLook & Omit<LinkProps, "className"> & { className?: string };

/** An internal link styled as a DSFR button (navigation, not an action: keeps link semantics). */
export function ButtonLink({ priority, size, icon, iconPosition, className, ...rest }: ButtonLinkProps) {
  return <Link className={cx(buttonClassName({ priority, size, icon, iconPosition }), className)} {...rest} />;
}

type ButtonsGroupProps = {
  children: ReactNode;
  /** From which breakpoint the buttons sit side by side (stacked on small screens before that). */
  inline?: "always" | "sm" | "md" | "lg";
  /** Required when the buttons have icons: inside a group, DSFR otherwise shows icon-only buttons. */
  iconPosition?: "left" | "right";
  className?: string;
};

/** DSFR "groupe de boutons": each child must be a <li>. */
export function ButtonsGroup({ children, inline, iconPosition, className }: ButtonsGroupProps) {
  return (
    <ul
      className={cx(
        "fr-btns-group",
        inline === "always" && "fr-btns-group--inline",
        inline && inline !== "always" && `fr-btns-group--inline-${inline}`,
        iconPosition && `fr-btns-group--icon-${iconPosition}`,
        className,
      )}
    >
      {children}
    </ul>
  );
}
