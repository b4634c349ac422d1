import { useEffect, useRef, useState } from "react";

type CodeBlockProps = {
  /** The code, as the reader will copy it. */
  code: string;
  /** What the example is, for screen readers (the block is focusable so it can scroll with the keyboard). */
  label: string;
};

export const COPIED = "Copié";
export const COPY_FAILED = "Copie impossible : sélectionnez le texte du bloc puis copiez-le.";

/** The part of navigator.clipboard the button needs. */
export type ClipboardLike = Pick<Clipboard, "writeText">;

/** Copies the code; the message the live status then reads. */
export async function copyCode(clipboard: ClipboardLike, code: string): Promise<string> {
  try {
    await clipboard.writeText(code);
    return COPIED;
  } catch {
    // Refused (permissions, insecure context): the block is still there to select by hand.
    return COPY_FAILED;
  }
}

/**
 * A copyable code example: preformatted, scrolls horizontally on small screens, reachable with
 * the keyboard. The "Copier" button is progressive enhancement: it appears once the page runs
 * JavaScript with a clipboard; without it the <pre> is all there is, selectable as any text. A
 * polite live region says "Copié" after a copy.
 */
export function CodeBlock({ code, label }: CodeBlockProps) {
  const [clipboard, setClipboard] = useState<ClipboardLike | null>(null);
  const [status, setStatus] = useState("");
  const clearTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  useEffect(() => {
    // Absent over plain HTTP (not a secure context) and in old browsers: then no button.
    if (typeof navigator !== "undefined" && typeof navigator.clipboard?.writeText === "function") {
      setClipboard(navigator.clipboard);
    }
    return () => clearTimeout(clearTimer.current);
  }, []);

  const copy = async () => {
    if (!clipboard) return;
    clearTimeout(clearTimer.current);
    setStatus("");
    const message = await copyCode(clipboard, code);
    setStatus(message);
    clearTimer.current = setTimeout(() => setStatus(""), 5_000);
  };

  return (
    <div>
      {clipboard ? (
        <div className="fr-mb-1w">
          <button type="button" className="fr-btn fr-btn--sm fr-btn--tertiary" onClick={() => void copy()}>
            {/* The visible label starts the accessible name (WCAG 2.5.3); the rest tells the blocks apart. */}
            Copier<span className="fr-sr-only"> : {label}</span>
          </button>
          <span role="status" className="fr-text--sm fr-mb-0 fr-ml-2w">
            {status}
          </span>
        </div>
      ) : null}
      {/* A scrollable region must be focusable for keyboard users (RGAA 7.3); the label names it. */}
      {/* eslint-disable-next-line jsx-a11y/no-noninteractive-tabindex */}
      <pre className="qf-code" tabIndex={0} aria-label={label} role="region">
        <code>{code}</code>
      </pre>
    </div>
  );
}
