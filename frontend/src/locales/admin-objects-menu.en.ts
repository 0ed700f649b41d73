/**
 * English: the few Objects-and-fields and command-palette messages every signed-in page shows (the Admin menu
 * entry, the header's search button). Merged into the app messages in modules/i18n.ts; the rest of those pages'
 * messages (admin-objects.en.ts) come with the pages. admin-objects-menu.zh-CN.ts has the same keys (typed).
 */
export default {
  objectsAdmin: { menu: 'Objects and fields' },
  palette: { open: 'Search and commands', shortcut: 'Ctrl K' },
};
