/** Issue 10 — scoring: the messages of its pages and panels (zh-CN); loaded with them (modules/i18n.ts, loadPageMessages). */
export default {
  mktScoring: {
    panel: {
      title: '线索评分',
      mql: 'MQL',
      mqlSince: '自 {at} 起为市场认可线索',
      none: '尚未评分',
      demographic: '画像',
      behaviour: '行为',
      earned: '{at} 获得 {points} 分',
      points: '{points} 分',
    },
    events: {
      'email.opened': '打开邮件',
      'email.clicked': '点击邮件',
      'form.submitted': '提交网页表单',
      'activity.logged': '记录了通话、会议或回复',
    },
  },
};
