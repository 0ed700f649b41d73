import { defineStore } from 'pinia';
import { ref } from 'vue';
import { recordsApi, type User } from '@/adapter/records';
import { onSessionChange } from '@/adapter/session';
import { i18n } from '@/modules/i18n';

/** The workspace's users (owner filter, owner names on records), loaded once per session. */
export const useUsersStore = defineStore('users', () => {
  const users = ref<User[]>([]);
  let loading: Promise<void> | undefined;
  // Another user (maybe of another tenant) may sign in next: forget this one's directory.
  onSessionChange((signedIn) => {
    if (!signedIn) {
      users.value = [];
      loading = undefined;
    }
  });

  function load(force = false): Promise<void> {
    if (force) loading = undefined;
    loading ??= recordsApi
      .users()
      .then((items) => {
        users.value = [...items].sort((a, b) => a.name.localeCompare(b.name));
      })
      .catch(() => {
        loading = undefined;
      });
    return loading;
  }

  const nameOf = (id: string | null | undefined): string => {
    if (!id) return '';
    // The shared pool (SFA-6) owns released records; it is no user.
    if (id === 'pool') return i18n.global.t('sharedPool.name');
    return users.value.find((u) => u.id === id)?.name ?? id;
  };

  return { users, load, nameOf };
});
