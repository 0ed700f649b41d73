import { currentLocale } from '@/modules/i18n';
import { toE164 } from '#schemas/phone.ts';

/**
 * The country a national number is read in: the record's country, else the one the user's language
 * implies (zh-CN → CN, so `139 1111 2222` needs no country picked first). English implies no country.
 */
export function phoneCountry(recordCountry?: string | null): string | undefined {
  if (recordCountry) return recordCountry;
  return currentLocale.value === 'zh-CN' ? 'CN' : undefined;
}

/** What the API gets: the E.164 form when the same rules as the server's can make one, else the input (the server explains). */
export function phoneForApi(value: string | null | undefined, recordCountry?: string | null): string {
  const v = (value ?? '').trim();
  if (!v) return value ?? '';
  return toE164(v, phoneCountry(recordCountry)) ?? v;
}

/** Whether a filled-in phone would be refused (an empty one is fine). */
export function phoneInvalid(value: string | null | undefined, recordCountry?: string | null): boolean {
  const v = (value ?? '').trim();
  return Boolean(v) && !toE164(v, phoneCountry(recordCountry));
}
