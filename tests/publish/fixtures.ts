import type { ChannelConfig } from '../../src/config/schema.js';
import type { NormalizedItem, SourceRef } from '../../src/core/item.js';
import { assignTurnIds } from '../../src/core/turn-ids.js';

const newsAz: SourceRef = { id: 'news-az', name: 'News.Az', url: 'https://news.az/', itemUrl: 'https://news.az/news/trofimchuk-interview' };
const apa: SourceRef = { id: 'apa-az', name: 'APA — Azərbaycan', url: 'https://apa.az/', itemUrl: 'https://apa.az/xeber/trofimchuk?x=1&y=2' };
const ria: SourceRef = { id: 'ria', name: 'РИА Новости', url: 'https://ria.ru/', itemUrl: 'https://ria.ru/20250610/trofimchuk.html' };

/** A channel definition as the config would give it. */
export function channel(overrides: Partial<ChannelConfig> = {}): ChannelConfig {
  return { id: 'interviews', title: 'Müsahibələr & интервью', description: 'Interviews <all of them>', filter: {}, pageSize: 50, ...overrides };
}

/**
 * An interview carried by three outlets, with Russian and Azerbaijani text (ə, ş, ğ), markup characters in
 * plain-text fields and HTML that needs sanitizing (a script, an inline handler, a javascript: link).
 */
export function interviewItem(n = 1, overrides: Partial<NormalizedItem> = {}): NormalizedItem {
  const at = new Date(Date.UTC(2025, 5, 10, 9, 0, 0) + n * 60_000).toISOString();
  return {
    id: `story-${n}`,
    url: `https://news.az/news/trofimchuk-interview-${n}`,
    title: `Григорий Трофимчук: Россия & «новый порядок» — Şuşa, Ağdam, Gəncə #${n}`,
    kind: 'interview',
    language: 'az',
    publishedAt: at,
    updatedAt: at,
    summary: 'Ekspert <b>deyir</b>: "regional nizam" dəyişir & Россия соглашается.',
    contentHtml:
      '<p onclick="steal()">Вступление — Azərbaycan</p><script>alert("x")</script><p><a href="javascript:alert(1)">link</a> <img src="https://news.az/i.jpg" onerror="x()"></p>',
    contentText: 'Вступление — Azərbaycan',
    source: newsAz,
    sources: [newsAz, apa, ria],
    images: [{ url: 'https://news.az/photo.jpg', caption: 'Xankəndi', credit: 'AZERTAC' }],
    tags: ['Qarabağ', 'политика'],
    interview: {
      interviewee: { name: 'Григорий Трофимчук', role: 'эксперт по международным отношениям' },
      interviewer: 'News.Az',
      headline: 'Россия & новый региональный порядок',
      intro: 'Giriş paraqrafı: ş, ğ, ə.\n\nВторой абзац <вступления>.',
      qa: assignTurnIds([
        { question: 'Какие у вас прогнозы <на> 2025 год?', answer: 'Я бы воздержался от прогнозов.\n\nİkinci paraqraf & "quotes".' },
        { question: 'Bakı ilə münasibətlər?', answer: 'Yaxşılaşır.' },
      ]),
    },
    ...overrides,
  };
}

/** A plain article with one outlet and HTML that needs sanitizing. */
export function articleItem(n = 1): NormalizedItem {
  const at = new Date(Date.UTC(2025, 5, 11, 9, 0, 0) + n * 60_000).toISOString();
  return {
    ...interviewItem(n),
    id: `article-${n}`,
    url: `https://apa.az/xeber/article-${n}`,
    title: `Xəbər ${n}: Şəki & Ağstafa`,
    kind: 'article',
    language: 'ru',
    publishedAt: at,
    updatedAt: at,
    interview: null,
    tags: [],
    source: apa,
    sources: [apa],
  };
}
