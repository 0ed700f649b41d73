import { beforeAll, describe, expect, it } from 'vitest';
import { advanceClock, api, busEvents, login, unique, until, type ApiCall } from '../support/client.ts';

/**
 * Purging a deactivated field through the local runtime (issue 7: "deactivated first, purged later by a
 * job; nothing is lost by a click"): the admin's purge request (unit `settings`) queues a job, the
 * `metadata-field-purge` worker (rule on `metadata.field_purge_requested`) walks the object's records in
 * pages of 4 and takes the field's values off them with their list-index items and search tokens; then the
 * field is gone and its API name is free. Adding a field of that name again shows whether anything of the
 * old values survived anywhere: on a record, in a `where` filter (the index), or in search (the tokens).
 */
const l = (en: string, zh: string) => ({ en, 'zh-CN': zh });
const refreshWindow = () => advanceClock(6);
const RECORDS = 30;

let admin: ApiCall;
let rep: ApiCall;

beforeAll(async () => {
  [admin, rep] = (await Promise.all(['admin@demo.local', 'rep1@demo.local'].map(async (e) => api(await login(e))))) as [ApiCall, ApiCall];
});

async function pollJob(id: string, ms = 40_000): Promise<any> {
  const job = await until(() => admin('GET', `/api/metadata/jobs/${id}`), (r) => r.status === 200 && (r.body.status === 'done' || r.body.status === 'failed'), ms);
  return job.body;
}

describe('purging a deactivated field', () => {
  it('takes its values off every record, live and in the trash, out of filters and search, and frees its name', async () => {
    const u = unique();
    const object = `c_pg${u}`;
    const created = await admin('POST', '/api/metadata/objects', {
      apiName: object, label: l('Purge probe', '清除测试'), labelPlural: l('Purge probes', '清除测试'),
      fields: [
        { apiName: 'c_name', type: 'text', label: l('Name', '名称'), required: true, searchable: true },
        // email: searchable (search tokens) and indexed (list-index items), so both must go.
        { apiName: 'c_mail', type: 'email', label: l('Mail', '邮箱'), searchable: true },
      ],
    });
    expect(created.status).toBe(201);
    await refreshWindow();

    const mail = (i: number) => `p${i}.${u}@purge.example`;
    const ids: string[] = [];
    for (let i = 0; i < RECORDS; i++) {
      const r = await rep('POST', `/api/${object}`, { c_name: `Probe ${u} n${i}z`, c_mail: mail(i) });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      ids.push(r.body.id);
    }
    // Two of them in the trash: a deleted record keeps its values (it can be restored), so the purge walks the trash too.
    for (const id of ids.slice(0, 2)) expect((await rep('DELETE', `/api/${object}/${id}`)).status).toBe(204);

    const byMail = (i: number) => rep('GET', `/api/${object}?where[c_mail][eq]=${encodeURIComponent(mail(i))}`);
    const searchHits = async (i: number) => ((await rep('GET', `/api/search?q=${encodeURIComponent(`p${i}.${u}@purge`)}`)).body.items as any[]).filter((x) => x.object === object);
    expect((await byMail(7)).body.items.map((r: any) => r.id)).toEqual([ids[7]]);
    expect((await searchHits(7)).map((x) => x.id)).toEqual([ids[7]]);

    // Not while the field is active: deactivate it first.
    const active = await admin('POST', `/api/metadata/objects/${object}/fields/c_mail/purge`, {});
    expect(active.status).toBe(409);
    expect(active.headers['content-type']).toMatch(/problem\+json/);
    expect((await rep('POST', `/api/metadata/objects/${object}/fields/c_mail/purge`, {})).status).toBe(403);

    expect((await admin('DELETE', `/api/metadata/objects/${object}/fields/c_mail`)).status).toBe(204);
    await refreshWindow();
    // Deactivated: hidden from records, but its search tokens still find the record (what the purge removes).
    expect((await rep('GET', `/api/${object}/${ids[7]}`)).body.c_mail).toBeUndefined();
    expect((await searchHits(7)).map((x) => x.id)).toEqual([ids[7]]);

    const purge = await admin('POST', `/api/metadata/objects/${object}/fields/c_mail/purge`, { pageSize: 4 });
    expect(purge.status).toBe(202);
    expect(purge.body).toMatchObject({ kind: 'field-purge', object, field: 'c_mail', status: 'queued', examined: 0, cleared: 0 });
    expect(purge.headers.location).toBe(`/api/metadata/jobs/${purge.body.id}`);
    // Asked again, the same job.
    expect((await admin('POST', `/api/metadata/objects/${object}/fields/c_mail/purge`, { pageSize: 4 })).body.id).toBe(purge.body.id);

    // Purging: gone from metadata (even for ?include=inactive), no restore, no way back.
    const meta = await admin('GET', '/api/metadata?include=inactive');
    expect(meta.body.objects.find((o: any) => o.apiName === object).fields.map((f: any) => f.apiName)).not.toContain('c_mail');
    const restoring = await admin('POST', `/api/metadata/objects/${object}/fields/c_mail/restore`);
    expect(restoring.status).toBe(409);
    expect(restoring.headers['content-type']).toMatch(/problem\+json/);
    expect((await rep('GET', `/api/metadata/jobs/${purge.body.id}`)).status).toBe(403);
    expect((await admin('GET', '/api/metadata/jobs/01JNOSUCHJOB0000000000000')).status).toBe(404);

    // The worker starts once every container's metadata cache knows the field is purging (METADATA_REFRESH_MS
    // after the request; the clock is not moved meanwhile: moving it waits for the deliveries in flight).
    const job = await pollJob(purge.body.id);
    expect(job).toMatchObject({ status: 'done', examined: RECORDS, cleared: RECORDS });
    expect(Date.parse(job.finishedAt)).toBeGreaterThanOrEqual(Date.parse(job.startedAt));
    const purged = await until(busEvents, (evs) => evs.some((e) => e['detail-type'] === 'metadata.field_purged' && e.detail?.data?.jobId === job.id));
    expect(purged.find((e) => e['detail-type'] === 'metadata.field_purged' && e.detail?.data?.jobId === job.id).detail.data).toMatchObject({ object, field: 'c_mail', examined: RECORDS, cleared: RECORDS });

    // Out of search at once (the tokens are gone, whatever the metadata says).
    expect(await searchHits(7)).toEqual([]);
    expect(await searchHits(1)).toEqual([]);
    // Purged: still no restore.
    expect((await admin('POST', `/api/metadata/objects/${object}/fields/c_mail/restore`)).status).toBe(409);

    // The name is free: a new c_mail starts empty everywhere.
    const again = await admin('POST', `/api/metadata/objects/${object}/fields`, { apiName: 'c_mail', type: 'email', label: l('Mail', '邮箱'), searchable: true });
    expect(again.status).toBe(201);
    await refreshWindow();
    expect((await rep('GET', `/api/${object}/${ids[7]}`)).body.c_mail).toBeUndefined();
    expect((await byMail(7)).body.items).toEqual([]);
    expect((await rep('GET', `/api/${object}?where[c_mail][isEmpty]=false`)).body.items).toEqual([]);
    const restored = await rep('POST', `/api/${object}/${ids[0]}/restore`);
    expect(restored.status).toBe(200);
    expect(restored.body.c_mail).toBeUndefined();
    const all = await rep('GET', `/api/${object}?limit=50`);
    expect(all.body.items).toHaveLength(RECORDS - 1);
    expect(all.body.items.every((r: any) => r.c_mail === undefined)).toBe(true);
  }, 120_000);
});
