import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { buildRawMessage } from '../lambdas/domain/alerts/mime';
import {
  type AlertEmailInput,
  type DigestEntry,
  renderAlertEmail,
  renderDigestEmail,
} from '../lambdas/domain/alerts/render-email';
import { type BenchLine, median, printLines, round } from './bench-line';

const LINKS = {
  unsubscribeUrl: 'https://alerts.example.org/unsubscribe?token=0123456789abcdef0123456789abcdef',
  preferencesUrl: 'https://alerts.example.org/preferences?token=0123456789abcdef0123456789abcdef',
};

/** A realistic instant alert: Armenian title, Russian and Azerbaijani "also reported by". */
function alertInput(index: number): AlertEmailInput {
  return {
    from: 'News Alerts <alerts@example.org>',
    to: `reader-${index}@example.net`,
    article: {
      key: `k${index}`,
      title: `Հայաստանն ու Ադրբեջանը նախաստորագրեցին խաղաղության համաձայնագիրը Վաշինգտոնում ${index}`,
      url: `https://armenpress.example/hy/article/${index}?utm_source=rss`,
      outlet: 'Armenpress',
      summary:
        'Վաշինգտոն, օգոստոսի 8։ Հայաստանի և Ադրբեջանի արտաքին գործերի նախարարները նախաստորագրել են խաղաղության պայմանագրի տեքստը։ '.repeat(
          3,
        ),
      publishedAt: '2025-08-08T17:45:00Z',
      lang: 'hy',
    },
    alsoReportedBy: [
      {
        outlet: 'ТАСС',
        url: `https://tass.example/${index}`,
        title: 'Армения и Азербайджан парафировали мирный договор',
        lang: 'ru',
      },
      {
        outlet: 'APA',
        url: `https://apa.example/${index}`,
        title: 'Azərbaycan və Ermənistan sülh sazişini paraflayıb',
        lang: 'az',
      },
    ],
    reason: {
      topics: [
        { slug: 'peace-process', name: 'Peace process' },
        { slug: 'west-mediation', name: 'Western mediation' },
      ],
      matched: ['խաղաղության', 'Վաշինգտոն'],
    },
    links: LINKS,
  };
}

function timeMedian(iterations: number, work: (index: number) => void): number {
  // Warm up the JIT and the Intl segmenter before measuring.
  for (let index = 0; index < Math.min(200, iterations); index += 1) work(index);
  const samples: number[] = [];
  for (let index = 0; index < iterations; index += 1) {
    const started = performance.now();
    work(index);
    samples.push(performance.now() - started);
  }
  return median(samples);
}

/**
 * Times rendering and MIME encoding; the goal is at most 1 ms per instant alert.
 *
 * @example for (const line of await runRenderEmailBench()) console.log(JSON.stringify(line));
 */
export async function runRenderEmailBench(): Promise<BenchLine[]> {
  const date = new Date('2025-08-08T18:00:00Z');
  let bytes = 0;
  const alertMs = timeMedian(2000, (index) => {
    const email = renderAlertEmail(alertInput(index));
    bytes = buildRawMessage(email, { date, boundarySeed: `b${index}` }).length;
  });

  const entries: DigestEntry[] = Array.from({ length: 40 }, (_, index) => {
    const input = alertInput(index);
    return { article: input.article, alsoReportedBy: input.alsoReportedBy, reason: input.reason };
  });
  const digestInput = {
    from: 'News Alerts <alerts@example.org>',
    to: 'reader@example.net',
    period: 'weekly' as const,
    periodLabel: '4–10 August 2025',
    entries,
    links: LINKS,
  };
  let digestHtmlBytes = 0;
  const digestMs = timeMedian(200, (index) => {
    const email = renderDigestEmail(digestInput);
    digestHtmlBytes = Buffer.byteLength(email.html);
    buildRawMessage(email, { date, boundarySeed: `d${index}` });
  });

  return [
    { bench: 'render-email-alert-render-and-mime', value: round(alertMs, 4), unit: 'ms' },
    { bench: 'render-email-alert-raw-size', value: bytes, unit: 'bytes' },
    { bench: 'render-email-digest-40-render-and-mime', value: round(digestMs, 3), unit: 'ms' },
    // Gmail clips messages whose HTML passes about 102 KB, hiding the footer.
    { bench: 'render-email-digest-40-html-size', value: digestHtmlBytes, unit: 'bytes' },
  ];
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  printLines(await runRenderEmailBench());
}
