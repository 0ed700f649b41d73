import type en from './app-shell.en';

/** 每个登录后页面都需要的文案（菜单、通知、离开开关、线索来源名称）。键与 app-shell.en.ts 完全一致（类型检查）。 */
const zhCN: typeof en = {
  leads: {
    menu: '线索',
    sources: {
      Partner: '合作伙伴',
      Web: '网站',
      Referral: '转介绍',
      Event: '活动',
      Phone: '电话',
      Email: '邮件',
      Manual: '手动录入',
    },
    activity: {
      outcomes: {
        reached: '已接通',
        voicemail: '已留言',
        'no-answer': '无人接听',
        'wrong-number': '号码错误',
        'callback-requested': '对方要求稍后回电',
        sent: '已发送',
        replied: '已回复',
        held: '已进行',
        'no-show': '对方未到场',
        rescheduled: '已改期',
      },
    },
    form: {
      emailOrPhone: '请填写邮箱或电话',
    },
  },
  leadAdmin: {
    menu: '管理',
    partners: {
      menu: '线索合作伙伴',
    },
    rules: {
      menu: '分配规则',
    },
  },
  notify: {
    title: '通知',
    empty: '暂无通知。',
    markAll: '全部标为已读',
    callbackDue: '{at}回电',
    kinds: {
      'lead-assigned': '新线索已分配给你：{name}',
      'lead-callback-reminder': '即将到回电时限：{name}',
      'lead-callback-escalation': '回电已逾期：{name}',
    },
    away: {
      label: '不在岗',
      hintOn: '在你关闭之前，新线索不会分配给你。',
      hintOff: '开启后将暂停接收新线索。',
      on: '你已设为不在岗：新线索会分配给其他人。',
      off: '欢迎回来：你将重新接收新线索。',
    },
  },
  sharedPool: {
    name: '公海池',
    banner: '自 {at} 起在公海池中（长时间无跟进）。任何销售都可以领取。',
    claim: '领取',
    claimed: '已领取，现在归您负责。',
  },
  marketingMenu: {
    campaigns: '营销活动',
    templates: '邮件模板',
    journeys: '培育旅程',
    scoring: '线索评分',
    settings: '营销设置',
  },
  serviceMenu: {
    tickets: '工单',
    dashboard: '服务看板',
    settings: '服务台',
    knowledge: '知识库',
  },
  pipelineMenu: {
    board: '销售漏斗',
    forecast: '销售预测',
    pipelines: '销售流程',
    boardToggle: '看板',
  },
  webForms: {
    menu: '网页表单',
  },
};

export default zhCN;
