/** When an endpoint that keeps failing is disabled (shared by the worker and the portal's notices). */
export const DISABLE_AFTER_CONSECUTIVE_FAILURES_COUNT = 5;
export const DISABLE_AFTER_FAILING_DAYS = 3;
