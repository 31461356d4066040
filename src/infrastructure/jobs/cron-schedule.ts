import cronParser from 'cron-parser';

/** The cron schedules of the recurring runs (`IMPORT_CRON`, `CONTACTS_SYNC_CRON`); null: not scheduled. */
export interface CronSchedules {
  import: string | null;
  contactsSync: string | null;
  /** IANA time zone the expressions are read in (`CRON_TIMEZONE`). */
  timezone: string;
}

/**
 * Why `expression` cannot be a schedule, or null when it can. Five fields only: the queue's
 * timekeeper fires at most once a minute, so a seconds field would silently not mean what it says.
 */
export function cronProblem(expression: string, timezone: string): string | null {
  if (expression.trim().split(/\s+/).length !== 5) return 'must have five fields: minute hour day-of-month month day-of-week (e.g. "0 3 * * *")';
  try {
    cronParser.parseExpression(expression, { tz: timezone });
    return null;
  } catch (error) {
    return `is not a valid cron expression (${(error as Error).message})`;
  }
}

/** The latest tick of `expression` at or before `moment`: the tick a job sent at `moment` is for. */
export function tickBefore(expression: string, timezone: string, moment: Date): Date {
  // prev() is strictly before its start: start a millisecond later so a tick at `moment` counts.
  return cronParser.parseExpression(expression, { tz: timezone, currentDate: new Date(moment.getTime() + 1) }).prev().toDate();
}

export function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}
