/**
 * Email and in-app texts in both languages (rule 6: every user-visible string is translated),
 * chosen by the recipient's language, with times in the recipient's time zone.
 */
export type Language = 'zh-CN' | 'en';

export interface LeadFactsForMail {
  id: string;
  name: string;
  company?: string;
  email?: string;
  phone?: string;
  source?: string;
  callbackDueAt?: string;
  ownerName?: string;
}

const when = (iso: string | undefined, lang: Language, timeZone: string) =>
  iso ? `${new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeStyle: 'short', timeZone }).format(new Date(iso))} (${timeZone})` : '';

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const TEXT = {
  'zh-CN': {
    assignedSubject: (l: LeadFactsForMail) => `新线索已分配给您：${l.name}`,
    assignedIntro: '一条新线索已分配给您，请尽快联系。',
    callbackBy: '请在此时间前回电：',
    reminderSubject: (l: LeadFactsForMail) => `提醒：线索 ${l.name} 尚未联系`,
    reminderIntro: '这条线索的回电时限已到，但还没有记录任何联系。',
    escalationSubject: (l: LeadFactsForMail) => `升级：${l.ownerName ?? ''} 未按时联系线索 ${l.name}`,
    escalationIntro: (l: LeadFactsForMail) => `${l.ownerName ?? '负责人'} 在回电时限内没有联系这条线索。`,
    labels: { company: '公司', email: '邮箱', phone: '电话', source: '来源' },
    colon: '：',
    open: '打开线索',
    footer: 'Cirrus CRM 自动发送',
  },
  en: {
    assignedSubject: (l: LeadFactsForMail) => `New lead assigned to you: ${l.name}`,
    assignedIntro: 'A new lead has been assigned to you. Please get in touch soon.',
    callbackBy: 'Call back by:',
    reminderSubject: (l: LeadFactsForMail) => `Reminder: lead ${l.name} has not been contacted`,
    reminderIntro: 'The call-back window for this lead has ended and no contact has been logged.',
    escalationSubject: (l: LeadFactsForMail) => `Escalation: ${l.ownerName ?? ''} has not contacted lead ${l.name}`,
    escalationIntro: (l: LeadFactsForMail) => `${l.ownerName ?? 'The owner'} did not contact this lead within the call-back window.`,
    labels: { company: 'Company', email: 'Email', phone: 'Phone', source: 'Source' },
    colon: ': ',
    open: 'Open the lead',
    footer: 'Sent by Cirrus CRM',
  },
} as const;

export type MailKind = 'lead-assigned' | 'lead-callback-reminder' | 'lead-callback-escalation';

export function leadMail(kind: MailKind, lead: LeadFactsForMail, lang: Language, timeZone: string, appUrl: string): { subject: string; text: string; html: string } {
  const t = TEXT[lang] ?? TEXT.en;
  const subject = kind === 'lead-assigned' ? t.assignedSubject(lead) : kind === 'lead-callback-reminder' ? t.reminderSubject(lead) : t.escalationSubject(lead);
  const intro = kind === 'lead-assigned' ? t.assignedIntro : kind === 'lead-callback-reminder' ? t.reminderIntro : t.escalationIntro(lead);
  const link = `${appUrl.replace(/\/$/, '')}/leads/${lead.id}`;
  const rows: [string, string | undefined][] = [
    [t.labels.company, lead.company], [t.labels.email, lead.email], [t.labels.phone, lead.phone], [t.labels.source, lead.source],
  ];
  const due = when(lead.callbackDueAt, lang, timeZone);
  const text = [intro, '', lead.name, ...rows.filter(([, v]) => v).map(([k, v]) => `${k}${t.colon}${v}`), ...(due ? ['', `${t.callbackBy} ${due}`] : []), '', `${t.open}${t.colon}${link}`, '', t.footer].join('\n');
  const html = `<p>${esc(intro)}</p><h2>${esc(lead.name)}</h2><table>${rows.filter(([, v]) => v).map(([k, v]) => `<tr><th align="left">${esc(k)}</th><td>${esc(v!)}</td></tr>`).join('')}</table>${due ? `<p><strong>${esc(t.callbackBy)}</strong> ${esc(due)}</p>` : ''}<p><a href="${esc(link)}">${esc(t.open)}</a></p><p style="color:#888">${esc(t.footer)}</p>`;
  return { subject, text, html };
}

/** An activity as its reminder and the follow-up alerts show it. */
export interface ActivityFactsForMail {
  id: string;
  type: string;
  subject: string;
  dueAt?: string;
  startAt?: string;
  /** The first record it is about, for the link back (`/opportunities/<id>`). */
  about?: { object: string; id: string; name?: string };
}

const ACTIVITY_TEXT = {
  'zh-CN': {
    types: { call: '电话', meeting: '会议', email: '邮件', note: '备注', task: '任务' } as Record<string, string>,
    subject: (type: string, s: string) => `提醒：${type}「${s}」`,
    intro: '这是您设置的提醒。', due: '截止时间', start: '开始时间', open: '在 Cirrus CRM 中打开',
    colon: '：', footer: 'Cirrus CRM 自动发送',
  },
  en: {
    types: { call: 'Call', meeting: 'Meeting', email: 'Email', note: 'Note', task: 'Task' } as Record<string, string>,
    subject: (type: string, s: string) => `Reminder: ${type.toLowerCase()} "${s}"`,
    intro: 'This is the reminder you set.', due: 'Due', start: 'Starts', open: 'Open in Cirrus CRM',
    colon: ': ', footer: 'Sent by Cirrus CRM',
  },
} as const;

/** An activity's reminder (SFA-5), in the owner's language with times in their time zone. */
export function activityReminderMail(a: ActivityFactsForMail, lang: Language, timeZone: string, appUrl: string): { subject: string; text: string; html: string } {
  const t = ACTIVITY_TEXT[lang] ?? ACTIVITY_TEXT.en;
  const type = t.types[a.type] ?? a.type;
  const subject = t.subject(type, a.subject);
  const base = appUrl.replace(/\/$/, '');
  const link = a.about ? `${base}/${a.about.object}/${a.about.id}` : `${base}/my-day`;
  const rows: [string, string][] = [
    ...(a.dueAt ? [[t.due, when(a.dueAt, lang, timeZone)] as [string, string]] : []),
    ...(a.startAt ? [[t.start, when(a.startAt, lang, timeZone)] as [string, string]] : []),
  ];
  const text = [t.intro, '', `${type}${t.colon}${a.subject}`, ...rows.map(([k, v]) => `${k}${t.colon}${v}`), '', `${t.open}${t.colon}${link}`, '', t.footer].join('\n');
  const html = `<p>${esc(t.intro)}</p><h2>${esc(type)}${esc(t.colon)}${esc(a.subject)}</h2><table>${rows.map(([k, v]) => `<tr><th align="left">${esc(k)}</th><td>${esc(v)}</td></tr>`).join('')}</table><p><a href="${esc(link)}">${esc(t.open)}</a></p><p style="color:#888">${esc(t.footer)}</p>`;
  return { subject, text, html };
}

const FOLLOW_UP_TEXT = {
  'zh-CN': {
    objects: { lead: '线索', opportunity: '商机', account: '客户' } as Record<string, string>,
    subject: (o: string, name: string, days: number) => `跟进提醒：${o}「${name}」已 ${days} 天没有活动`,
    subjectManager: (o: string, name: string, days: number, owner: string) => `跟进提醒：${owner} 的${o}「${name}」已 ${days} 天没有活动`,
    intro: (days: number) => `这条记录已经 ${days} 天没有任何活动（电话、邮件、会议、备注或任务）。`,
    last: '最后一次活动', open: '打开记录', colon: '：', footer: 'Cirrus CRM 自动发送',
  },
  en: {
    objects: { lead: 'lead', opportunity: 'opportunity', account: 'account' } as Record<string, string>,
    subject: (o: string, name: string, days: number) => `Follow up: no activity on ${o} "${name}" for ${days} days`,
    subjectManager: (o: string, name: string, days: number, owner: string) => `Follow up: no activity on ${owner}'s ${o} "${name}" for ${days} days`,
    intro: (days: number) => `Nothing has been logged on this record for ${days} days (no call, email, meeting, note or task).`,
    last: 'Last activity', open: 'Open the record', colon: ': ', footer: 'Sent by Cirrus CRM',
  },
} as const;

/** The follow-up watchdog's alert (SFA-6), to the owner or (with `ownerName`) to their manager. */
export function followUpMail(r: { type: string; id: string; name: string; since: string; days: number; ownerName?: string }, lang: Language, timeZone: string, appUrl: string): { subject: string; text: string; html: string } {
  const t = FOLLOW_UP_TEXT[lang] ?? FOLLOW_UP_TEXT.en;
  const o = t.objects[r.type] ?? r.type;
  const subject = r.ownerName ? t.subjectManager(o, r.name, r.days, r.ownerName) : t.subject(o, r.name, r.days);
  const link = `${appUrl.replace(/\/$/, '')}/${r.type === 'lead' ? 'leads' : r.type === 'account' ? 'accounts' : 'opportunities'}/${r.id}`;
  const last = when(r.since, lang, timeZone);
  const text = [t.intro(r.days), '', r.name, `${t.last}${t.colon}${last}`, '', `${t.open}${t.colon}${link}`, '', t.footer].join('\n');
  const html = `<p>${esc(t.intro(r.days))}</p><h2>${esc(r.name)}</h2><p><strong>${esc(t.last)}</strong>${esc(t.colon)}${esc(last)}</p><p><a href="${esc(link)}">${esc(t.open)}</a></p><p style="color:#888">${esc(t.footer)}</p>`;
  return { subject, text, html };
}

const SLA_TEXT = {
  'zh-CN': {
    targets: { firstResponse: '首次响应', resolution: '解决' } as Record<string, string>,
    warningSubject: (n: string, target: string, s: string) => `SLA 预警：工单 ${n}「${s}」的${target}时限将到`,
    breachSubject: (n: string, target: string, s: string) => `SLA 违约：工单 ${n}「${s}」已超过${target}时限`,
    warningIntro: (target: string) => `这张工单的${target}时限快到了，请尽快处理。`,
    breachIntro: (target: string) => `这张工单已超过${target}时限。`,
    due: '时限', priority: '优先级', colon: '：', open: '打开工单', footer: 'Cirrus CRM 自动发送',
  },
  en: {
    targets: { firstResponse: 'first response', resolution: 'resolution' } as Record<string, string>,
    warningSubject: (n: string, target: string, s: string) => `SLA warning: ${target} on ticket ${n} "${s}" is due soon`,
    breachSubject: (n: string, target: string, s: string) => `SLA breached: ${target} on ticket ${n} "${s}" is overdue`,
    warningIntro: (target: string) => `The ${target} target of this ticket is close. Please act on it soon.`,
    breachIntro: (target: string) => `The ${target} target of this ticket has passed.`,
    due: 'Due', priority: 'Priority', colon: ': ', open: 'Open the ticket', footer: 'Sent by Cirrus CRM',
  },
} as const;

/** An SLA warning (to the assignee) or breach (to the assignee and the queue's manager), SVC-4. */
export function slaAlertMail(
  t: { id: string; number: string; subject: string; priority: string; target: 'firstResponse' | 'resolution'; moment: 'warning' | 'breach'; dueAt: string },
  lang: Language, timeZone: string, appUrl: string,
): { subject: string; text: string; html: string } {
  const x = SLA_TEXT[lang] ?? SLA_TEXT.en;
  const target = x.targets[t.target] ?? t.target;
  const subject = t.moment === 'breach' ? x.breachSubject(t.number, target, t.subject) : x.warningSubject(t.number, target, t.subject);
  const intro = t.moment === 'breach' ? x.breachIntro(target) : x.warningIntro(target);
  const link = `${appUrl.replace(/\/$/, '')}/tickets/${t.id}`;
  const due = when(t.dueAt, lang, timeZone);
  const text = [intro, '', `${t.number} ${t.subject}`, `${x.due}${x.colon}${due}`, `${x.priority}${x.colon}${t.priority}`, '', `${x.open}${x.colon}${link}`, '', x.footer].join('\n');
  const html = `<p>${esc(intro)}</p><h2>${esc(`${t.number} ${t.subject}`)}</h2><p><strong>${esc(x.due)}</strong>${esc(x.colon)}${esc(due)}<br><strong>${esc(x.priority)}</strong>${esc(x.colon)}${esc(t.priority)}</p><p><a href="${esc(link)}">${esc(x.open)}</a></p><p style="color:#888">${esc(x.footer)}</p>`;
  return { subject, text, html };
}

const TICKET_TEXT = {
  'zh-CN': {
    replyAbove: '##- 请在此行以上回复 -##',
    wrote: (name: string, at: string) => `${name} 于 ${at} 写道：`,
    reference: (n: string) => `工单编号 ${n}。直接回复此邮件即可继续沟通。`,
  },
  en: {
    replyAbove: '##- Please type your reply above this line -##',
    wrote: (name: string, at: string) => `${name} wrote on ${at}:`,
    reference: (n: string) => `Ticket ${n}. Reply to this email to continue the conversation.`,
  },
} as const;

/** The reply line our support emails start with, in each language (the inbound side cuts what is below it). */
export const replyAboveLines = Object.values(TICKET_TEXT).map((t) => t.replyAbove);

/**
 * An agent's public reply as the customer receives it (SVC-1): `Re: <subject> [T-000123]`, the reply, then the
 * earlier public messages of the thread newest first, in the support address's language and time zone.
 */
export function ticketReplyMail(
  t: { number: string; subject: string; reply: { body: string; authorName: string }; supportName: string; earlier: readonly { authorName: string; at: string; body: string }[] },
  lang: Language, timeZone: string,
): { subject: string; text: string; html: string } {
  const x = TICKET_TEXT[lang] ?? TICKET_TEXT.en;
  const base = t.subject.replace(/^((re|fw|fwd|回复|答复|转发)\s*[:：]\s*)+/i, '').replace(/\s*\[T-\d{6,}\]\s*/g, ' ').trim();
  const subject = `Re: ${base} [${t.number}]`;
  const sign = `${t.reply.authorName} · ${t.supportName}`;
  const quoted = t.earlier.map((m) => [x.wrote(m.authorName, when(m.at, lang, timeZone)), ...m.body.split('\n').map((l) => `> ${l}`)].join('\n'));
  const text = [x.replyAbove, '', t.reply.body, '', `— ${sign}`, '', x.reference(t.number), ...(quoted.length ? ['', ...quoted] : [])].join('\n');
  const para = (body: string) => esc(body).replace(/\n/g, '<br>');
  const html = `<p style="color:#999;font-size:12px">${esc(x.replyAbove)}</p><div>${para(t.reply.body)}</div><p>— ${esc(sign)}</p><p style="color:#888;font-size:12px">${esc(x.reference(t.number))}</p>`
    + t.earlier.map((m) => `<p style="color:#666;margin-top:16px">${esc(x.wrote(m.authorName, when(m.at, lang, timeZone)))}</p><blockquote style="margin:0 0 0 8px;padding-left:8px;border-left:2px solid #ccc;color:#555">${para(m.body)}</blockquote>`).join('');
  return { subject, text, html };
}

const ASSIGNED_TEXT = {
  'zh-CN': { subject: (n: string, s: string) => `新工单已分配给您：${n}「${s}」`, intro: (q: string) => `队列「${q}」的一张工单已分配给您。`, priority: '优先级', from: '客户', colon: '：', open: '打开工单', footer: 'Cirrus CRM 自动发送' },
  en: { subject: (n: string, s: string) => `Ticket assigned to you: ${n} "${s}"`, intro: (q: string) => `A ticket of the ${q} queue is yours now.`, priority: 'Priority', from: 'Customer', colon: ': ', open: 'Open the ticket', footer: 'Sent by Cirrus CRM' },
} as const;

/** A ticket routed to an agent (SVC-1): to the agent, in their language. */
export function ticketAssignedMail(
  t: { id: string; number: string; subject: string; priority: string; queueName: string; requester?: string },
  lang: Language, appUrl: string,
): { subject: string; text: string; html: string } {
  const x = ASSIGNED_TEXT[lang] ?? ASSIGNED_TEXT.en;
  const link = `${appUrl.replace(/\/$/, '')}/tickets/${t.id}`;
  const subject = x.subject(t.number, t.subject);
  const lines = [`${x.priority}${x.colon}${t.priority}`, ...(t.requester ? [`${x.from}${x.colon}${t.requester}`] : [])];
  const text = [x.intro(t.queueName), '', `${t.number} ${t.subject}`, ...lines, '', `${x.open}${x.colon}${link}`, '', x.footer].join('\n');
  const html = `<p>${esc(x.intro(t.queueName))}</p><h2>${esc(`${t.number} ${t.subject}`)}</h2><p>${lines.map(esc).join('<br>')}</p><p><a href="${esc(link)}">${esc(x.open)}</a></p><p style="color:#888">${esc(x.footer)}</p>`;
  return { subject, text, html };
}

const CSAT_TEXT = {
  'zh-CN': {
    subject: (n: string, s: string) => `您对工单 ${n}「${s}」的处理满意吗？`,
    intro: '您的问题已解决。请用一次点击告诉我们您的满意度：',
    scores: ['非常不满意', '不满意', '一般', '满意', '非常满意'],
    after: '点击后可以再补充一句意见。此链接 14 天内有效，只能提交一次。',
    thanks: (name: string) => `${name} 敬上`,
  },
  en: {
    subject: (n: string, s: string) => `How did we do on ${n} "${s}"?`,
    intro: 'Your request has been solved. How satisfied are you? One click tells us:',
    scores: ['Very dissatisfied', 'Dissatisfied', 'Neutral', 'Satisfied', 'Very satisfied'],
    after: 'You can add a comment after clicking. The link works for 14 days and takes one answer.',
    thanks: (name: string) => `— ${name}`,
  },
} as const;

/** The CSAT survey (SVC-5): one link per score to the survey page, in the support address's language. */
export function csatMail(t: { number: string; subject: string; link: string; supportName: string }, lang: Language): { subject: string; text: string; html: string } {
  const x = CSAT_TEXT[lang] ?? CSAT_TEXT.en;
  const links = x.scores.map((label, i) => ({ score: i + 1, label, href: `${t.link}?score=${i + 1}` }));
  const text = [x.intro, '', ...links.map((l) => `${l.score} – ${l.label}: ${l.href}`), '', x.after, '', x.thanks(t.supportName)].join('\n');
  const html = `<p>${esc(x.intro)}</p><p>${links.map((l) => `<a href="${esc(l.href)}" style="display:inline-block;margin:4px;padding:8px 12px;border:1px solid #ccc;border-radius:6px;text-decoration:none">${l.score} · ${esc(l.label)}</a>`).join('')}</p><p style="color:#888">${esc(x.after)}</p><p>${esc(x.thanks(t.supportName))}</p>`;
  return { subject: x.subject(t.number, t.subject), text, html };
}

const PORTAL_TEXT = {
  'zh-CN': {
    subject: (s: string) => `登录 ${s} 客户门户`,
    intro: '点击下面的链接登录客户门户，查看和提交您的工单：',
    note: (m: number) => `链接 ${m} 分钟内有效，只能使用一次。如果不是您本人操作，请忽略此邮件。`,
    button: '登录客户门户',
  },
  en: {
    subject: (s: string) => `Your sign-in link to the ${s} portal`,
    intro: 'Follow this link to sign in to the customer portal, see your requests and open new ones:',
    note: (m: number) => `The link works once, for ${m} minutes. If you did not ask for it, ignore this email.`,
    button: 'Sign in to the portal',
  },
} as const;

/** The customer portal's magic link (SVC-3), in the customer's language. */
export function portalLinkMail(t: { link: string; supportName: string; minutes: number }, lang: Language): { subject: string; text: string; html: string } {
  const x = PORTAL_TEXT[lang] ?? PORTAL_TEXT.en;
  const text = [x.intro, '', t.link, '', x.note(t.minutes), '', `— ${t.supportName}`].join('\n');
  const html = `<p>${esc(x.intro)}</p><p><a href="${esc(t.link)}" style="display:inline-block;padding:10px 16px;border-radius:6px;background:#409eff;color:#fff;text-decoration:none">${esc(x.button)}</a></p><p style="color:#888">${esc(x.note(t.minutes))}</p><p>— ${esc(t.supportName)}</p>`;
  return { subject: x.subject(t.supportName), text, html };
}

const NPS_TEXT = {
  'zh-CN': {
    subject: (s: string) => `${s} 想听听您的意见`,
    scale: '0 = 完全不可能，10 = 极有可能。点击一个分数：',
    after: '点击后会打开一个页面，您可以确认分数并留下意见。',
    thanks: (name: string) => `谢谢！— ${name}`,
  },
  en: {
    subject: (s: string) => `A quick question from ${s}`,
    scale: '0 = not at all likely, 10 = extremely likely. Click a score:',
    after: 'The link opens a page where you can confirm your score and tell us why.',
    thanks: (name: string) => `Thank you! — ${name}`,
  },
} as const;

/** The NPS survey (SVC-5): the program's question and one link per score, 0 to 10, in the contact's language. */
export function npsMail(t: { question: string; link: string; senderName: string }, lang: Language): { subject: string; text: string; html: string } {
  const x = NPS_TEXT[lang] ?? NPS_TEXT.en;
  const links = Array.from({ length: 11 }, (_, score) => ({ score, href: `${t.link}?score=${score}` }));
  const text = [t.question, '', x.scale, '', ...links.map((l) => `${l.score}: ${l.href}`), '', x.after, '', x.thanks(t.senderName)].join('\n');
  const html = `<p><strong>${esc(t.question)}</strong></p><p style="color:#888">${esc(x.scale)}</p><p>${links.map((l) => `<a href="${esc(l.href)}" style="display:inline-block;min-width:28px;margin:3px;padding:8px 6px;border:1px solid #ccc;border-radius:6px;text-align:center;text-decoration:none">${l.score}</a>`).join('')}</p><p style="color:#888">${esc(x.after)}</p><p>${esc(x.thanks(t.senderName))}</p>`;
  return { subject: x.subject(t.senderName), text, html };
}
