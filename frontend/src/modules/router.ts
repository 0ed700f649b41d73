import type { App } from 'vue';
import { createRouter, createWebHistory, type RouteRecordRaw } from 'vue-router';
import { hasSession } from '@/adapter/session';
import { setUnauthorizedHandler } from '@/adapter/http';
import { loadPageMessages } from '@/modules/i18n';
import type { CapabilityFlag } from '@/stores/session';

/**
 * Routes. Everything under the layout needs a session; the menu is built from `meta.menu` entries so
 * later modules (leads, deals, tickets, …) only add a route here.
 */
/** A page that brings its own messages (modules/i18n.ts, loadPageMessages): both arrive before it renders. */
type PageMessages = Parameters<typeof loadPageMessages>[0];
const withMessages = <T>(names: PageMessages | readonly PageMessages[], page: () => Promise<T>) => () =>
  Promise.all([page(), ...(Array.isArray(names) ? names : [names as PageMessages]).map((n) => loadPageMessages(n))]).then(([p]) => p as T);

export const appRoutes: RouteRecordRaw[] = [
  // --- objects as data (issue 7): accounts, contacts and opportunities are served by the generic pages, with
  // their own paths and route names kept (links, bookmarks); a standard object's special behaviour is in
  // views/objects/standard.ts.
  {
    path: 'accounts',
    name: 'accounts',
    component: () => import('@/views/objects/ObjectList.vue'),
    props: { object: 'accounts' },
    meta: { menu: { title: 'menu.accounts', icon: 'OfficeBuilding', order: 10 } },
  },
  { path: 'accounts/:id', name: 'account', component: () => import('@/views/objects/ObjectDetail.vue'), props: (r) => ({ object: 'accounts', id: r.params.id }), meta: { activeMenu: 'accounts' } },
  {
    path: 'contacts',
    name: 'contacts',
    component: () => import('@/views/objects/ObjectList.vue'),
    props: { object: 'contacts' },
    meta: { menu: { title: 'menu.contacts', icon: 'User', order: 20 } },
  },
  { path: 'contacts/:id', name: 'contact', component: () => import('@/views/objects/ObjectDetail.vue'), props: (r) => ({ object: 'contacts', id: r.params.id }), meta: { activeMenu: 'contacts' } },
  {
    path: 'opportunities',
    name: 'opportunities',
    component: () => import('@/views/objects/ObjectList.vue'),
    props: { object: 'opportunities' },
    meta: { menu: { title: 'menu.opportunities', icon: 'TrendCharts', order: 30 } },
  },
  // An opportunity's page is the generic one with its stage history (issue 8, views/pipeline/OpportunityPage.vue).
  { path: 'opportunities/:id', name: 'opportunity', component: withMessages('pipeline', () => import('@/views/pipeline/OpportunityPage.vue')), props: (r) => ({ id: r.params.id }), meta: { activeMenu: 'opportunities' } },
  // --- end objects as data ------------------------------------------------------------------------------
  // --- sales pipeline (issue 8): the board and the forecast; Settings → Pipelines is with the admin pages ---
  {
    path: 'pipeline',
    name: 'pipeline',
    component: withMessages('pipeline', () => import('@/views/pipeline/PipelineBoard.vue')),
    meta: { menu: { title: 'pipelineMenu.board', icon: 'Grid', order: 31 } },
  },
  {
    path: 'forecast',
    name: 'forecast',
    component: withMessages('forecast', () => import('@/views/forecast/ForecastPage.vue')),
    meta: { menu: { title: 'pipelineMenu.forecast', icon: 'TrendCharts', order: 32 } },
  },
  {
    path: 'my-day',
    name: 'my-day',
    component: () => import('@/views/activities/MyDay.vue'),
    meta: { menu: { title: 'myDay.menu', icon: 'Calendar', order: 3 } },
  },
  // --- end sales pipeline ---
  // --- service desk (issue 9): the agent workspace (a ticket's page is the workspace with it open) and the dashboard ---
  {
    path: 'tickets',
    name: 'tickets',
    component: withMessages(['service', 'knowledge', 'attachments'], () => import('@/views/service/TicketWorkspace.vue')),
    meta: { menu: { title: 'serviceMenu.tickets', icon: 'Headset', order: 40 } },
  },
  { path: 'tickets/:id', name: 'ticket', component: withMessages(['service', 'knowledge', 'attachments'], () => import('@/views/service/TicketWorkspace.vue')), props: true, meta: { activeMenu: 'tickets' } },
  {
    path: 'service/dashboard',
    name: 'service-dashboard',
    component: withMessages('service', () => import('@/views/service/ServiceDashboard.vue')),
    meta: { menu: { title: 'serviceMenu.dashboard', icon: 'DataAnalysis', order: 41 } },
  },
  {
    path: 'knowledge',
    name: 'knowledge',
    component: withMessages('knowledge', () => import('@/views/service/KnowledgeBase.vue')),
    meta: { menu: { title: 'serviceMenu.knowledge', icon: 'Reading', order: 42 } },
  },
  { path: 'knowledge/:id', name: 'article', component: withMessages('knowledge', () => import('@/views/service/KnowledgeBase.vue')), props: true, meta: { activeMenu: 'knowledge' } },
  // --- end service desk ---
  // Leads (SFA-1/2/3/5) and the lead admin pages; `group: 'admin'` puts an entry in the "Admin" submenu and
  // `can` names the capability (GET /api/me → can, from the server's policy) a person needs to see it.
  {
    path: 'leads',
    name: 'leads',
    component: withMessages('leads', () => import('@/views/leads/LeadInbox.vue')),
    meta: { menu: { title: 'leads.menu', icon: 'Aim', order: 5 } },
  },
  { path: 'leads/:id', name: 'lead', component: withMessages('leads', () => import('@/views/leads/LeadDetail.vue')), props: true, meta: { activeMenu: 'leads' } },
  // --- objects as data (issue 7): every object's generic list and record page; the side menu lists the
  // tenant's custom objects from GET /api/metadata (views/layout/AppLayout.vue), not from these routes.
  { path: 'o/:object', name: 'object-list', component: () => import('@/views/objects/ObjectList.vue'), props: true },
  { path: 'o/:object/:id', name: 'object-record', component: () => import('@/views/objects/ObjectDetail.vue'), props: true },
  // --- end objects as data ------------------------------------------------------------------------------
  {
    path: 'admin/partners',
    name: 'admin-partners',
    component: withMessages('leads', () => import('@/views/admin/PartnersAdmin.vue')),
    meta: { menu: { title: 'leadAdmin.partners.menu', icon: 'Connection', order: 900, group: 'admin', can: 'settings.partners' } },
  },
  {
    path: 'admin/forms',
    name: 'admin-forms',
    component: withMessages('forms', () => import('@/views/admin/FormsAdmin.vue')),
    meta: { menu: { title: 'webForms.menu', icon: 'Aim', order: 905, group: 'admin', can: 'settings.forms' } },
  },
  {
    path: 'admin/assignment-rules',
    name: 'admin-assignment-rules',
    component: withMessages('leads', () => import('@/views/admin/AssignmentRules.vue')),
    meta: { menu: { title: 'leadAdmin.rules.menu', icon: 'Guide', order: 910, group: 'admin', can: 'settings.assignmentRulesRead' } },
  },
  // --- Settings → Objects and fields (issue 7, h6-admin): admins only (GET /api/me → can.settings.objects) ---
  {
    path: 'admin/objects',
    name: 'admin-objects',
    // The page's messages come with it (modules/i18n.ts, loadPageMessages), not with every signed-in page.
    component: withMessages('admin-objects', () => import('@/views/admin/ObjectsAdmin.vue')),
    meta: { menu: { title: 'objectsAdmin.menu', icon: 'Setting', order: 890, group: 'admin', can: 'settings.objects' } },
  },
  // --- end Objects and fields ---
  {
    path: 'admin/service-desk',
    name: 'admin-service-desk',
    component: withMessages('service', () => import('@/views/admin/ServiceDeskAdmin.vue')),
    // Admins (PUT /api/settings/service-desk asks service-desk:manage, an admin's).
    meta: { menu: { title: 'serviceMenu.settings', icon: 'Headset', order: 896, group: 'admin', can: 'settings.objects' } },
  },
  // --- marketing (issue 10): campaigns, email templates, journeys; lead scoring and Settings → Marketing with the admin pages ---
  {
    path: 'marketing/campaigns',
    name: 'campaigns',
    component: withMessages(['marketing-campaigns', 'marketing-templates'], () => import('@/views/marketing/campaigns/CampaignsPage.vue')),
    meta: { menu: { title: 'marketingMenu.campaigns', icon: 'Promotion', order: 50, can: 'marketing.campaigns' } },
  },
  { path: 'marketing/campaigns/:id', name: 'campaign', component: withMessages(['marketing-campaigns', 'marketing-templates'], () => import('@/views/marketing/campaigns/CampaignDetail.vue')), props: true, meta: { activeMenu: 'campaigns' } },
  {
    path: 'marketing/templates',
    name: 'email-templates',
    component: withMessages('marketing-templates', () => import('@/views/marketing/templates/TemplatesPage.vue')),
    meta: { menu: { title: 'marketingMenu.templates', icon: 'Message', order: 51, can: 'marketing.templates' } },
  },
  { path: 'marketing/templates/:id', name: 'email-template', component: withMessages('marketing-templates', () => import('@/views/marketing/templates/TemplatesPage.vue')), props: true, meta: { activeMenu: 'email-templates' } },
  {
    path: 'marketing/journeys',
    name: 'journeys',
    component: withMessages(['marketing-journeys', 'marketing-templates'], () => import('@/views/marketing/journeys/JourneysPage.vue')),
    meta: { menu: { title: 'marketingMenu.journeys', icon: 'Share', order: 52, can: 'marketing.journeys' } },
  },
  { path: 'marketing/journeys/:id', name: 'journey', component: withMessages(['marketing-journeys', 'marketing-templates'], () => import('@/views/marketing/journeys/JourneyEditor.vue')), props: true, meta: { activeMenu: 'journeys' } },
  {
    path: 'admin/scoring',
    name: 'admin-scoring',
    component: withMessages('marketing-scoring', () => import('@/views/marketing/scoring/ScoringSettings.vue')),
    meta: { menu: { title: 'marketingMenu.scoring', icon: 'Histogram', order: 915, group: 'admin', can: 'marketing.scoring' } },
  },
  {
    path: 'admin/marketing',
    name: 'admin-marketing',
    component: withMessages('marketing-consent', () => import('@/views/marketing/MarketingSettings.vue')),
    meta: { menu: { title: 'marketingMenu.settings', icon: 'Message', order: 897, group: 'admin', can: 'settings.marketing' } },
  },
  // --- end marketing ---
  {
    path: 'admin/pipelines',
    name: 'admin-pipelines',
    component: withMessages('pipeline', () => import('@/views/admin/PipelinesAdmin.vue')),
    // Admins (those who may change the tenant's objects and fields: a pipeline is the opportunity's configuration).
    meta: { menu: { title: 'pipelineMenu.pipelines', icon: 'Guide', order: 895, group: 'admin', can: 'settings.objects' } },
  },
];

const routes: RouteRecordRaw[] = [
  { path: '/sign-in', name: 'sign-in', component: () => import('@/views/auth/SignIn.vue'), meta: { public: true } },
  // A customer's CSAT survey (issue 9, SVC-5): the emailed link's token is the only key; no sign-in.
  // The customer portal (issue 9, SVC-3): its own session, its own pages; no staff sign-in.
  { path: '/portal/:tenant', name: 'portal', component: withMessages('portal', () => import('@/views/public/PortalPage.vue')), props: true, meta: { public: true } },
  { path: '/portal/:tenant/sign-in', name: 'portal-sign-in', component: withMessages('portal', () => import('@/views/public/PortalPage.vue')), props: true, meta: { public: true } },
  { path: '/portal/:tenant/articles/:articleId', name: 'portal-article', component: withMessages('portal', () => import('@/views/public/PortalPage.vue')), props: true, meta: { public: true } },
  { path: '/portal/:tenant/tickets/:id', name: 'portal-ticket', component: withMessages('portal', () => import('@/views/public/PortalPage.vue')), props: true, meta: { public: true } },
  // The email preference page (issue 10): a signed link, no sign-in; opening it changes nothing, saving is a POST.
  { path: '/preferences/:token', name: 'preferences', component: withMessages('marketing-consent', () => import('@/views/public/PreferencesPage.vue')), props: true, meta: { public: true } },
  { path: '/survey/:token', name: 'survey', component: withMessages('service', () => import('@/views/public/SurveyPage.vue')), props: true, meta: { public: true } },
  {
    path: '/',
    component: () => import('@/views/layout/AppLayout.vue'),
    children: [
      // The start page depends on what the person may do (GET /api/me → can): see views/layout/home.ts.
      { path: '', name: 'home', component: () => import('@/views/layout/HomeRedirect.vue') },
      ...appRoutes,
      { path: ':pathMatch(.*)*', name: 'not-found', component: () => import('@/views/layout/NotFound.vue') },
    ],
  },
];

export const router = createRouter({
  history: createWebHistory(),
  routes,
  scrollBehavior: (_to, _from, saved) => saved ?? { top: 0 },
});

router.beforeEach((to) => {
  if (to.meta.public) {
    if (to.name === 'sign-in' && hasSession()) return { name: 'home' };
    return true;
  }
  if (!hasSession()) return { name: 'sign-in', query: to.fullPath !== '/' ? { redirect: to.fullPath } : {} };
  return true;
});

export function installRouter(app: App): void {
  setUnauthorizedHandler(() => {
    const here = router.currentRoute.value;
    if (!here.meta.public) void router.replace({ name: 'sign-in', query: { redirect: here.fullPath, expired: '1' } });
  });
  app.use(router);
}

declare module 'vue-router' {
  interface RouteMeta {
    public?: boolean;
    activeMenu?: string;
    /** A menu entry; `can` = the capability it needs (none = everyone signed in). */
    menu?: { title: string; icon: string; order: number; group?: 'admin'; can?: CapabilityFlag };
  }
}
