import { i18n } from '@/modules/i18n';
import en from '@/locales/app-shell.en';
import zh from '@/locales/app-shell.zh-CN';

// Reads both languages' outcome labels (small: they are in the signed-in shell's messages), for any timeline.
const t = (key: string) => i18n.global.t(key);
const te = (key: string) => i18n.global.te(key);

/** Outcome keys by the labels the app once stored (an outcome logged before it sent keys was its label). */
const OUTCOME_BY_LABEL = new Map<string, string>(
  [en, zh].flatMap((m) => Object.entries(m.leads.activity.outcomes as Record<string, string>).map(([k, v]) => [v, k] as [string, string])),
);

/** A call/email/meeting outcome in the user's language, whether it was stored as a key or as an old label. */
export function outcomeLabel(outcome: string | null | undefined): string {
  if (!outcome) return '';
  const k = OUTCOME_BY_LABEL.get(outcome) ?? outcome;
  const key = `leads.activity.outcomes.${k}`;
  return /^[a-z-]+$/.test(k) && te(key) ? t(key) : outcome;
}
