import type { Locator } from '@playwright/test';

/**
 * Finds "tofu": visible characters that no font in the browser has a glyph for.
 *
 * How: when no font covers a character, Chromium (HarfBuzz + Skia on Linux)
 * draws the .notdef glyph of the element's first available font, the same box
 * for every missing code point (no per-code-point hex boxes as in Firefox).
 * So each distinct character is drawn on a canvas in its element's font and
 * compared, pixel for pixel and by advance width, with a reference code point
 * that no font maps. Two references must draw identically, or the method is
 * not valid in this browser and the check says so instead of passing.
 *
 * Not CDP's `CSS.getPlatformFontsForNode`: for characters no font covers it
 * still names the primary font (e.g. "DejaVu Sans") with a glyph count, so
 * tofu looks the same as real text there.
 */

/** Unassigned code points (planes 5 and 13): no font maps them, so they draw as .notdef. */
const REFERENCES = [0x50000, 0xdfffd];
/** Large enough for the pixels to tell glyphs apart; the size does not change font fallback. */
const FONT_PX = 32;
/** A page without a Japanese font misses a hundred characters: list enough to see which script. */
const MAX_LISTED = 12;

export interface MissingGlyph {
  /** The character, e.g. "電". */
  char: string;
  /** Its code point, e.g. "U+96FB". */
  codePoint: string;
  /** Where it shows, e.g. `h1.title "ブラウザ電話"` (at most three elements). */
  elements: string[];
}

/** The characters in `target`'s visible text (form values included) that render as tofu. */
export function findMissingGlyphs(target: Locator): Promise<MissingGlyph[]> {
  return target.evaluate(
    async (root, { references, fontPx }) => {
      await document.fonts.ready;
      // Whitespace, controls and format characters draw nothing; marks draw onto their base.
      const invisible = /[\p{White_Space}\p{Cc}\p{Cf}\p{M}]/u;
      const textInputs = new Set(['', 'text', 'search', 'email', 'tel', 'url', 'number']);
      const buttonInputs = new Set(['button', 'submit', 'reset']);

      const nameOf = (element: Element, text: string): string => {
        const id = element.id ? `#${element.id}` : '';
        const classes = Array.from(element.classList, (name) => `.${name}`).join('');
        const snippet = text.trim().replace(/\s+/g, ' ');
        const short = snippet.length > 40 ? `${snippet.slice(0, 39)}…` : snippet;
        return `${element.localName}${id}${classes} ${JSON.stringify(short)}`;
      };

      // What each element shows as text: its own text nodes, or a form control's value.
      const shown: { element: Element; text: string }[] = [];
      const visible = (element: Element) => element.checkVisibility({ visibilityProperty: true });
      const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const parent = node.parentElement;
        if (!parent || parent.closest('select, textarea') || !visible(parent)) continue;
        // A closed <details> hides its own text nodes, yet is itself visible (its <summary> shows).
        if (parent instanceof HTMLDetailsElement && !parent.open) continue;
        shown.push({ element: parent, text: node.textContent ?? '' });
      }
      for (const control of Array.from(root.querySelectorAll('input, textarea, select'))) {
        if (!visible(control)) continue;
        if (control instanceof HTMLSelectElement) {
          shown.push({ element: control, text: control.selectedOptions[0]?.text ?? '' });
        } else if (
          control instanceof HTMLTextAreaElement ||
          (control instanceof HTMLInputElement &&
            (textInputs.has(control.type) || buttonInputs.has(control.type)))
        ) {
          const placeholder = buttonInputs.has(control.type) ? '' : control.placeholder;
          shown.push({ element: control, text: control.value || placeholder });
        }
      }

      // Each drawing is its advance width and its pixels (2em square: enough to tell glyphs apart).
      const canvas = document.createElement('canvas');
      canvas.width = fontPx * 2;
      canvas.height = fontPx * 2;
      const context = canvas.getContext('2d', { willReadFrequently: true });
      if (!context) throw new Error('glyph check: no 2D canvas context');
      const draw = (font: string, char: string) => {
        context.clearRect(0, 0, canvas.width, canvas.height);
        context.font = font;
        context.fillText(char, fontPx / 2, fontPx * 1.5);
        const { data } = context.getImageData(0, 0, canvas.width, canvas.height);
        return { width: context.measureText(char).width, pixels: new Uint32Array(data.buffer) };
      };
      type Drawing = ReturnType<typeof draw>;
      const same = (a: Drawing, b: Drawing) => {
        if (a.width !== b.width) return false;
        for (let i = 0; i < a.pixels.length; i++) if (a.pixels[i] !== b.pixels[i]) return false;
        return true;
      };
      const notdefs = new Map<string, Drawing>();
      const notdefFor = (font: string) => {
        let notdef = notdefs.get(font);
        if (!notdef) {
          const [first, ...others] = references.map((cp) => draw(font, String.fromCodePoint(cp)));
          if (!first) throw new Error('glyph check: no reference code points');
          if (others.some((other) => !same(other, first))) {
            throw new Error(
              `glyph check cannot spot tofu in "${font}": unmapped code points draw differently`,
            );
          }
          notdef = first;
          notdefs.set(font, notdef);
        }
        return notdef;
      };

      const missing = new Map<string, string[]>();
      const checked = new Map<string, boolean>();
      for (const { element, text } of shown) {
        const style = getComputedStyle(element);
        const font = `${style.fontStyle} ${style.fontWeight} ${fontPx}px ${style.fontFamily}`;
        for (const char of new Set(text)) {
          if (invisible.test(char)) continue;
          const key = `${font}\n${char}`;
          let isTofu = checked.get(key);
          if (isTofu === undefined) {
            isTofu = same(draw(font, char), notdefFor(font));
            checked.set(key, isTofu);
          }
          if (!isTofu) continue;
          const where = missing.get(char) ?? [];
          const description = nameOf(element, text);
          if (where.length < 3 && !where.includes(description)) where.push(description);
          missing.set(char, where);
        }
      }
      return [...missing].map(([char, elements]) => ({
        char,
        codePoint: `U+${(char.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`,
        elements,
      }));
    },
    { references: REFERENCES, fontPx: FONT_PX },
  );
}

/** Throws, naming the characters and where they show, if any visible text in `target` is tofu. */
export async function expectGlyphs(target: Locator, label: string): Promise<void> {
  const missing = await findMissingGlyphs(target);
  if (missing.length === 0) return;
  const lines = missing
    .slice(0, MAX_LISTED)
    .map(({ char, codePoint, elements }) => `  "${char}" ${codePoint} in ${elements.join(', ')}`);
  if (missing.length > MAX_LISTED) lines.push(`  … and ${missing.length - MAX_LISTED} more`);
  throw new Error(
    [
      `${label}: ${missing.length} character(s) have no glyph in any font Chromium can use (they would show as tofu):`,
      ...lines,
      'Install a font that covers them; for Japanese on Debian: apt-get install fonts-ipafont-gothic (.ci/run does).',
    ].join('\n'),
  );
}
