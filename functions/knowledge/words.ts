import { hanSegments } from '../records/search/tokenizer.ts';

/**
 * The words of knowledge-base text (SVC-2), with the record search's Chinese handling
 * (functions/records/search/tokenizer.ts): Latin text by its words, Chinese text by the words
 * Intl.Segmenter finds in it. An article is stored under the words it is most about (its keywords, then its
 * title, summary and body by weight and frequency); a question is matched word by word.
 */

/** Words too common to say what a text is about. */
const STOP_WORDS = new Set([
  'the', 'and', 'for', 'are', 'but', 'not', 'you', 'your', 'with', 'this', 'that', 'from', 'have', 'has', 'can', 'how', 'what',
  'when', 'where', 'why', 'who', 'will', 'was', 'were', 'into', 'our', 'out', 'then', 'than', 'there', 'their', 'they', 'them',
  'does', 'did', 'doing', 'its', 'it\'s', 'all', 'any', 'may', 'use', 'using', 'get', 'got', 'about', 'which', 'would', 'should',
  'could', 'been', 'being', 'just', 'also', 'more', 'most', 'some', 'such', 'only', 'other', 'each', 'here', 'after', 'before',
  'because', 'over', 'under', 'again', 'very', 'too', 'off', 'on', 'in', 'at', 'to', 'of', 'is', 'a', 'an', 'or', 'if', 'be',
  'do', 'my', 'me', 'we', 'us', 'i', 'it', 'as', 'by', 'so', 'no', 'yes', 'hello', 'hi', 'thanks', 'thank', 'please', 'help',
  '我们', '你们', '他们', '可以', '如何', '怎么', '怎样', '什么', '为什么', '一个', '这个', '那个', '没有', '不能', '无法', '请问', '您好',
  '你好', '谢谢', '需要', '已经', '问题', '如果', '因为', '所以', '但是', '以及', '或者', '进行', '使用', '时候', '现在', '还是', '是否',
]);

const LATIN_WORD = /[\p{L}\p{N}][\p{L}\p{N}'._-]*[\p{L}\p{N}]|[\p{L}\p{N}]/gu;
const HAN = /\p{Script=Han}/u;
const HAN_RUN = /\p{Script=Han}+/gu;

/** The words of a text in order, lower-cased; Chinese by its segments of two characters or more. */
export function wordsOf(text: string): string[] {
  const normal = text.normalize('NFKC').toLowerCase();
  const out: string[] = [];
  // Latin words from the text with its Chinese taken out (so 密码reset is 密码 and reset).
  for (const m of normal.replace(HAN_RUN, ' ').matchAll(LATIN_WORD)) {
    const w = m[0].replace(/^[.'_-]+|[.'_-]+$/g, '');
    if (w.length >= 2 && !STOP_WORDS.has(w) && !/^\d{1,2}$/.test(w)) out.push(w);
  }
  for (const run of normal.match(HAN_RUN) ?? []) {
    out.push(...hanWords(hanSegments(run)).filter((s) => !STOP_WORDS.has(s)));
  }
  return out;
}

/**
 * Chinese words from the segmenter's pieces: its words of two characters or more, and the characters it
 * leaves single in a row (重 置 of 如何重置密码, a name, a rare term) joined back when they make 2 to 4.
 */
function hanWords(segments: readonly string[]): string[] {
  const out: string[] = [];
  let singles = '';
  const flush = () => { if (singles.length >= 2 && singles.length <= 4) out.push(singles); singles = ''; };
  for (const s of segments) {
    if (s.length === 1) { singles += s; continue; }
    flush();
    out.push(s);
  }
  flush();
  return out;
}

/** What an article is stored under, most important first: keywords, then words by weighted frequency. */
export function articleWords(a: { title?: unknown; summary?: unknown; body?: unknown; keywords?: unknown }): string[] {
  const score = new Map<string, number>();
  const add = (text: unknown, weight: number) => {
    if (typeof text !== 'string') return;
    for (const w of wordsOf(markdownText(text))) score.set(w, (score.get(w) ?? 0) + weight);
  };
  add(a.title, 4);
  add(a.summary, 2);
  add(a.body, 1);
  const keywords = Array.isArray(a.keywords) ? a.keywords.filter((k): k is string => typeof k === 'string').map((k) => k.normalize('NFKC').toLowerCase().trim()).filter(Boolean) : [];
  const ranked = [...score.entries()].sort((x, y) => y[1] - x[1] || x[0].localeCompare(y[0])).map(([w]) => w);
  return [...new Set([...keywords, ...ranked])];
}

/** The words of a question (a search box, a ticket's subject), at most `max`, in order, each once. */
export function questionWords(q: string, max = 6): string[] {
  return [...new Set(wordsOf(q))].slice(0, max);
}

/** Markdown as plain text: links by their text, no markup (so `**Reset**` is the word reset). */
export function markdownText(md: string): string {
  return md
    .replace(/```[\s\S]*?```/g, ' ')
    .replace(/!\[[^\]]*\]\([^)]*\)/g, ' ')
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/<[^>]+>/g, ' ')
    .replace(/[#>*_`~|]+/g, ' ');
}

export const hasHanText = (s: string) => HAN.test(s);
