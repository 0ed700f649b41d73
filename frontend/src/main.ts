import { createApp } from 'vue';
import App from './App.vue';
import { installI18n } from './modules/i18n';
import { installPinia } from './modules/pinia';
import { installRouter } from './modules/router';
import { installElementPlus } from './modules/element-plus';
import './styles.css';

const app = createApp(App);
installI18n(app);
installPinia(app);
installElementPlus(app);
installRouter(app);
app.mount('#app');
