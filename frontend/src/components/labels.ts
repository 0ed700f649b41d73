import { i18n } from '@/modules/i18n';

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
