import type { LeadForm } from './store.ts';

/**
 * The embeddable HTML for a web-to-lead form: plain inputs, a hidden honeypot, and a small script that
 * posts url-encoded (a "simple" cross-origin request, so no CORS preflight) and shows the thank-you text.
 */
const LABELS: Record<string, { 'zh-CN': string; en: string }> = {
  firstName: { 'zh-CN': '名', en: 'First name' }, lastName: { 'zh-CN': '姓', en: 'Last name' },
  email: { 'zh-CN': '邮箱', en: 'Email' }, phone: { 'zh-CN': '电话', en: 'Phone' },
  company: { 'zh-CN': '公司', en: 'Company' }, title: { 'zh-CN': '职位', en: 'Job title' },
  country: { 'zh-CN': '国家/地区代码（如 CN）', en: 'Country code (e.g. US)' }, region: { 'zh-CN': '省/州', en: 'Region' },
  industry: { 'zh-CN': '行业', en: 'Industry' }, message: { 'zh-CN': '留言', en: 'Message' },
};
const SUBMIT = { 'zh-CN': '提交', en: 'Submit' };
const FAILED = { 'zh-CN': '提交失败，请检查后重试。', en: 'Could not send; please check the fields and try again.' };

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function formSnippet(form: LeadForm, appUrl: string): string {
  const action = `${appUrl.replace(/\/$/, '')}/api/forms/${form.id}/submissions`;
  const lang = form.language;
  const inputs = form.fields.map((f) => {
    const label = esc(f.label ?? LABELS[f.name]![lang]);
    const type = f.name === 'email' ? 'email' : f.name === 'phone' ? 'tel' : 'text';
    const control = f.name === 'message'
      ? `<textarea name="message" rows="4"${f.required ? ' required' : ''}></textarea>`
      : `<input type="${type}" name="${f.name}"${f.required ? ' required' : ''}>`;
    return `  <label>${label}${f.required ? ' *' : ''}<br>${control}</label><br>`;
  });
  return [
    `<form id="cirrus-form-${form.id}" action="${esc(action)}" method="post" lang="${lang}">`,
    ...inputs,
    // Bots fill every field; people never see this one.
    `  <div style="position:absolute;left:-10000px" aria-hidden="true"><input type="text" name="website" tabindex="-1" autocomplete="off"></div>`,
    `  <button type="submit">${esc(form.submitLabel ?? SUBMIT[lang])}</button>`,
    `</form>`,
    `<script>(function(){var f=document.getElementById(${JSON.stringify(`cirrus-form-${form.id}`)});f.addEventListener('submit',function(e){e.preventDefault();`,
    `fetch(f.action,{method:'POST',body:new URLSearchParams(new FormData(f))}).then(function(r){if(!r.ok)throw r;f.outerHTML='<p>'+${JSON.stringify(esc(form.thankYouText))}+'</p>';})`,
    `.catch(function(){alert(${JSON.stringify(FAILED[lang])});});});})();</script>`,
  ].join('\n');
}
