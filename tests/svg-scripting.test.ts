// An SVG story image is published only when nothing in it can run script: it is parsed
// as XML and judged by resolved local names (src/markdown/svg-scripting.ts), so prefixes,
// other namespaces and markup hidden in attribute values cannot smuggle a script past it.
import { describe, expect, it } from 'vitest';
import { svgProblem } from '../src/markdown/svg-scripting.js';

const SVG = 'xmlns="http://www.w3.org/2000/svg"';

describe('SVG story images', () => {
  const hostile: Array<[string, string]> = [
    ['a script element', `<svg ${SVG}><script>alert(1)</script></svg>`],
    ['a script under a prefixed SVG namespace', `<s:svg xmlns:s="http://www.w3.org/2000/svg"><s:script>alert(1)</s:script></s:svg>`],
    ['an XHTML script', `<svg ${SVG} xmlns:h="http://www.w3.org/1999/xhtml"><h:script>alert(1)</h:script></svg>`],
    ['an onload after a > inside another attribute', `<svg ${SVG} data-x=">" onload="alert(1)"/>`],
    ['a prefixed event handler', `<svg ${SVG} xmlns:e="http://www.w3.org/2001/xml-events"><rect e:onclick="alert(1)"/></svg>`],
    ['a foreignObject', `<svg ${SVG}><foreignObject><div xmlns="http://www.w3.org/1999/xhtml">x</div></foreignObject></svg>`],
    ['a javascript: link written with references', `<svg ${SVG}><a href="&#106;avascript:alert(1)"><rect/></a></svg>`],
    ['a javascript: link with a tab inside', `<svg ${SVG} xmlns:xlink="http://www.w3.org/1999/xlink"><a xlink:href="jav&#x09;ascript:alert(1)"><rect/></a></svg>`],
    ['an animation that writes a javascript: link', `<svg ${SVG}><a><animate attributeName="href" values="javascript:alert(1)"/><rect/></a></svg>`],
    ['a set that writes an event handler', `<svg ${SVG}><set attributeName="onmouseover" to="alert(1)"/></svg>`],
    ['an entity declaration', `<!DOCTYPE svg [<!ENTITY x "<script>alert(1)</script>">]><svg ${SVG}>&x;</svg>`],
    ['an xml-stylesheet instruction', `<?xml-stylesheet type="text/xsl" href="evil.xsl"?><svg ${SVG}/>`],
    ['an iframe', `<svg ${SVG}><iframe src="https://evil.example/"/></svg>`],
  ];

  it.each(hostile)('should refuse %s', (_, svg) => {
    expect(svgProblem(svg)?.kind).toBe('scripting');
  });

  it('should refuse an SVG that is not well-formed XML, saying where', () => {
    const problem = svgProblem(`<svg ${SVG}><rect></svg>`);
    expect(problem?.kind).toBe('malformed');
  });

  const plain: Array<[string, string]> = [
    ['a chart', `<svg ${SVG} viewBox="0 0 120 80"><rect width="120" height="80" fill="#c00" opacity="0.5"/><text x="4" y="12">Turnout</text></svg>`],
    ['a drawing program\'s export, with namespaces, metadata and a style sheet', `<?xml version="1.0" encoding="UTF-8"?>\n<svg ${SVG} xmlns:xlink="http://www.w3.org/1999/xlink" xmlns:inkscape="http://www.inkscape.org/namespaces/inkscape" width="10" height="10"><style>.a{fill:red}</style><defs><linearGradient id="g"><stop offset="0"/></linearGradient></defs><use xlink:href="#g" inkscape:label="Layer 1"/></svg>`],
    ['an embedded PNG', `<svg ${SVG} xmlns:xlink="http://www.w3.org/1999/xlink" width="1" height="1"><image xlink:href="data:image/png;base64,iVBORw0KGgo=" width="1" height="1"/></svg>`],
    ['a link to the site and an animation', `<svg ${SVG} width="10" height="10"><a href="https://news.example.org/story/"><rect width="10" height="10"><animate attributeName="opacity" values="0;1" dur="1s"/></rect></a></svg>`],
  ];

  it.each(plain)('should publish %s', (_, svg) => {
    expect(svgProblem(svg)).toBeUndefined();
  });
});
