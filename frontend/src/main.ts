import { createApp } from 'vue';
import App from './App.vue';
import { installI18n, loadAppMessages } from './modules/i18n';
import { installPinia } from './modules/pinia';
import { installRouter, router } from './modules/router';
import './styles.css';

// Element Plus components are imported per use by the build (frontend/src/modules/element-plus.ts).
const app = createApp(App);
// The current language's messages arrive before the first render (modules/i18n.ts).
const messages = installI18n(app);
installPinia(app);
installRouter(app);
// Pages behind the sign-in also use the leads and forms messages; the sign-in page does not load them.
router.beforeEach(async (to) => {
  if (!to.meta.public) await loadAppMessages();
});
await messages;
app.mount('#app');
