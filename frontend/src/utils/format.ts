import { currentLocale } from '@/modules/i18n';

/** Dates in the user's own time zone (the browser's), in the app language. */
const timeZone = Intl.DateTimeFormat().resolvedOptions().timeZone;

export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return new Intl.DateTimeFormat(currentLocale.value, { dateStyle: 'medium', timeStyle: 'short', timeZone }).format(d);
}

export function formatDate(iso: string | null | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return new Intl.DateTimeFormat(currentLocale.value, { dateStyle: 'medium', timeZone }).format(d);
}

/** "3 minutes ago" style, for timelines. */
export function formatRelative(iso: string): string {
  const diff = (new Date(iso).getTime() - Date.now()) / 1000;
  const rtf = new Intl.RelativeTimeFormat(currentLocale.value, { numeric: 'auto' });
  const abs = Math.abs(diff);
  if (abs < 60) return rtf.format(Math.round(diff), 'second');
  if (abs < 3600) return rtf.format(Math.round(diff / 60), 'minute');
  if (abs < 86400) return rtf.format(Math.round(diff / 3600), 'hour');
  if (abs < 86400 * 30) return rtf.format(Math.round(diff / 86400), 'day');
  return formatDate(iso);
}

/** Digits after the decimal point for a currency (JPY 0, CNY 2, BHD 3). */
export function currencyDigits(currency: string): number {
  try {
    return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    return 2;
  }
}

/** Money is stored as integer minor units (12345 CNY = ¥123.45). */
export function formatMoney(m: { amount: number; currency: string } | null | undefined): string {
  if (!m) return '';
  const digits = currencyDigits(m.currency);
  try {
    return new Intl.NumberFormat(currentLocale.value, { style: 'currency', currency: m.currency, maximumFractionDigits: digits }).format(
      m.amount / 10 ** digits,
    );
  } catch {
    return `${m.amount / 100} ${m.currency}`;
  }
}

export function formatNumber(n: number | null | undefined): string {
  return n === null || n === undefined ? '' : new Intl.NumberFormat(currentLocale.value).format(n);
}

export function countryName(code: string | null | undefined): string {
  if (!code) return '';
  try {
    return new Intl.DisplayNames([currentLocale.value], { type: 'region' }).of(code) ?? code;
  } catch {
    return code;
  }
}

export function initials(name: string | null | undefined): string {
  const s = (name ?? '').trim();
  if (!s) return '?';
  if (/[\u3400-\u9fff]/.test(s)) return s.slice(0, 1);
  return s
    .split(/\s+/)
    .slice(0, 2)
    .map((p) => p[0]!.toUpperCase())
    .join('');
}
