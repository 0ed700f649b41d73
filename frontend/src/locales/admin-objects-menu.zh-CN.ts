import type en from './admin-objects-menu.en';

/** 简体中文：每个登录后页面都显示的“对象与字段”菜单项和顶栏搜索按钮。键与 admin-objects-menu.en.ts 相同（类型检查）。 */
const zhCN: typeof en = {
  objectsAdmin: { menu: '对象与字段' },
  palette: { open: '搜索和命令', shortcut: 'Ctrl K' },
};
export default zhCN;
