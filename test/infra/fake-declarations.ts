import type { FunctionDeclaration, RouteDeclaration, TableDeclaration } from '../../infra/declarations/index.ts';
import type { EventDeclarations } from '../../infra/stacks/events-stack.ts';

/**
 * A small declaration set exercising what today's real declarations leave empty: rules (two on one target),
 * a schedule target that itself creates schedules, a recurring schedule, functions that send email, and a
 * function that serves both a route and a rule (one Lambda).
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

export const fakeRoutes: RouteDeclaration[] = [
  { name: 'fake-health', entry: 'functions/fake/health.ts', method: 'GET', path: '/api/health', auth: 'none', throttle: { rateLimit: 5, burstLimit: 10 }, access: {} },
  {
    name: 'fake-tasks-create', entry: 'functions/fake/tasks-create.ts', method: 'POST', path: '/api/tasks', auth: 'jwt',
    throttle: { rateLimit: 20, burstLimit: 40 }, access: { table: 'readwrite', schedules: true, putEvents: true },
  },
  // The same function as the rule target: one Lambda, created by the events stack, reused by the route.
  // As a route it also puts events: the shared Lambda gets the union of both accesses.
  {
    ...notifier, access: { ...notifier.access, putEvents: true },
    method: 'POST', path: '/api/notifications/test', auth: 'jwt', throttle: { rateLimit: 1, burstLimit: 2 },
  },
];

export const fakeFunctions: FunctionDeclaration[] = [forwarder, notifier, callback, digest, ...fakeRoutes];
