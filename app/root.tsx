/// <reference types="@remix-run/dev" />
// ^ declares the asset imports (*.css, *.svg) the classic compiler turns into URLs.
import type { LinksFunction, MetaFunction } from "@remix-run/node";
import { Links, Meta, Outlet, Scripts, ScrollRestoration, useRouteError } from "@remix-run/react";
import dsfrHref from "@gouvfr/dsfr/dist/dsfr.min.css";
import dsfrIconsHref from "@gouvfr/dsfr/dist/utility/icons/icons.min.css";
import type { ReactNode } from "react";
import { ErrorPage, errorPageContent } from "~/components/dsfr/error-page";
import { Footer } from "~/components/dsfr/footer";
import { Header } from "~/components/dsfr/header";
import { NoScriptStylesheet } from "~/components/dsfr/no-script-stylesheet";
import { LANDMARK_IDS } from "~/components/dsfr/shared";
import { SkipLinks } from "~/components/dsfr/skip-links";
import appHref from "~/styles/app.css";
import { useNonce } from "~/utils/nonce-provider";

// The compiler emits the CSS files and the fonts/icons they reference under /build/_assets/.
export const links: LinksFunction = () => [
  { rel: "stylesheet", href: dsfrHref },
  { rel: "stylesheet", href: dsfrIconsHref },
  { rel: "stylesheet", href: appHref },
  // Favicons are copied to public/dsfr/ by scripts/copy-dsfr-assets.mjs (prebuild).
  { rel: "apple-touch-icon", href: "/dsfr/favicon/apple-touch-icon.png" },
  { rel: "icon", href: "/dsfr/favicon/favicon.svg", type: "image/svg+xml" },
  { rel: "shortcut icon", href: "/dsfr/favicon/favicon.ico", type: "image/x-icon" },
  { rel: "manifest", href: "/dsfr/favicon/manifest.webmanifest", crossOrigin: "use-credentials" },
];

export const meta: MetaFunction = ({ error }) => [
  { title: error ? `${errorPageContent(error).title} - Portail QF` : "Portail QF" },
];

// DSFR snippet applying the dark theme before the first paint when the user or the system
// asks for it, so that the page does not flash white; the DSFR JS takes over once loaded.
const SCHEME_SCRIPT = `(function(){var root=document.documentElement;if(!root.matches(":root[data-fr-theme],:root[data-fr-scheme]"))return;var dark=function(){root.setAttribute("data-fr-theme","dark");root.style.colorScheme="dark"};var system=function(){if(window.matchMedia("(prefers-color-scheme: dark)").matches)dark()};var stored="";try{stored=window.localStorage.getItem("scheme")||""}catch(e){}var scheme=root.getAttribute("data-fr-scheme");if(stored==="dark")dark();else if(stored==="system")system();else if(scheme==="dark")dark();else if(scheme==="system")system()})();`;

/** Document shell shared by the pages and the error pages. */
export function Layout({ children }: { children: ReactNode }) {
  const nonce = useNonce();
  return (
    // The scheme script and the DSFR JS set data-fr-theme and color-scheme on <html> before hydration.
    <html lang="fr" data-fr-scheme="system" suppressHydrationWarning>
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1, shrink-to-fit=no" />
        <meta name="format-detection" content="telephone=no,date=no,address=no,email=no,url=no" />
        <meta name="theme-color" content="#000091" />
        <script nonce={nonce} dangerouslySetInnerHTML={{ __html: SCHEME_SCRIPT }} />
        <Meta />
        <Links />
        {/* After the DSFR's stylesheet, which it overrides. */}
        <NoScriptStylesheet />
      </head>
      <body>
        <SkipLinks />
        <Header />
        <main role="main" id={LANDMARK_IDS.content} tabIndex={-1}>
          {children}
        </main>
        <Footer />
        <ScrollRestoration nonce={nonce} />
        {/* No <LiveReload />: it renders on the server whenever NODE_ENV is "development", even
            with a production client bundle, which breaks hydration (and the CSP blocks its socket). */}
        <Scripts nonce={nonce} />
        <script type="module" src="/dsfr/dsfr.module.min.js" nonce={nonce} />
        <script noModule src="/dsfr/dsfr.nomodule.min.js" nonce={nonce} />
      </body>
    </html>
  );
}

export default function App() {
  return <Outlet />;
}

export function ErrorBoundary() {
  return <ErrorPage error={useRouteError()} />;
}
