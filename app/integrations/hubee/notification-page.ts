import type { z } from "zod";

/**
 * Reading a page of HubEE's notification queue, for both sides (sender and SI). Items are read
 * one by one: a malformed one is reported, not thrown, so it cannot make the whole page, and
 * every page after it, unreadable. Callers leave malformed items in the queue: we cannot know
 * what they announced.
 */

export interface MalformedNotification {
  /** null when the item does not even have a usable id. */
  id: string | null;
  /** Where the item differs from what we read: field paths and zod codes, never values. */
  issues: string[];
}

export interface NotificationPage<T> {
  notifications: T[];
  malformed: MalformedNotification[];
}

export function readNotificationPage<T>(schema: z.ZodType<T>, items: readonly unknown[]): NotificationPage<T> {
  const page: NotificationPage<T> = { notifications: [], malformed: [] };
  for (const item of items) {
    const parsed = schema.safeParse(item);
    if (parsed.success) page.notifications.push(parsed.data);
    else
      page.malformed.push({
        id: idOf(item),
        issues: parsed.error.issues.map((i) => `${i.path.map(String).join(".") || "(item)"}: ${i.code}`),
      });
  }
  return page;
}

/** The `id` of an answer HubEE sent, when it has a usable one. */
export function idOf(item: unknown): string | null {
  const id = item && typeof item === "object" ? (item as { id?: unknown }).id : undefined;
  return typeof id === "string" && id.length > 0 ? id : null;
}
