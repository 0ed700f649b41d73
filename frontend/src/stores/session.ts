import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import { recordsApi, type Me } from '@/adapter/records';
import * as session from '@/adapter/session';

/** The signed-in user (`GET /api/me`) and sign-in/sign-out. */
export const useSessionStore = defineStore('session', () => {
  const me = ref<Me | null>(null);
  const signedIn = ref(session.hasSession());
  session.onSessionChange((v) => {
    signedIn.value = v;
    if (!v) me.value = null;
  });

  const isManager = computed(() => me.value?.role === 'manager' || me.value?.role === 'admin');

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

  return { me, signedIn, isManager, loadMe, signIn, signOut };
});
