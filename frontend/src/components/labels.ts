import { i18n } from '@/modules/i18n';
import en from '@/locales/leads.en';
import zh from '@/locales/leads.zh-CN';

const t = (key: string, params?: Record<string, unknown>) => i18n.global.t(key, params ?? {});
const te = (key: string) => i18n.global.te(key);

/**
 * Names of things that are code, shown in the user's language: system actors (`system:assignment`) are
 * translated by their id; people and intake partners are data and keep their names.
 */
export function actorName(actor: { id?: string; name?: string } | null | undefined): string {
  if (!actor) return '—';
  const id = actor.id ?? '';
  if (id.startsWith('system:')) {
    const key = `actors.${id.slice('system:'.length)}`;
    return te(key) ? t(key) : actor.name || t('actors.system');
  }
  return actor.name || id || '—';
}

/** A lead source: the common ones (`Web`, `Manual`, …) are translated, anything else is data. */
export function sourceLabel(source: string | null | undefined): string {
  if (!source) return '';
  const key = `leads.sources.${source}`;
  return /^[A-Za-z]+$/.test(source) && te(key) ? t(key) : source;
}

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
