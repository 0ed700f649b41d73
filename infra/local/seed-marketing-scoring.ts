import { loadScoring, saveScoring } from '../../functions/scoring/store.ts';
import type { SeedOwner } from './seed-records.ts';

/**
 * Issue 10 — scoring: the demo tenant starts with rules a marketer would write first — titles that decide,
 * company size, China, and the behaviours (clicks, opens, form fills, logged activities) — threshold 50,
 * behaviour points halving every 30 days — switched off until a marketer turns scoring on; leads are then
 * scored from their next change or behaviour on.
 */
export async function seedScoring(tenantId: string, marketer: SeedOwner): Promise<void> {
  const current = await loadScoring(tenantId);
  if (current.version > 0) return;
  // Seeded switched off: a marketer turns it on at Admin → Lead scoring (tests and demo leads are not rescored behind their backs).
  await saveScoring(tenantId, {
    enabled: false,
    threshold: 50,
    decay: { halfLifeDays: 30 },
    rules: [
      { id: 'title-cto', label: 'CTO / 技术负责人', where: { title: { contains: 'CTO' } }, points: 20 },
      { id: 'title-director', label: 'Director / 总监', where: { title: { contains: '总监' } }, points: 15 },
      { id: 'company-size', label: '200+ employees / 200 人以上', where: { companySize: { gte: 200 } }, points: 10 },
      { id: 'country-cn', label: 'Mainland China / 中国大陆', where: { country: { eq: 'CN' } }, points: 5 },
      { id: 'email-click', label: 'Clicked an email / 点击邮件', event: 'email.clicked', points: 10 },
      { id: 'email-open', label: 'Opened an email / 打开邮件', event: 'email.opened', points: 3 },
      { id: 'form-fill', label: 'Filled in a web form / 提交表单', event: 'form.submitted', points: 15 },
      { id: 'activity', label: 'Call, meeting or reply / 通话、会议或回复', event: 'activity.logged', points: 5 },
    ],
  }, 0, new Date().toISOString(), { id: marketer.id, name: marketer.name });
}
