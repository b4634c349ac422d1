import type { ReactNode } from "react";

type ExternalLinkProps = { href: string; children: ReactNode; className?: string };

/**
 * A link to another website, opened in a new window as DSFR does; the title warns users
 * of the new window (RGAA 13.2). Children must be plain text, the title repeats it.
 */
export function ExternalLink({ href, children, className }: ExternalLinkProps) {
  const text = typeof children === "string" ? children : href;
  return (
    <a
      href={href}
      className={className}
      target="_blank"
      rel="noopener noreferrer external"
      title={`${text} - nouvelle fenêtre`}
    >
      {children}
    </a>
  );
}
