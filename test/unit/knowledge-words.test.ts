import { describe, expect, it } from 'vitest';
import { articleWords, markdownText, questionWords, wordsOf } from '../../functions/knowledge/words.ts';
import { articleEntity } from '../../functions/knowledge/entity.ts';
import { MAX_TOKENS_PER_RECORD, MAX_WORD_TOKENS_PER_RECORD, searchTokens } from '../../functions/records/service.ts';

/** The knowledge base's words (SVC-2): what an article is found by, and how a question is split. */
describe('knowledge-base words', () => {
  it('splits Latin text into words without stop words, and Chinese text into its words', () => {
    expect(wordsOf('How do I reset my password?')).toEqual(['reset', 'password']);
    expect(wordsOf('如何重置密码')).toEqual(expect.arrayContaining(['重置', '密码']));
    expect(wordsOf('如何重置密码')).not.toContain('如何');
    expect(wordsOf('VPN客户端 error E-1042')).toEqual(expect.arrayContaining(['vpn', 'error', 'e-1042', '客户']));
  });

  it('reads Markdown as its text: links by their words, no markup, no code blocks', () => {
    expect(markdownText('**Reset** the [router](https://x.test/a) ```rm -rf```').replace(/\s+/g, ' ').trim()).toBe('Reset the router');
  });

  it('stores an article under its keywords first, then the words its title, summary and body weigh most', () => {
    const words = articleWords({ title: 'Reset your password', summary: 'Forgot the password', body: 'Open settings. Choose security. Settings again.', keywords: ['Login'] });
    expect(words[0]).toBe('login');
    expect(words.indexOf('password')).toBeLessThan(words.indexOf('settings'));
    expect(words.indexOf('settings')).toBeLessThan(words.indexOf('security'));
  });

  it('keeps a long article within its search-token budget', () => {
    const body = Array.from({ length: 400 }, (_, i) => `term${i} 词语${String.fromCharCode(0x4e00 + i)}${String.fromCharCode(0x4e80 + i)}`).join(' ');
    const tokens = searchTokens(articleEntity, { name: 'A long article about many things', title: 'A long article about many things', body, keywords: ['alpha', 'beta'] });
    expect(tokens.length).toBeLessThanOrEqual(MAX_TOKENS_PER_RECORD + MAX_WORD_TOKENS_PER_RECORD);
    expect(tokens).toEqual(expect.arrayContaining(['alpha', 'beta']));
  });

  it('takes at most the first words of a question, each once', () => {
    expect(questionWords('printer printer offline again paper jam tray error code', 3)).toEqual(['printer', 'offline', 'paper']);
  });
});
