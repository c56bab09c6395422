// Moments as the person reads them: the server sends ISO UTC timestamps; the browser shows
// them in its own time zone (which the server cannot know), with the zone on hover.
import { useSyncExternalStore } from "react";

const FORMATS = {
  datetime: { day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit" },
  seconds: {
    day: "numeric", month: "short", year: "numeric",
    hour: "2-digit", minute: "2-digit", second: "2-digit",
  },
  time: { hour: "2-digit", minute: "2-digit" },
  date: { day: "numeric", month: "short", year: "numeric" },
  // Compact, for a narrow list (the whole moment is on hover).
  clock: { hour: "numeric", minute: "2-digit" },
  weekday: { weekday: "short" },
  day: { day: "numeric", month: "short" },
};

// "auto": the time today, the weekday this week, the day before that.
const AUTO = { Today: "clock", Yesterday: "weekday", "Previous 7 days": "weekday", Earlier: "day" };

const noSubscribe = () => () => {};

// Prerendered HTML has no time zone to speak of: the moment appears once hydrated.
function useIsClient() {
  return useSyncExternalStore(noSubscribe, () => true, () => false);
}

function offsetLabel(date) {
  const minutes = -date.getTimezoneOffset();
  const sign = minutes < 0 ? "-" : "+";
  const abs = Math.abs(minutes);
  const hh = String(Math.floor(abs / 60)).padStart(2, "0");
  const mm = String(abs % 60).padStart(2, "0");
  return `UTC${sign}${hh}:${mm}`;
}

/** "Europe/Berlin (UTC+01:00)": the browser's zone and its offset at that moment. */
export function zoneLabel(date) {
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone || "local time";
  return `${zone} (${offsetLabel(date)})`;
}

export function formatMoment(date, kind) {
  if (kind === "auto") kind = AUTO[dayGroup(date)];
  return new Intl.DateTimeFormat(undefined, FORMATS[kind] ?? FORMATS.datetime).format(date);
}

function parse(iso) {
  if (!iso) return null;
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? null : date;
}

export function LocalTime({ iso, kind, empty, ...rest }) {
  const isClient = useIsClient();
  const date = parse(iso);
  if (!date) return <span {...rest}>{empty ?? ""}</span>;
  return (
    <time
      {...rest}
      dateTime={iso}
      title={isClient ? `${formatMoment(date, "seconds")}, ${zoneLabel(date)}` : iso}
    >
      {isClient ? formatMoment(date, kind) : ""}
    </time>
  );
}

function startOfDay(date) {
  return new Date(date.getFullYear(), date.getMonth(), date.getDate()).getTime();
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** Today / Yesterday / Previous 7 days / Earlier, in the browser's zone. */
export function dayGroup(date, now = new Date()) {
  const days = Math.round((startOfDay(now) - startOfDay(date)) / DAY_MS);
  if (days <= 0) return "Today";
  if (days === 1) return "Yesterday";
  if (days < 7) return "Previous 7 days";
  return "Earlier";
}

// A list sorted newest first shows a group's label above its first item: this item's group
// when it differs from the previous item's.
export function DayGroupLabel({ iso, previousIso, ...rest }) {
  const isClient = useIsClient();
  const date = parse(iso);
  if (!isClient || !date) return null;
  const group = dayGroup(date);
  const previous = parse(previousIso);
  if (previous && dayGroup(previous) === group) return null;
  return (
    <div role="heading" aria-level={2} {...rest}>
      {group}
    </div>
  );
}
