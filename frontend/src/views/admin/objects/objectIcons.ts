import type { Component } from 'vue';
import { OfficeBuilding, User } from '@element-plus/icons-vue';
import { svgIcons } from '@/components/svgIcons';

// Not from @element-plus/icons-vue: see components/svgIcons.ts (they would land in every page's first load).
const { Box, Briefcase, Calendar, Document, Flag, Folder, Message, Place, PriceTag, Star, Tickets, Trophy, Van } = svgIcons;

/** Icon names an object may carry (schemas/metadata.ts: lower-case names) and the picture for each. */
const ICONS: Record<string, Component> = {
  folder: Folder, briefcase: Briefcase, star: Star, flag: Flag, box: Box, calendar: Calendar, document: Document,
  ticket: Tickets, tag: PriceTag, truck: Van, trophy: Trophy, place: Place,
  // the standard objects' icons
  building: OfficeBuilding, user: User, inbox: Message, target: Trophy,
};
/** What a custom object may choose from. */
export const OBJECT_ICONS = ['folder', 'briefcase', 'star', 'flag', 'box', 'calendar', 'document', 'ticket', 'tag', 'truck', 'trophy', 'place'] as const;
export const objectIcon = (name: string): Component => ICONS[name] ?? Folder;
