import { api } from './http';
import type { Page } from './records';

/**
 * Activities (issue 8, SFA-5): `POST /api/activities` with `relatedTo` naming the records it is about,
 * `PATCH /api/activities/{id}` with If-Match (completing a task is `{"done":true}`), the related list of a
 * record (`GET /api/{object}/{id}/related/activities`, one Query of its partition), my day and the calendar feed.
 */
export type ActivityType = 'call' | 'meeting' | 'email' | 'note' | 'task';
export const ACTIVITY_TYPES: readonly ActivityType[] = ['call', 'meeting', 'email', 'note', 'task'];
/** Per type, the outcomes offered (their labels are the lead pages' `leads.activity.outcomes`, in the app shell). */
export const OUTCOMES_BY_TYPE: Partial<Record<ActivityType, readonly string[]>> = {
  call: ['reached', 'voicemail', 'no-answer', 'wrong-number', 'callback-requested'],
  email: ['sent', 'replied'],
  meeting: ['held', 'no-show', 'rescheduled'],
};
/** The objects an activity may be about (the server's `relatedTo` accepts these). */
export const ACTIVITY_OBJECTS: readonly string[] = ['accounts', 'contacts', 'leads', 'opportunities'];

export interface RelatedRef { object: string; id: string }
export interface ActivityInput {
  type: ActivityType;
  subject: string;
  notes?: string;
  outcome?: string;
  dueAt?: string;
  startAt?: string;
  endAt?: string;
  remindAt?: string;
  done?: boolean;
  relatedTo?: RelatedRef[];
}
export interface Activity extends ActivityInput {
  id: string;
  /** On an agenda item (My day): the activity's type as `type` is the item's kind. */
  activityType?: ActivityType;
  name: string;
  ownerId: string;
  version: number;
  doneAt?: string;
  createdAt: string;
}
/** An activity as a record's related list holds it (no read of the activity itself). */
export interface ActivityLink {
  id: string;
  name: string;
  ownerId?: string;
  activityType: ActivityType;
  dueAt?: string;
  startAt?: string;
  endAt?: string;
  done?: boolean;
  outcome?: string;
}
export interface MyDay {
  timeZone: string;
  today: string;
  overdue: Activity[];
  todayTasks: Activity[];
  meetings: Activity[];
  week: { start: string; days: { date: string; items: Activity[] }[] };
  feed?: { active: boolean };
}

const seg = (s: string) => encodeURIComponent(s);

export const activitiesApi = {
  create: (a: ActivityInput) => api.post<Activity>('/api/activities', a).then((r) => r.data),
  /**
   * Marks an activity done at the version it has now (a list of agenda or link items does not carry the
   * version): a change by someone else between the two requests still answers 412.
   */
  complete: async (id: string) => {
    const current = await api.get<Activity>(`/api/activities/${seg(id)}`);
    return api.patch<Activity>(`/api/activities/${seg(id)}`, { done: true }, { 'if-match': current.etag ?? `"${current.data.version}"` }).then((r) => r.data);
  },
  related: (object: string, id: string, cursor?: string | null) =>
    api.get<Page<ActivityLink>>(`/api/${seg(object)}/${seg(id)}/related/activities`, { limit: '50', ...(cursor ? { cursor } : {}) }).then((r) => r.data),
  myDay: (week?: string) => api.get<MyDay>('/api/my-day', week ? { week } : undefined).then((r) => r.data),
  /** A new secret calendar-feed address (the old one stops working). */
  rotateFeed: () => api.post<{ feedPath: string }>('/api/my-day/calendar-feed').then((r) => r.data),
};
