import DOMPurify from 'dompurify';
import { marked } from 'marked';

/**
 * An article's Markdown as safe HTML (marked, then DOMPurify): what authors write is shown to customers, so
 * scripts, event handlers and `javascript:` links never survive; links open in a new tab.
 */
export function markdownHtml(md: string): string {
  const html = marked.parse(md, { async: false, gfm: true, breaks: true });
  return DOMPurify.sanitize(html, { ADD_ATTR: ['target'], FORBID_TAGS: ['style', 'iframe', 'form'] });
}
