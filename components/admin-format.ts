/** Words and numbers for the admin page. */

/** A rate as a percentage without trailing noise: 0.01 -> "1%", 0.001 -> "0.1%". */
export function percentText(rate: number): string {
  return `${Number((rate * 100).toPrecision(3))}%`;
}

/** A time in the reader's locale, to the second; "never" for none. */
export function timeText(iso: string | null): string {
  if (!iso) return 'never';
  const t = new Date(iso);
  return Number.isNaN(t.getTime()) ? iso : t.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
}

/** A `datetime-local` field's value (the reader's local time) as ISO 8601 UTC; '' stays ''. */
export function localInputToIso(value: string): string {
  if (!value) return '';
  const t = new Date(value);
  return Number.isNaN(t.getTime()) ? '' : t.toISOString();
}
