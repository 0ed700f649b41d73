import type { Language } from '../notifications/templates.ts';
import { currencyExponent } from './service.ts';

/**
 * The Monday forecast email (AN-7), pure: an HTML table of the manager's team for the quarter in the manager's
 * language, the deals that moved since last week, and a CSV with one row per deal of the quarter. Money is
 * shown from integer minor units with Intl in the tenant currency; times in the manager's time zone.
 */
export interface ForecastRow { name: string; pipeline: number; bestCase: number; commit: number; closedWon: number; weighted: number; quota: number | null }
export interface DealRow {
  owner: string; opportunity: string; account: string; stage: string; amount: number; currency: string;
  probability: number; weighted: number; closeDate: string; forecastCategory: string;
}
export interface MovedDeal { opportunity: string; owner: string; from: string; to: string; at: string }

const T = {
  en: {
    subject: (period: string, team: string) => `Forecast ${period} — ${team}`,
    intro: (period: string) => `Your team's forecast for ${period}, as of this morning.`,
    cols: ['Owner', 'Pipeline', 'Best case', 'Commit', 'Closed won', 'Weighted', 'Quota', 'Attainment'],
    total: 'Total',
    moved: 'Deals that moved since last week',
    noneMoved: 'No deal changed stage since last week.',
    movedCols: ['Opportunity', 'Owner', 'From', 'To', 'When'],
    rates: (r: string) => `Converted to the workspace currency at: ${r}.`,
    csv: 'Every deal of the quarter is in the attached CSV.',
    csvHeader: ['Owner', 'Opportunity', 'Account', 'Stage', 'Amount', 'Currency', 'Probability', 'Weighted', 'Close date', 'Forecast category'],
    categories: { pipeline: 'Pipeline', bestCase: 'Best case', commit: 'Commit', omitted: 'Omitted' } as Record<string, string>,
    footer: 'Sent by Cirrus CRM every week; an admin changes the day and time in Settings.',
  },
  'zh-CN': {
    subject: (period: string, team: string) => `销售预测 ${period} — ${team}`,
    intro: (period: string) => `您团队 ${period} 的销售预测（截至今天上午）。`,
    cols: ['负责人', '管道', '最佳情况', '承诺', '已赢单', '加权', '配额', '完成率'],
    total: '合计',
    moved: '上周以来阶段变化的商机',
    noneMoved: '上周以来没有商机变更阶段。',
    movedCols: ['商机', '负责人', '原阶段', '新阶段', '时间'],
    rates: (r: string) => `已按以下汇率换算为工作区货币：${r}。`,
    csv: '本季度的全部商机见附件 CSV。',
    csvHeader: ['负责人', '商机', '客户', '阶段', '金额', '币种', '赢率', '加权金额', '预计成交日期', '预测类别'],
    categories: { pipeline: '管道', bestCase: '最佳情况', commit: '承诺', omitted: '不计入' } as Record<string, string>,
    footer: '由 Cirrus CRM 每周自动发送；管理员可在设置中更改发送时间。',
  },
} as const;

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function money(minor: number, currency: string, lang: Language): string {
  return new Intl.NumberFormat(lang, { style: 'currency', currency }).format(minor / 10 ** currencyExponent(currency));
}

/**
 * A CSV cell safe to open in Excel: quoted, quotes doubled, and a cell that starts like a formula (= + - @,
 * tab, CR, or their full-width forms) is prefixed with an apostrophe so it stays text (OWASP CSV injection).
 */
export function csvCell(v: string | number): string {
  let s = String(v);
  if (typeof v === 'string' && /^[=+\-@\t\r＝＋－＠]/.test(s)) s = `'${s}`;
  return `"${s.replace(/"/g, '""')}"`;
}

/** The CSV: a BOM (Excel reads UTF-8 Chinese), CRLF lines, amounts in major units with the currency's digits. */
export function forecastCsv(deals: readonly DealRow[], lang: Language): string {
  const t = T[lang];
  const major = (minor: number, currency: string) => {
    const digits = currencyExponent(currency);
    return (minor / 10 ** digits).toFixed(digits);
  };
  const lines = [t.csvHeader.map(csvCell).join(',')];
  for (const d of deals) {
    lines.push([
      csvCell(d.owner), csvCell(d.opportunity), csvCell(d.account), csvCell(d.stage), major(d.amount, d.currency), csvCell(d.currency),
      String(d.probability), major(d.weighted, d.currency), csvCell(d.closeDate), csvCell(t.categories[d.forecastCategory] ?? d.forecastCategory),
    ].join(','));
  }
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}

export function forecastMail(input: {
  lang: Language; timeZone: string; period: string; team: string; currency: string;
  rows: readonly ForecastRow[]; total: ForecastRow; moved: readonly MovedDeal[];
  rates: readonly { currency: string; rate: number; asOf: string }[]; appUrl: string;
}): { subject: string; text: string; html: string } {
  const { lang, currency } = input;
  const t = T[lang];
  const m = (n: number | null) => (n === null ? '—' : money(n, currency, lang));
  const attainment = (r: ForecastRow) => (r.quota ? `${Math.round((r.closedWon / r.quota) * 100)}%` : '—');
  const cells = (r: ForecastRow) => [r.name, m(r.pipeline), m(r.bestCase), m(r.commit), m(r.closedWon), m(r.weighted), m(r.quota), attainment(r)];
  const when = (iso: string) => new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeStyle: 'short', timeZone: input.timeZone }).format(new Date(iso));
  const td = 'style="padding:4px 8px;border:1px solid #ddd;text-align:right"';
  const th = 'style="padding:4px 8px;border:1px solid #ddd;background:#f5f7fa;text-align:left"';
  const row = (xs: string[], bold = false) => `<tr>${xs.map((x, i) => `<td ${i === 0 ? td.replace('right', 'left') : td}>${bold ? `<b>${esc(x)}</b>` : esc(x)}</td>`).join('')}</tr>`;
  const rates = input.rates.length ? t.rates(input.rates.map((r) => `1 ${r.currency} = ${r.rate} ${currency} (${r.asOf})`).join('; ')) : '';
  const html = `<!doctype html><html lang="${lang}"><body style="font-family:-apple-system,'PingFang SC','Microsoft YaHei',Arial,sans-serif;color:#303133">
<p>${esc(t.intro(input.period))}</p>
<table style="border-collapse:collapse;font-size:14px" role="table"><thead><tr>${t.cols.map((c) => `<th ${th}>${esc(c)}</th>`).join('')}</tr></thead>
<tbody>${input.rows.map((r) => row(cells(r))).join('')}${row(cells({ ...input.total, name: t.total }), true)}</tbody></table>
${rates ? `<p style="font-size:12px;color:#909399">${esc(rates)}</p>` : ''}
<h3 style="font-size:15px">${esc(t.moved)}</h3>
${input.moved.length
    ? `<table style="border-collapse:collapse;font-size:14px"><thead><tr>${t.movedCols.map((c) => `<th ${th}>${esc(c)}</th>`).join('')}</tr></thead><tbody>${input.moved.map((d) => row([d.opportunity, d.owner, d.from, d.to, when(d.at)])).join('')}</tbody></table>`
    : `<p>${esc(t.noneMoved)}</p>`}
<p>${esc(t.csv)} <a href="${esc(input.appUrl)}/forecast">${esc(input.appUrl)}/forecast</a></p>
<p style="font-size:12px;color:#909399">${esc(t.footer)}</p></body></html>`;
  const text = [
    t.intro(input.period), '',
    t.cols.join(' | '),
    ...input.rows.map((r) => cells(r).join(' | ')),
    cells({ ...input.total, name: t.total }).join(' | '),
    ...(rates ? ['', rates] : []),
    '', t.moved,
    ...(input.moved.length ? input.moved.map((d) => `${d.opportunity} (${d.owner}): ${d.from} → ${d.to}, ${when(d.at)}`) : [t.noneMoved]),
    '', t.csv, `${input.appUrl}/forecast`, '', t.footer,
  ].join('\n');
  return { subject: t.subject(input.period, input.team), text, html };
}
