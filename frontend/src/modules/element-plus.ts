import type { App, Plugin } from 'vue';
import {
  ElAlert, ElAside, ElAutocomplete, ElAvatar, ElButton, ElCard, ElCol, ElConfigProvider, ElContainer, ElDescriptions,
  ElDescriptionsItem, ElDialog, ElDivider, ElDrawer, ElDropdown, ElDropdownItem, ElDropdownMenu, ElEmpty, ElForm,
  ElFormItem, ElHeader, ElIcon, ElInput, ElInputNumber, ElLink, ElLoading, ElMain, ElMenu, ElMenuItem, ElOption,
  ElPageHeader, ElResult, ElRow, ElSelect, ElSkeleton, ElSkeletonItem, ElTable, ElTableColumn, ElTag, ElTimeline,
  ElTimelineItem, ElTooltip,
} from 'element-plus';
import 'element-plus/es/components/alert/style/css.mjs';
import 'element-plus/es/components/aside/style/css.mjs';
import 'element-plus/es/components/autocomplete/style/css.mjs';
import 'element-plus/es/components/avatar/style/css.mjs';
import 'element-plus/es/components/button/style/css.mjs';
import 'element-plus/es/components/card/style/css.mjs';
import 'element-plus/es/components/col/style/css.mjs';
import 'element-plus/es/components/config-provider/style/css.mjs';
import 'element-plus/es/components/container/style/css.mjs';
import 'element-plus/es/components/descriptions/style/css.mjs';
import 'element-plus/es/components/descriptions-item/style/css.mjs';
import 'element-plus/es/components/dialog/style/css.mjs';
import 'element-plus/es/components/divider/style/css.mjs';
import 'element-plus/es/components/drawer/style/css.mjs';
import 'element-plus/es/components/dropdown/style/css.mjs';
import 'element-plus/es/components/dropdown-item/style/css.mjs';
import 'element-plus/es/components/dropdown-menu/style/css.mjs';
import 'element-plus/es/components/empty/style/css.mjs';
import 'element-plus/es/components/form/style/css.mjs';
import 'element-plus/es/components/form-item/style/css.mjs';
import 'element-plus/es/components/header/style/css.mjs';
import 'element-plus/es/components/icon/style/css.mjs';
import 'element-plus/es/components/input/style/css.mjs';
import 'element-plus/es/components/input-number/style/css.mjs';
import 'element-plus/es/components/link/style/css.mjs';
import 'element-plus/es/components/loading/style/css.mjs';
import 'element-plus/es/components/main/style/css.mjs';
import 'element-plus/es/components/menu/style/css.mjs';
import 'element-plus/es/components/menu-item/style/css.mjs';
import 'element-plus/es/components/option/style/css.mjs';
import 'element-plus/es/components/page-header/style/css.mjs';
import 'element-plus/es/components/result/style/css.mjs';
import 'element-plus/es/components/row/style/css.mjs';
import 'element-plus/es/components/select/style/css.mjs';
import 'element-plus/es/components/skeleton/style/css.mjs';
import 'element-plus/es/components/skeleton-item/style/css.mjs';
import 'element-plus/es/components/table/style/css.mjs';
import 'element-plus/es/components/table-column/style/css.mjs';
import 'element-plus/es/components/tag/style/css.mjs';
import 'element-plus/es/components/timeline/style/css.mjs';
import 'element-plus/es/components/timeline-item/style/css.mjs';
import 'element-plus/es/components/tooltip/style/css.mjs';
import 'element-plus/es/components/message/style/css.mjs';
import 'element-plus/es/components/message-box/style/css.mjs';
import 'element-plus/es/components/badge/style/css.mjs';

/**
 * Element Plus on demand: only the components the app uses are registered (tree-shaken by the bundler),
 * with their styles. ElMessage/ElMessageBox are imported where they are used.
 */
const components: Plugin[] = [
  ElAlert, ElAside, ElAutocomplete, ElAvatar, ElButton, ElCard, ElCol, ElConfigProvider, ElContainer, ElDescriptions,
  ElDescriptionsItem, ElDialog, ElDivider, ElDrawer, ElDropdown, ElDropdownItem, ElDropdownMenu, ElEmpty, ElForm,
  ElFormItem, ElHeader, ElIcon, ElInput, ElInputNumber, ElLink, ElMain, ElMenu, ElMenuItem, ElOption, ElPageHeader,
  ElResult, ElRow, ElSelect, ElSkeleton, ElSkeletonItem, ElTable, ElTableColumn, ElTag, ElTimeline, ElTimelineItem,
  ElTooltip,
];

export function installElementPlus(app: App): void {
  for (const c of components) app.use(c);
  app.use(ElLoading);
}
