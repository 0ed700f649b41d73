import './dialog.css';

/**
 * Form dialogs (`class="form-dialog" top="4vh" @opened="focusFirstField"`): the header and the Save
 * button stay on screen on a laptop (1366×768) while the fields scroll between them (dialog.css), and
 * the first field has the focus once the dialog is open.
 */
const FIELD = 'input:not([type=hidden]):not([disabled]):not([type=radio]):not([type=checkbox]), textarea:not([disabled])';

export function focusFirstField(): void {
  const dialogs = [...document.querySelectorAll<HTMLElement>('.el-dialog.form-dialog')].filter((d) => d.offsetParent !== null);
  const top = dialogs[dialogs.length - 1];
  const field = [...(top?.querySelectorAll<HTMLElement>(`.el-dialog__body ${FIELD}`) ?? [])].find((el) => el.offsetParent !== null);
  field?.focus();
}
