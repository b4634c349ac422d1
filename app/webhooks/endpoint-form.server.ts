import { z } from "zod";
import { optionalText } from "~/forms/fields";
import { formEntries, MAX_FIELD_LENGTH } from "~/forms/parse-form";
import { parseEndpointInput, type EndpointInput } from "./endpoints.server";

/**
 * The webhook form (address, description, events), as both webhook pages read it with
 * parseForm. The rules and their French messages stay in parseEndpointInput, which the
 * schema applies to the fields once read, so each message lands on its field.
 */

const EVENTS = z.preprocess(
  (value) => (value === undefined || value === null ? [] : Array.isArray(value) ? value : [value]),
  z.array(z.string()),
);

export const endpointFormSchema = ({ demoMode }: { demoMode: boolean }) =>
  z
    .object({ url: optionalText(MAX_FIELD_LENGTH), description: optionalText(MAX_FIELD_LENGTH), events: EVENTS })
    .transform((raw, ctx): EndpointInput => {
      const parsed = parseEndpointInput(raw, { demoMode });
      if (parsed.ok) return parsed.value;
      for (const [field, message] of Object.entries(parsed.errors)) {
        ctx.addIssue({ code: "custom", path: [field], message });
      }
      return z.NEVER;
    });

/** What was typed, to fill the form again after a refusal (the events are checkboxes: a list). */
export function typedEndpointValues(form: FormData): { url: string; description: string; events: string[] } {
  const entries = formEntries(form);
  const text = (name: string) => {
    const value = entries[name];
    return typeof value === "string" ? value : "";
  };
  const events = entries.events ?? [];
  return { url: text("url"), description: text("description"), events: Array.isArray(events) ? events : [events] };
}
