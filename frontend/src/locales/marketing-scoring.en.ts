/** Issue 10 — scoring: the messages of its pages and panels (en); loaded with them (modules/i18n.ts, loadPageMessages). */
export default {
  mktScoring: {
    panel: {
      title: 'Lead score',
      mql: 'MQL',
      mqlSince: 'Marketing-qualified since {at}',
      none: 'Not scored yet',
      demographic: 'Profile',
      behaviour: 'Behaviour',
      earned: '{points} points earned {at}',
      points: '{points} pts',
    },
    events: {
      'email.opened': 'Opened an email',
      'email.clicked': 'Clicked an email',
      'form.submitted': 'Filled in a web form',
      'activity.logged': 'Call, meeting or reply logged',
    },
  },
};
