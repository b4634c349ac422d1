/** Escapes text for HTML element content and double-quoted attributes. */
export function escapeHtml(value: unknown): string {
  return String(value ?? "")
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;")
    .replaceAll("'", "&#39;");
}

// Phone-sized screens (390 px): a fieldset's default min-width is its content's, so one long
// unbreakable test name (50 letters) or e-mail widened the whole page and pushed the buttons
// off screen; long words wrap anywhere instead, and boxes never outgrow their container.
const STYLE = `
*,*::before,*::after{box-sizing:border-box}
body{font-family:Marianne,Arial,sans-serif;margin:0;background:#f6f6f6;color:#161616}
header{background:#fff;border-bottom:1px solid #ddd;padding:1rem 2rem}
header p{margin:.25rem 0 0;color:#666}
main{max-width:48rem;margin:2rem auto;background:#fff;padding:1.5rem 2rem;border:1px solid #ddd}
fieldset{border:none;padding:0;margin:0 0 1rem;min-width:0}
legend{font-weight:bold;margin-bottom:.5rem}
.choices{max-height:24rem;overflow:auto;border:1px solid #ddd;padding:.5rem}
.choice{display:block;padding:.35rem .25rem;overflow-wrap:anywhere}
.choice small{color:#666}
label.field{display:block;margin:.75rem 0 .25rem;font-weight:bold}
input[type=text],input[type=password]{padding:.5rem;font-size:1rem;width:16rem;max-width:100%}
button{font-size:1rem;padding:.5rem 1rem;margin:.25rem .5rem .25rem 0;cursor:pointer;max-width:100%;overflow-wrap:anywhere}
button.primary{background:#000091;color:#fff;border:1px solid #000091}
button.secondary{background:#fff;color:#000091;border:1px solid #000091}
.agents{list-style:none;margin:0}
.agent{display:block;width:100%;text-align:left;background:#fff;border:1px solid #000091;color:#161616}
.agent strong{color:#000091}
.error{border-left:4px solid #ce0500;background:#ffe9e9;padding:.75rem 1rem;margin-bottom:1rem}
.hint{color:#666;font-size:.9rem}
@media (max-width:40rem){header{padding:.75rem 1rem}main{margin:0;padding:1rem;border-left:none;border-right:none}}
`;

/** A whole page of the simulators' own interaction UI (French, no external assets). */
export function renderPage(opts: { title: string; service: string; body: string }): string {
  return `<!DOCTYPE html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<!-- An empty icon: without one, Chromium asks for /favicon.ico and logs its 404 as a console error on every page. -->
<link rel="icon" href="data:,">
<title>${escapeHtml(opts.title)} – ${escapeHtml(opts.service)}</title>
<style>${STYLE}</style>
</head>
<body>
<header><strong>${escapeHtml(opts.service)}</strong><p>Simulateur local – aucune donnée réelle</p></header>
<main>
${opts.body}
</main>
</body>
</html>`;
}
