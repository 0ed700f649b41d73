import { systemClock } from '#commons/clock.ts';
import { directoryEntry } from '../users/directory.ts';
import { MailRefused, sendMail } from './mailer.ts';
import { claimNotification, confirmMailSent, releaseMail, type Notification } from './store.ts';
import type { Language } from './templates.ts';

/** Who a notification goes to, with what their email and times need: language, time zone, manager. */
export interface Recipient {
  id: string;
  email: string;
  name: string;
  language: Language;
  timeZone: string;
  managerId?: string;
}

/** A user of the tenant as a recipient; none for a queue, the shared pool or an unknown user. */
export async function recipientOf(tenantId: string, userId: string | undefined): Promise<Recipient | undefined> {
  if (!userId || userId.startsWith('queue:') || userId === 'pool') return undefined;
  const user = await directoryEntry(tenantId, userId);
  if (!user) return undefined;
  const language: Language = user.language === 'zh-CN' ? 'zh-CN' : 'en';
  return {
    id: userId, email: user.email, name: user.name, language, ...(user.managerId ? { managerId: user.managerId } : {}),
    timeZone: user.timeZone ?? (language === 'zh-CN' ? 'Asia/Shanghai' : 'UTC'),
  };
}

/**
 * The in-app notification and its email, once per `key` and recipient (PLT-7). Guarantee, on AWS as locally:
 *  - the in-app notification is written exactly once (a conditional write keyed by `key`);
 *  - the email is sent at most once: the notification's write also claims the email, before SES is called,
 *    so a redelivered event or a second firing of a schedule finds the claim and sends nothing. If SES refuses
 *    the email (a 4xx: nothing was sent) the claim is released and the call throws, so the retry sends it.
 *    Only if the function dies between the claim and SES's answer is the email not sent; the notification then
 *    stays with `mail.status = 'sending'`, which is what to look for.
 * SendEmail has no idempotency key, so we choose never to send twice over never to miss one.
 * True when this call delivered it, false when an earlier one had.
 */
export async function deliverOnce(
  tenantId: string, to: Recipient, key: string, notification: Omit<Notification, 'id' | 'read'>,
  mail: { subject: string; text: string; html: string },
): Promise<boolean> {
  if (!(await claimNotification(tenantId, to.id, key, notification, to.email, systemClock()))) return false;
  let messageId: string | undefined;
  try {
    messageId = await sendMail(to.email, mail);
  } catch (error) {
    if (error instanceof MailRefused) await releaseMail(tenantId, to.id, key, notification.at);
    throw error;
  }
  await confirmMailSent(tenantId, to.id, key, notification.at, messageId, systemClock());
  return true;
}
