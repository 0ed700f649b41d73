/**
 * English messages every signed-in page needs (the menu, the notification bell, the away switch, lead source names
 * in any list): merged in with the first signed-in route (modules/i18n.ts). The lead pages' and admin pages' own
 * messages (leads.en.ts, forms.en.ts) come with those pages. app-shell.zh-CN.ts has exactly the same keys (typed).
 */
export default {
  leads: {
    menu: 'Leads',
    sources: {
      Partner: 'Partner',
      Web: 'Web',
      Referral: 'Referral',
      Event: 'Event',
      Phone: 'Phone',
      Email: 'Email',
      Manual: 'Manual',
    },
    activity: {
      outcomes: {
        reached: 'Reached',
        voicemail: 'Left a voicemail',
        'no-answer': 'No answer',
        'wrong-number': 'Wrong number',
        'callback-requested': 'Asked to call back later',
        sent: 'Sent',
        replied: 'Replied',
        held: 'Held',
        'no-show': 'No-show',
        rescheduled: 'Rescheduled',
      },
    },
    form: {
      emailOrPhone: 'Give an email or a phone number',
    },
  },
  leadAdmin: {
    menu: 'Admin',
    partners: {
      menu: 'Lead partners',
    },
    rules: {
      menu: 'Assignment rules',
    },
  },
  notify: {
    title: 'Notifications',
    empty: 'No notifications.',
    markAll: 'Mark all read',
    callbackDue: 'call back {at}',
    kinds: {
      'lead-assigned': 'New lead assigned to you: {name}',
      'lead-callback-reminder': 'Call-back due soon: {name}',
      'lead-callback-escalation': 'Call-back missed: {name}',
    },
    away: {
      label: 'Away',
      hintOn: 'New leads skip you until you turn this off.',
      hintOff: 'Turn on to stop receiving new leads.',
      on: 'You are away: new leads go to others.',
      off: 'Welcome back: you receive new leads again.',
    },
  },
  sharedPool: {
    name: 'Shared pool',
    banner: 'In the shared pool since {at} (no activity for a while). Any rep may claim it.',
    claim: 'Claim',
    claimed: 'It is yours now.',
  },
  marketingMenu: {
    campaigns: 'Campaigns',
    templates: 'Email templates',
    journeys: 'Journeys',
    scoring: 'Lead scoring',
    settings: 'Marketing',
  },
  serviceMenu: {
    tickets: 'Tickets',
    dashboard: 'Service dashboard',
    settings: 'Service desk',
    knowledge: 'Knowledge base',
  },
  pipelineMenu: {
    board: 'Pipeline',
    forecast: 'Forecast',
    pipelines: 'Pipelines',
    boardToggle: 'Board',
  },
  webForms: {
    menu: 'Web-to-lead forms',
  },
};
