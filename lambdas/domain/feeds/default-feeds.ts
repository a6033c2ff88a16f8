/**
 * The feeds a new installation starts with. Editors add, disable and remove feeds later
 * (`newsalert feeds …`); this list only seeds an empty store.
 *
 * `confirmed: false` marks every URL here: they come from the outlets' published feed links, but
 * this project's build machines have no internet access, so none could be fetched to confirm it.
 * `newsalert feeds check` confirms them from a deployed stage.
 */
export interface FeedSeed {
  url: string;
  outlet: string;
  lang: 'en' | 'ru' | 'hy' | 'az';
  confirmed: boolean;
  note?: string;
}

export const DEFAULT_FEEDS: readonly FeedSeed[] = [
  { url: 'https://oc-media.org/feed/', outlet: 'OC Media', lang: 'en', confirmed: false },
  { url: 'https://jam-news.net/feed/', outlet: 'JAMnews', lang: 'en', confirmed: false },
  { url: 'https://jam-news.net/ru/feed/', outlet: 'JAMnews', lang: 'ru', confirmed: false },
  { url: 'https://civil.ge/feed', outlet: 'Civil.ge', lang: 'en', confirmed: false },
  { url: 'https://eurasianet.org/rss.xml', outlet: 'Eurasianet', lang: 'en', confirmed: false },
  { url: 'https://evnreport.com/feed/', outlet: 'EVN Report', lang: 'en', confirmed: false },
  {
    url: 'https://armenianweekly.com/feed/',
    outlet: 'The Armenian Weekly',
    lang: 'en',
    confirmed: false,
  },
  { url: 'https://asbarez.com/feed/', outlet: 'Asbarez', lang: 'en', confirmed: false },
  { url: 'https://hetq.am/en/rss', outlet: 'Hetq', lang: 'en', confirmed: false },
  {
    url: 'https://en.armradio.am/feed/',
    outlet: 'Public Radio of Armenia',
    lang: 'en',
    confirmed: false,
  },
  { url: 'https://news.am/arm/news/rss/', outlet: 'news.am', lang: 'hy', confirmed: false },
  { url: 'https://tass.com/rss/v2.xml', outlet: 'TASS', lang: 'en', confirmed: false },
  { url: 'https://tass.ru/rss/v2.xml', outlet: 'ТАСС', lang: 'ru', confirmed: false },
  { url: 'https://www.interfax.ru/rss.asp', outlet: 'Интерфакс', lang: 'ru', confirmed: false },
  { url: 'https://trend.az/rss/', outlet: 'Trend', lang: 'en', confirmed: false },
  {
    url: 'https://azertag.az/en/rss',
    outlet: 'AZERTAC',
    lang: 'en',
    confirmed: false,
    note: 'answers 400 without a browser-like User-Agent; items carry no guid',
  },
  { url: 'https://apa.az/rss', outlet: 'APA', lang: 'az', confirmed: false },
  { url: 'https://en.apa.az/rss', outlet: 'APA', lang: 'en', confirmed: false },
  { url: 'https://report.az/rss/', outlet: 'Report.az', lang: 'az', confirmed: false },
  { url: 'https://report.az/en/rss/', outlet: 'Report.az', lang: 'en', confirmed: false },
  {
    url: 'https://qafqazinfo.az/rss',
    outlet: 'Qafqazinfo',
    lang: 'az',
    confirmed: false,
    note: 'repeats one guid on every item',
  },
  { url: 'https://modern.az/rss', outlet: 'Modern.az', lang: 'az', confirmed: false },
  {
    url: 'https://feeds.bbci.co.uk/azeri/rss.xml',
    outlet: 'BBC News Azərbaycanca',
    lang: 'az',
    confirmed: false,
  },
  {
    url: 'https://feeds.bbci.co.uk/russian/rss.xml',
    outlet: 'BBC News Русская служба',
    lang: 'ru',
    confirmed: false,
  },
];
