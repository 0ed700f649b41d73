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
  // Someone already typing in the dialog (it opened slowly, under load) keeps their field: taking the focus
  // then sends the rest of their typing into the first field.
  if (top && document.activeElement && top.contains(document.activeElement) && document.activeElement.matches(FIELD)) return;
  const field = [...(top?.querySelectorAll<HTMLElement>(`.el-dialog__body ${FIELD}`) ?? [])].find((el) => el.offsetParent !== null);
  field?.focus();
}
