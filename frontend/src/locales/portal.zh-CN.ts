import type en from './portal.en';

/** 客户门户的中文文案；与 portal.en.ts 键完全一致。 */
const zh: typeof en = {
  portal: {
    title: '客户门户',
    signInTitle: '用邮箱登录',
    signInHint: '我们会给您发送一封含登录链接的邮件，无需密码。',
    email: '邮箱地址',
    sendLink: '发送登录链接',
    linkSent: '请查收邮件：登录链接已发送到 {email}，15 分钟内有效，只能使用一次。',
    signingIn: '正在登录…',
    linkUsed: '此登录链接已使用过，请在下方重新获取。',
    linkExpired: '此登录链接已过期，请在下方重新获取。',
    linkInvalid: '此登录链接无效，请在下方重新获取。',
    signedInAs: '已登录：{email}',
    signOut: '退出',
    myRequests: '我的工单',
    none: '您还没有工单。',
    newRequest: '提交新工单',
    subject: '主题',
    description: '请描述您的问题',
    submit: '提交',
    submitted: '已收到您的工单 {number}。',
    back: '返回我的工单',
    you: '您',
    support: '客服',
    replyLabel: '您的回复',
    sendReply: '发送',
    replied: '已发送',
    status: { new: '已收到', open: '处理中', pending: '等待您回复', onHold: '挂起', solved: '已解决', closed: '已关闭' },
    notFound: '没有这个客户门户。',
  },
};
export default zh;
