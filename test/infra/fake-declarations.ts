import { unitFunctions, type FunctionDeclaration, type RouteDeclaration, type TableDeclaration, type UnitDeclaration } from '../../infra/declarations/index.ts';
import type { EventDeclarations } from '../../infra/stacks/events-stack.ts';

/**
 * A small declaration set exercising what today's real declarations leave empty: rules (two on one target),
 * a schedule target that itself creates schedules, a recurring schedule, functions that send email, and a
 * deploy unit whose routes need different access (its Lambda gets the union).
 */
export const fakeTable: TableDeclaration = {
  logicalName: 'FakeTable',
  partitionKey: 'pk',
  sortKey: 'sk',
  timeToLiveAttribute: 'ttl',
  streamViewType: 'NEW_AND_OLD_IMAGES',
  globalSecondaryIndexes: [{ indexName: 'ByOwner', partitionKey: 'opk', sortKey: 'osk' }],
};

export const notifier: FunctionDeclaration = {
  name: 'fake-notifier',
  entry: 'functions/fake/notifier.ts',
  access: { table: 'readwrite', sendEmail: true },
  memoryMb: 256,
  timeoutSeconds: 20,
};
export const callback: FunctionDeclaration = {
  name: 'fake-callback',
  entry: 'functions/fake/callback.ts',
  access: { table: 'readwrite', schedules: true },
};
export const digest: FunctionDeclaration = {
  name: 'fake-digest',
  entry: 'functions/fake/digest.ts',
  access: { table: 'read', sendEmail: true },
  timeoutSeconds: 60,
};
export const forwarder: FunctionDeclaration = {
  name: 'fake-forwarder',
  entry: 'functions/fake/forwarder.ts',
  access: { putEvents: true },
};

export const fakeEvents: EventDeclarations = {
  streamForwarder: forwarder,
  rules: [
    {
      name: 'notify-on-lead-assigned',
      description: 'Tell the new owner',
      eventPattern: { source: ['cirrus.crm'], 'detail-type': ['lead.assigned'] },
      target: notifier,
      retryAttempts: 4,
      maxEventAgeSeconds: 3600,
    },
    {
      name: 'notify-on-ticket-events',
      description: 'Ticket changes',
      eventPattern: { source: ['cirrus.crm'], 'detail-type': [{ prefix: 'ticket.' }], detail: { priority: ['high', 'urgent'] } },
      target: notifier,
      retryAttempts: 2,
      maxEventAgeSeconds: 600,
    },
  ],
  scheduleTargets: [callback],
  schedules: [
    {
      name: 'weekly-forecast',
      description: 'Forecast email to managers',
      expression: 'cron(0 8 ? * MON *)',
      timezone: 'Asia/Shanghai',
      target: digest,
    },
  ],
};

export const fakeUnits: Record<string, UnitDeclaration> = {
  'fake-public': { name: 'fake-public', entry: 'functions/fake/public.ts', description: 'public documents' },
  'fake-tasks': { name: 'fake-tasks', entry: 'functions/fake/tasks.ts', description: 'tasks', memoryMb: 256, timeoutSeconds: 20 },
};

export const fakeRoutes: RouteDeclaration[] = [
  { name: 'fake-health', unit: 'fake-public', method: 'GET', path: '/api/health', auth: 'none', throttle: { rateLimit: 5, burstLimit: 10 }, access: {} },
  {
    name: 'fake-tasks-create', unit: 'fake-tasks', method: 'POST', path: '/api/tasks', auth: 'jwt',
    throttle: { rateLimit: 20, burstLimit: 40 }, access: { table: 'readwrite', schedules: true },
  },
  // Same unit, other access: the unit's one Lambda gets the union (table readwrite, schedules, putEvents, files).
  {
    name: 'fake-notifications-test', unit: 'fake-tasks', method: 'POST', path: '/api/notifications/test', auth: 'jwt',
    throttle: { rateLimit: 1, burstLimit: 2 }, access: { table: 'read', putEvents: true, files: 'readwrite' },
  },
];

export const fakeFunctions: FunctionDeclaration[] = [forwarder, notifier, callback, digest, ...unitFunctions(fakeRoutes, fakeUnits)];
