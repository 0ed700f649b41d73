import type { Component } from 'vue';
import {
  Box, Briefcase, Calendar, Document, Flag, Folder, Message, OfficeBuilding, Place, PriceTag, Star, Tickets, Trophy, User, Van,
} from '@element-plus/icons-vue';

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
