/**
 * What a search-token item carries (issue 7): the record's id and the few fields a search result shows, not
 * a copy of the record. `ownerId` is there so visibility can be decided without reading the record, and a
 * lead's `status` for the lead inbox. Everything else is read from the record itself (BatchGetItem).
 */
export interface SearchEntry {
  readonly id: string;
  readonly name: string;
  readonly subtitle?: string;
  readonly ownerId?: string;
  readonly status?: string;
}

type Fields = Record<string, unknown>;

/** The second line of a result, per record type: the first of these fields that has a value. */
const SUBTITLE_FIELDS: Readonly<Record<string, readonly string[]>> = {
  account: ['domain', 'email', 'phone'],
  contact: ['accountName', 'email', 'mobile', 'phone'],
  lead: ['company', 'email', 'phone'],
  opportunity: ['accountName', 'stage'],
  article: ['category'],
};

const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);

export function searchEntry(type: string, record: Fields): SearchEntry {
  const subtitle = (SUBTITLE_FIELDS[type] ?? []).map((f) => str(record[f])).find((v) => v !== undefined);
  const ownerId = str(record.ownerId);
  // A lead's status for the lead inbox; an article's so the portal keeps to published ones without reading drafts.
  const status = type === 'lead' || type === 'article' ? str(record.status) : undefined;
  return {
    id: String(record.id),
    name: String(record.name ?? ''),
    ...(subtitle !== undefined ? { subtitle } : {}),
    ...(ownerId !== undefined ? { ownerId } : {}),
    ...(status !== undefined ? { status } : {}),
  };
}

/** Whether two records show the same search result (if not, every token item of the record is rewritten). */
export const sameEntry = (type: string, a: Fields, b: Fields) =>
  JSON.stringify(searchEntry(type, a)) === JSON.stringify(searchEntry(type, b));
