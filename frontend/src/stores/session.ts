import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import { recordsApi, type Capabilities, type Me, type RecordRule } from '@/adapter/records';
import * as session from '@/adapter/session';

/** Paths of the yes/no capabilities (`'settings.partners'`, `'leads.claim'`, …): what a route's `meta.menu.can` names. */
type FlagPaths<T, P extends string = ''> = {
  [K in keyof T & string]: T[K] extends boolean ? `${P}${K}` : T[K] extends object ? FlagPaths<T[K], `${P}${K}.`> : never;
}[keyof T & string];
export type CapabilityFlag = FlagPaths<Omit<Capabilities, 'fields'>>;

/** Before `/api/me` answers (or from a server that sends no `can`), nothing is offered. */
export const NO_CAPABILITIES: Capabilities = {
  records: { update: 'none', delete: 'none', assignToOthers: false },
  fields: {},
  leads: { claim: false, logActivity: false, convert: false },
  settings: { partners: false, forms: false, assignmentRulesRead: false, assignmentRulesManage: false, objects: false, marketing: false },
  marketing: { templates: false, campaigns: false, send: false, journeys: false, scoring: false },
  users: { readWorkload: false, markTeamAway: false },
};

/**
 * The signed-in user (`GET /api/me`), what the server lets them do (`can`, from the policy module) and
 * sign-in/sign-out. Views ask `allows`, `mayUpdate`, `mayDelete`, `mayField`, never the role.
 */
export const useSessionStore = defineStore('session', () => {
  const me = ref<Me | null>(null);
  const signedIn = ref(session.hasSession());
  session.onSessionChange((v) => {
    signedIn.value = v;
    if (!v) me.value = null;
  });

  const can = computed<Capabilities>(() => me.value?.can ?? NO_CAPABILITIES);

  /** A yes/no capability by its path; anything missing or not exactly `true` is no. */
  function allows(flag: CapabilityFlag): boolean {
    let v: unknown = can.value;
    for (const k of flag.split('.')) v = v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined;
    return v === true;
  }

  const byRule = (rule: RecordRule | undefined, record: { ownerId?: unknown } | null | undefined) =>
    rule === 'any' || (rule === 'own' && Boolean(me.value) && record?.ownerId === me.value?.id);

  /** May I change (or restore) this record? The server's rule: owners, or everyone's records when `any`. */
  const mayUpdate = (record: { ownerId?: unknown } | null | undefined) => byRule(can.value.records?.update, record);
  const mayDelete = (record: { ownerId?: unknown } | null | undefined) => byRule(can.value.records?.delete, record);
  /** May I read and write this sensitive field (one `can.fields` lists, such as `contact.nationalId`)? */
  const mayField = (type: string, field: string) => can.value.fields?.[type]?.[field] === true;

  async function loadMe(): Promise<Me> {
    me.value = await recordsApi.me();
    return me.value;
  }

  async function signIn(email: string, password: string): Promise<void> {
    await session.signIn(email, password);
    await loadMe();
  }

  function signOut(): void {
    session.signOut();
  }

  return { me, signedIn, can, allows, mayUpdate, mayDelete, mayField, loadMe, signIn, signOut };
});
