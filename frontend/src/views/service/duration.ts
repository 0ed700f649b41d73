import type { ComposerTranslation } from 'vue-i18n';

/** Minutes as the service pages say them: "45 min", "2 h 10 min" (the sign dropped: callers say left or over). */
export function minutesText(t: ComposerTranslation, minutes: number): string {
  const m = Math.abs(Math.round(minutes));
  return m < 60 ? t('service.minutes', { n: m }) : t('service.hours', { h: Math.floor(m / 60), m: m % 60 });
}
