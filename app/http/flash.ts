/**
 * A one-time message carried across a Post/Redirect/Get: the action redirects with it, the next
 * page shows it once. Its text is ours (never user input, never personal data: it travels in a
 * cookie).
 */
export interface Flash {
  level: "success" | "info" | "warning";
  message: string;
}
