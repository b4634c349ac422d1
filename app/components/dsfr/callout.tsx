import type { ReactNode } from "react";
import { cx, type HeadingTag } from "./shared";

type CalloutProps = {
  title?: string;
  titleAs?: HeadingTag;
  /** Inline content of the highlighted paragraph. */
  text: ReactNode;
  /** Optional action under the text, e.g. a <ButtonLink>. */
  children?: ReactNode;
  /** A DSFR icon class, e.g. "fr-icon-information-line". */
  icon?: string;
};

/** DSFR "mise en avant": information the reader should not miss, outside of any alert. */
export function Callout({ title, titleAs: Title = "h3", text, children, icon }: CalloutProps) {
  return (
    <div className={cx("fr-callout", icon)}>
      {title ? <Title className="fr-callout__title">{title}</Title> : null}
      <p className="fr-callout__text">{text}</p>
      {children}
    </div>
  );
}
