/**
 * The merchant's local time, for receipts and the business day. The journal records UTC
 * milliseconds; people read the time of the zone the shop is in (an IANA zone such as
 * Asia/Shanghai, from the terminal's policy).
 */
export interface LocalTime {
  /** YYYY-MM-DD */
  date: string;
  /** HH:MM:SS, 24-hour */
  time: string;
  /** `+08:00`, `-05:00`, `+00:00` */
  offset: string;
  /** The zone the time is in: the one asked for, or `UTC` when that zone is unknown. */
  zone: string;
}

const formatters = new Map<string, Intl.DateTimeFormat | null>();

function formatterFor(zone: string): Intl.DateTimeFormat | null {
  let formatter = formatters.get(zone);
  if (formatter === undefined) {
    try {
      formatter = new Intl.DateTimeFormat('en-US', {
        timeZone: zone,
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
        second: '2-digit',
        hourCycle: 'h23',
        timeZoneName: 'longOffset',
      });
    } catch {
      formatter = null;
    }
    if (formatters.size > 64) formatters.clear();
    formatters.set(zone, formatter);
  }
  return formatter;
}

/** Whether `zone` is an IANA time zone this runtime knows. */
export function isKnownZone(zone: string): boolean {
  return formatterFor(zone) !== null;
}

/** `wall` (ms since 1970 UTC) in `zone`; an unknown zone gives UTC, and says so in `zone`. */
export function localTime(wall: number, zone: string): LocalTime {
  const formatter = formatterFor(zone) ?? formatterFor('UTC')!;
  const parts: Record<string, string> = {};
  for (const part of formatter.formatToParts(new Date(wall))) parts[part.type] = part.value;
  const name = parts.timeZoneName ?? 'GMT';
  const offset = name === 'GMT' ? '+00:00' : name.replace(/^GMT/, '');
  return {
    date: `${parts.year}-${parts.month}-${parts.day}`,
    time: `${parts.hour}:${parts.minute}:${parts.second}`,
    offset,
    zone: formatterFor(zone) ? zone : 'UTC',
  };
}

/** The local calendar day of `wall` in `zone`, YYYY-MM-DD. */
export function localDay(wall: number, zone: string): string {
  return localTime(wall, zone).date;
}
