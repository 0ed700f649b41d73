/** Element Plus' message box with its stylesheet, for a dynamic import (a confirmation is not needed to show a page). */
export { ElMessageBox } from 'element-plus';
import 'element-plus/es/components/message-box/style/css.mjs';
