import { formatDate, formatDateTime } from "~/domain/paris-time";
import { DAYS_SHOWN, MAX_LISTED, type PlatformStatistics } from "~/portal/dashboards/platform-statistics.server";

/**
 * The platform dashboard as the page shows it: instants become Paris dates in French, and the
 * totals of the period are summed once here rather than in the component.
 */
export function platformDashboardView(stats: PlatformStatistics) {
  const when = (value: Date | null) => (value ? formatDateTime(value) : null);
  const { deliveryProblems, hubee, apiParticulier } = stats;
  return {
    since: formatDate(stats.since),
    // Constants of a .server module do not reach the browser bundle: the page gets them as data.
    daysShown: DAYS_SHOWN,
    maxListed: MAX_LISTED,
    communes: stats.communes,
    transmissionsPerDay: stats.transmissionsPerDay,
    transmissionTotals: stats.transmissionsPerDay.reduce(
      (sum, day) => ({
        total: sum.total + day.total,
        delivered: sum.delivered + day.delivered,
        pending: sum.pending + day.pending,
        failed: sum.failed + day.failed,
      }),
      { total: 0, delivered: 0, pending: 0, failed: 0 },
    ),
    deliveryProblems: {
      ...deliveryProblems,
      byCommune: deliveryProblems.byCommune.map((group) => ({
        ...group,
        nextAttemptAt: when(group.nextAttemptAt),
        lastAt: when(group.lastAt),
      })),
    },
    hubee: {
      ...hubee,
      inboxes: {
        ...hubee.inboxes,
        failingCommunes: hubee.inboxes.failingCommunes.map((c) => ({ name: c.name, since: when(c.since) })),
      },
    },
    apiParticulier: {
      ...apiParticulier,
      pacer: { ...apiParticulier.pacer, lastRateLimitedAt: when(apiParticulier.pacer.lastRateLimitedAt) },
    },
    campaignsInProgress: stats.campaignsInProgress.map((c) => ({ ...c, startedAt: when(c.startedAt) })),
  };
}

export type PlatformDashboardView = ReturnType<typeof platformDashboardView>;
