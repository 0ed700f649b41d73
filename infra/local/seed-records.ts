/**
 * Demo accounts and contacts for the local runtime's first start, written through the same domain
 * services the API uses (so search tokens, timeline and audit entries exist). Filled in by the records work.
 */
export interface SeedOwner {
  readonly id: string;
  readonly email: string;
  readonly name: string;
}

export async function seedRecords(_tenantId: string, _owners: readonly SeedOwner[]): Promise<void> {
  /* implemented with the accounts/contacts domain */
}
