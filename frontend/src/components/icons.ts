import { ArrowDown, Expand, Fold, OfficeBuilding, Plus, Search, SwitchButton, User } from '@element-plus/icons-vue';
import { Aim, Calendar, Connection, Grid, Guide, Setting, TrendCharts } from '@element-plus/icons-vue';
import { DataAnalysis, Headset, Reading } from '@element-plus/icons-vue';
import { Histogram, Message, Promotion, Share } from '@element-plus/icons-vue';

/** Icons by name, so menu data can refer to them without pulling the whole icon set. */
export const icons = { ArrowDown, Expand, Fold, OfficeBuilding, Plus, Search, SwitchButton, User, Aim, Calendar, Connection, Grid, Guide, Setting, TrendCharts, DataAnalysis, Headset, Reading, Histogram, Message, Promotion, Share } as const;
export type IconName = keyof typeof icons;
