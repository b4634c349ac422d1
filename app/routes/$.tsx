// Any URL no other route matches: a real 404 status, rendered by the root ErrorBoundary
// as the DSFR "page non trouvée" with its link back home.
const notFound = () => {
  throw new Response("Page non trouvée", { status: 404 });
};

export const loader = notFound;
// A POST to an unknown URL is also a 404, not a 405.
export const action = notFound;

// Never rendered (the loader always throws), but its presence makes this a UI route whose
// errors get the HTML error page instead of a bare response.
export default function NotFound() {
  return null;
}
