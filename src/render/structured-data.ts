// schema.org NewsArticle for an article page, as JSON-LD: what search engines and
// news aggregators read for the headline, dates, byline and publisher.
// Hand-built as a plain object: the vocabulary is small and fixed, and a library
// (schema-dts) would only add types for fields we set once here.

export interface ImageRef {
  url: string;
  width: number;
  height: number;
}

export interface NewsArticleInput {
  headline: string;
  description: string | null;
  canonicalUrl: string;
  /** ISO 8601, as written in the frontmatter. */
  datePublished: string;
  dateModified: string;
  author: string | null;
  section: string | null;
  tags: readonly string[];
  image: ImageRef | null;
  publisher: { name: string; url: string; logo: ImageRef | null };
  language: string;
}

export function newsArticleJsonLd(input: NewsArticleInput): string {
  const publisher = {
    '@type': 'Organization',
    name: input.publisher.name,
    url: input.publisher.url,
    ...(input.publisher.logo && { logo: imageObject(input.publisher.logo) }),
  };
  const data = {
    '@context': 'https://schema.org',
    '@type': 'NewsArticle',
    headline: input.headline,
    ...(input.description && { description: input.description }),
    inLanguage: input.language,
    datePublished: input.datePublished,
    dateModified: input.dateModified,
    // Without a byline the newsroom itself is the author, which is what readers see too.
    author: input.author ? [{ '@type': 'Person', name: input.author }] : [{ '@type': 'Organization', name: input.publisher.name, url: input.publisher.url }],
    publisher,
    mainEntityOfPage: { '@type': 'WebPage', '@id': input.canonicalUrl },
    url: input.canonicalUrl,
    ...(input.image && { image: [imageObject(input.image)] }),
    ...(input.section && { articleSection: input.section }),
    ...(input.tags.length > 0 && { keywords: input.tags.join(', ') }),
  };
  return scriptSafe(JSON.stringify(data));
}

function imageObject(image: ImageRef) {
  return { '@type': 'ImageObject', url: image.url, width: image.width, height: image.height };
}

/**
 * JSON inside `<script>` ends at the first `</script`, and `<!--` changes how the
 * rest is parsed: escaping every `<` (a JSON string may spell it `\u003c`) keeps a
 * headline from ever closing the script element.
 */
function scriptSafe(json: string): string {
  return json.replace(/</g, '\\u003c');
}
