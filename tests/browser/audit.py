"""Measurements of a page in the browser for the 适老化 and English audit (test_audit_pages.py).

Everything is computed inside the page from computed styles: tap-target sizes, the smallest text
and its line height, text contrast against the first opaque background behind it, horizontal
overflow, and CJK characters left over once the database's own text is taken out.
"""

import re

#: Returns a list of problems (strings) for the page as it is laid out now.
MEASURE_JS = r"""
({minTap, minText}) => {
  const problems = [];
  const vw = document.documentElement.clientWidth;
  const shown = (el) => {
    const r = el.getBoundingClientRect();
    if (r.width < 2 || r.height < 2 || r.right <= 0 || r.bottom <= 0 || r.left >= vw) return false;
    for (let e = el; e; e = e.parentElement) {
      const s = getComputedStyle(e);
      if (s.visibility === 'hidden' || s.display === 'none') return false;
      if (s.clip === 'rect(0px, 0px, 0px, 0px)') return false;
    }
    return true;
  };
  const name = (el) => {
    const cls = el.className && typeof el.className === 'string'
      ? '.' + el.className.trim().split(/\s+/).join('.') : '';
    const text = (el.innerText || el.value || el.getAttribute('aria-label') || '').trim();
    return `${el.tagName.toLowerCase()}${cls} "${text.replace(/\s+/g, ' ').slice(0, 24)}"`;
  };
  // 1. Tap targets: every link and button, both sides.
  const targets = 'a[href], button, summary, input[type=submit], input[type=button]';
  for (const el of document.querySelectorAll(targets)) {
    if (!shown(el)) continue;
    const r = el.getBoundingClientRect();
    if (r.height < minTap - 0.5 || r.width < minTap - 0.5) {
      const size = `${Math.round(r.width)}x${Math.round(r.height)}`;
      problems.push(`target ${size} < ${minTap}: ${name(el)}`);
    }
  }
  // 2. Text: size, line height, contrast against what is behind it.
  const parse = (c) => {
    const m = c.match(/rgba?\(([^)]+)\)/);
    if (!m) return [255, 255, 255, 1];
    const p = m[1].split(/[ ,/]+/).filter(Boolean).map(Number);
    return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
  };
  const lum = ([r, g, b]) => {
    const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const background = (el) => {
    for (let e = el; e; e = e.parentElement) {
      const c = parse(getComputedStyle(e).backgroundColor);
      if (c[3] > 0.5) return c;
    }
    return [255, 255, 255, 1];
  };
  const seen = new Set();
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    const el = node.parentElement;
    if (!el || !node.textContent.trim() || seen.has(el)) continue;
    seen.add(el);
    if (['SCRIPT', 'STYLE', 'NOSCRIPT', 'OPTION', 'TITLE'].includes(el.tagName)) continue;
    if (!shown(el)) continue;
    const s = getComputedStyle(el);
    const size = parseFloat(s.fontSize);
    const lh = s.lineHeight === 'normal' ? 1.2 * size : parseFloat(s.lineHeight);
    if (minText && size < minText - 0.01) problems.push(`text ${size}px < ${minText}: ${name(el)}`);
    if (minText && lh / size < 1.3 - 0.01) {
      problems.push(`line height ${(lh / size).toFixed(2)} < 1.3: ${name(el)}`);
    }
    if (parseFloat(s.opacity) < 1) continue;
    const fg = parse(s.color);
    const bg = background(el);
    const mixed = fg.slice(0, 3).map((v, i) => v * fg[3] + bg[i] * (1 - fg[3]));
    const [a, b] = [lum(mixed), lum(bg)];
    const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    if (ratio < 4.5) problems.push(`contrast ${ratio.toFixed(2)} < 4.5: ${name(el)}`);
  }
  return problems;
}
"""

#: Returns the elements sticking out on the right when the page is wider than the viewport.
OVERFLOW_JS = r"""
() => {
  const root = document.documentElement;
  if (root.scrollWidth <= root.clientWidth + 1) return [];
  const vw = root.clientWidth;
  const inScroller = (el) => {
    for (let e = el.parentElement; e; e = e.parentElement) {
      if (['auto', 'scroll'].includes(getComputedStyle(e).overflowX) && e !== root) return true;
    }
    return false;
  };
  const out = [...document.body.querySelectorAll('*')]
    .filter((el) => el.getBoundingClientRect().right > vw + 1 && !inScroller(el))
    .filter((el) => ![...el.children].some((c) => c.getBoundingClientRect().right > vw + 1));
  const label = (el) => `${el.tagName.toLowerCase()}.${[...el.classList].join('.')} `
    + `"${(el.innerText || '').trim().slice(0, 20)}"`;
  return [`page ${root.scrollWidth}px wide in ${vw}px: ` + out.slice(0, 4).map(label).join(', ')];
}
"""

#: Doubles the text size the way a phone's text setting does (the root font size).
DOUBLE_TEXT_JS = """
() => {
  const root = document.documentElement;
  root.style.fontSize = '';
  root.style.fontSize = (2 * parseFloat(getComputedStyle(root).fontSize)) + 'px';
}
"""
RESET_TEXT_JS = "() => { document.documentElement.style.fontSize = ''; }"

#: The page's words, one text node or attribute a line: all of it, shown or not (a closed
#: <details>, an <option>, an aria-label), except what is marked as Chinese on purpose (中文).
WORDS_JS = r"""
() => {
  const lines = [document.title];
  const walker = document.createTreeWalker(document.documentElement, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const el = walker.currentNode.parentElement;
    if (!el || ['SCRIPT', 'STYLE'].includes(el.tagName) || el.closest('[lang^="zh"]')) continue;
    lines.push(walker.currentNode.textContent);
  }
  const labelled = '[aria-label], [placeholder], [title], [alt], meta[content]';
  for (const el of document.querySelectorAll(labelled)) {
    if (el.closest('[lang^="zh"]') && el.tagName !== 'META') continue;
    for (const attr of ['aria-label', 'placeholder', 'title', 'alt']) {
      if (el.hasAttribute(attr)) lines.push(el.getAttribute(attr));
    }
    const meta = el.getAttribute('name') || el.getAttribute('property') || '';
    if (el.tagName === 'META' && /description|og:|twitter:/.test(meta)) {
      lines.push(el.getAttribute('content'));
    }
  }
  return lines.join('\n');
}
"""

CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")


def leftover_cjk(text: str, data: list[str]) -> list[str]:
    """The lines of ``text`` that still hold CJK characters or punctuation once ``data`` is removed.

    ``data`` is every piece of text people typed in (names, titles, places…), longest first.
    """
    for piece in data:
        text = text.replace(piece, " ")
    return sorted({line.strip()[:80] for line in text.splitlines() if CJK.search(line)})
