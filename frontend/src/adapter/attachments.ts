import type { TicketMessage, TicketStatus } from '#schemas/ticket.ts';
import { MAX_ATTACHMENT_BYTES } from '#schemas/ticket.ts';
import { api } from './http';
import type { TicketRecord } from './tickets';

/** Files of a reply or note (issue 9): a presigned upload per file, then the keys in the reply; download links of the thread's files. */
export { MAX_ATTACHMENT_BYTES };
export interface ReplyAttachment { key: string; fileName: string; contentType: string }

const base = (id: string) => `/api/tickets/${encodeURIComponent(id)}`;

export const attachmentsApi = {
  start: (ticketId: string, f: { fileName: string; contentType: string; size: number }) =>
    api.post<{ key: string; uploadUrl: string; expiresAt: string }>(`${base(ticketId)}/attachments`, f),
  download: (ticketId: string, messageId: string, n: number) =>
    api.get<{ url: string }>(`${base(ticketId)}/attachments/${n}`, { message: messageId }),
  reply: (id: string, body: { body: string; public: boolean; status?: TicketStatus; attachments?: ReplyAttachment[] }) =>
    api.post<{ message: TicketMessage; ticket: TicketRecord }>(`${base(id)}/replies`, body),
};

/** PUT the file's bytes to the presigned URL with its Content-Type, reporting progress 0–100. */
export function putFile(url: string, file: File, contentType: string, onProgress: (percent: number) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('PUT', url);
    xhr.setRequestHeader('content-type', contentType);
    xhr.upload.onprogress = (e) => { if (e.lengthComputable) onProgress(Math.round((e.loaded / e.total) * 100)); };
    xhr.onload = () => (xhr.status >= 200 && xhr.status < 300 ? resolve() : reject(new Error(`HTTP ${xhr.status}`)));
    xhr.onerror = () => reject(new Error('network'));
    xhr.send(file);
  });
}

export const formatSize = (n: number): string => (n < 1024 ? `${n} B` : n < 1024 * 1024 ? `${(n / 1024).toFixed(0)} KB` : `${(n / 1024 / 1024).toFixed(1)} MB`);
