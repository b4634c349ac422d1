import noScriptHref from "~/styles/no-script.css";

/**
 * The stylesheet that gives the DSFR's JavaScript-only widgets (mobile menu, breadcrumb) their
 * fallback. Inside <noscript>, a browser with JavaScript never loads it, so nothing moves once
 * the DSFR script starts. Raw HTML, because React renders a noscript's children as text on the
 * client and would not hydrate them as the server sent them.
 */
export function NoScriptStylesheet() {
  return <noscript dangerouslySetInnerHTML={{ __html: `<link rel="stylesheet" href="${noScriptHref}">` }} />;
}
