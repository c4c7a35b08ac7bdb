// The `embeds` setting, read once (markdown/embeds.ts) for three uses that must
// agree: the settings check, which iframes a story keeps, and the CSP's frame-src.
import { describe, expect, it } from 'vitest';
import { embedHosts, embedPattern, embedSources, isAllowedEmbed, parseEmbedHost } from '../src/markdown/embeds.js';
import { renderHeaders } from '../src/render/headers.js';

const hosts = embedHosts(['www.youtube-nocookie.com', 'www.google.com/maps/embed', 'player.vimeo.com/video/']);

describe('embeds setting', () => {
  it('should take an entry apart into a lowercase host and a path', () => {
    expect(parseEmbedHost('www.YouTube-nocookie.com')).toEqual({ host: 'www.youtube-nocookie.com', path: '' });
    expect(parseEmbedHost('www.google.com/maps/embed')).toEqual({ host: 'www.google.com', path: '/maps/embed' });
    expect(parseEmbedHost('player.vimeo.com/')).toEqual({ host: 'player.vimeo.com', path: '' });
    expect(parseEmbedHost('xn--80ak6aa92e.com')).toEqual({ host: 'xn--80ak6aa92e.com', path: '' });
  });

  it.each([
    ['https://www.youtube-nocookie.com', 'without its scheme, as www.youtube-nocookie.com'],
    ['http://player.vimeo.com/video/', 'without its scheme, as player.vimeo.com/video/'],
    ['*.flourish.studio', 'wildcard'],
    ['localhost', 'host name'],
    ['192.168.0.1', 'host name'],
    ['www.example.org:8443', 'host name'],
    ['user@www.example.org', 'host name'],
    ['www.example.org/a?b=c', 'plain path'],
    ['www.example.org/a#b', 'plain path'],
    ['www.example.org/a/../b', 'plain path'],
    ['www.example.org/ü', 'plain path'],
  ])('should refuse the entry %s, saying why', (entry, why) => {
    expect(parseEmbedHost(entry)).toEqual(expect.stringContaining(why));
  });

  it.each([
    ['https://www.youtube-nocookie.com/embed/x?start=3', true],
    ['https://www.google.com/maps/embed?pb=1', true],
    ['https://www.google.com/maps/embed/v1/place', true],
    ['https://player.vimeo.com/video/1', true],
    ['http://www.youtube-nocookie.com/embed/x', false],
    ['https://www.youtube.com/embed/x', false],
    ['https://evil.www.youtube-nocookie.com/', false],
    ['https://www.youtube-nocookie.com.evil.example/', false],
    ['https://www.youtube-nocookie.com@evil.example/', false],
    ['https://user:pass@www.youtube-nocookie.com/', false],
    ['https://www.youtube-nocookie.com:8443/embed/x', false],
    ['https://www.google.com/maps/embedded', false],
    ['https://www.google.com/search?q=maps/embed', false],
    ['https://player.vimeo.com/videos', false],
  ])('should allow %s: %s, by the check and by the schema pattern alike', (address, allowed) => {
    const url = new URL(address);
    expect(isAllowedEmbed(url, hosts)).toBe(allowed);
    expect(embedPattern(hosts).test(url.href)).toBe(allowed);
  });

  it('should match nothing when no host is listed', () => {
    expect(isAllowedEmbed(new URL('https://www.youtube-nocookie.com/'), [])).toBe(false);
    expect(embedPattern([]).test('https://www.youtube-nocookie.com/')).toBe(false);
  });

  it('should give frame-src sources that a CSP matches as the check does', () => {
    expect(embedSources(hosts)).toEqual(['https://www.youtube-nocookie.com', 'https://www.google.com/maps/embed', 'https://www.google.com/maps/embed/', 'https://player.vimeo.com/video/']);
  });

  it('should let pages frame only the embeds hosts, and play media from https addresses', () => {
    const csp = (embeds: string[]) => /Content-Security-Policy: (.*)/.exec(String(renderHeaders('/', [], embeds).contents))?.[1] ?? '';
    expect(csp([])).not.toContain('frame-src');
    expect(csp([])).toContain("default-src 'self'; script-src 'none';");
    expect(csp([])).toContain("media-src 'self' https:;");
    expect(csp(['www.youtube-nocookie.com', 'www.google.com/maps/embed'])).toContain(
      "; frame-src 'self' https://www.youtube-nocookie.com https://www.google.com/maps/embed https://www.google.com/maps/embed/;",
    );
    expect(csp(['www.youtube-nocookie.com'])).toContain("script-src 'none'");
  });
});

describe('embeds in a story', () => {
  it('should drop iframes side by side, each with its warning, and keep the allowed one after them', async () => {
    const { createMarkdownProcessor } = await import('../src/markdown/processor.js');
    const { VFile } = await import('vfile');
    const processor = createMarkdownProcessor({ embeds: ['www.youtube-nocookie.com'] });
    const file = new VFile({
      path: 'story.md',
      value: '<div><iframe src="https://evil.example/a"></iframe><iframe src="https://evil.example/b"></iframe><iframe src="https://www.youtube-nocookie.com/embed/x" title="Video: the bridge"></iframe></div>\n',
    });
    const html = String(processor.processSync(file));
    expect(html.match(/<iframe/g)).toHaveLength(1);
    expect(html).toContain('src="https://www.youtube-nocookie.com/embed/x"');
    expect(html).not.toContain('evil.example');
    expect(file.messages.map((message) => [message.ruleId, message.reason.includes('evil.example')])).toEqual([
      ['markdown/embed-host', true],
      ['markdown/embed-host', true],
    ]);
  });
});
