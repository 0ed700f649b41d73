import { defineStore } from 'pinia';
import { ref } from 'vue';
import { recordsApi, type User } from '@/adapter/records';

/** The workspace's users (owner filter, owner names on records), loaded once per session. */
export const useUsersStore = defineStore('users', () => {
  const users = ref<User[]>([]);
  let loading: Promise<void> | undefined;

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
    return users.value.find((u) => u.id === id)?.name ?? id;
  };

  return { users, load, nameOf };
});
