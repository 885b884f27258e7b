const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;

interface Container {
  /** Keys seen so far; null for an array. */
  keys: Set<string> | null;
  path: string;
  lastKey?: string;
}

const isWhiteSpace = (code: number) =>
  code === 0x20 || code === 0x0a || code === 0x0d || code === 0x09;

const join = (path: string, key: string) => (path ? `${path}.${key}` : key);

/**
 * The dotted path of the first key written twice in one object of `text`, which must already
 * be valid JSON; undefined when every object's keys are distinct. `JSON.parse` keeps the last
 * of two equal keys without a word, so a proxy that reads the first would see another request
 * than this service: such bodies are refused instead. Keys are compared once unescaped
 * (`"a"` and `"\u0061"` are the same key). One pass over the text, no allocation per value.
 */
export function findDuplicateKey(text: string): string | undefined {
  const open: Container[] = [];
  let index = 0;
  while (index < text.length) {
    const code = text.charCodeAt(index);
    if (code === QUOTE) {
      let end = index + 1;
      while (end < text.length && text.charCodeAt(end) !== QUOTE) {
        end += text.charCodeAt(end) === BACKSLASH ? 2 : 1;
      }
      const literal = text.slice(index, end + 1);
      index = end + 1;
      const container = open[open.length - 1];
      if (container?.keys) {
        let next = index;
        while (next < text.length && isWhiteSpace(text.charCodeAt(next))) {
          next += 1;
        }
        if (text.charCodeAt(next) === COLON) {
          const key = literal.includes('\\')
            ? (JSON.parse(literal) as string)
            : literal.slice(1, -1);
          if (container.keys.has(key)) {
            return join(container.path, key);
          }
          container.keys.add(key);
          container.lastKey = key;
        }
      }
      continue;
    }
    if (code === OPEN_OBJECT || code === OPEN_ARRAY) {
      const parent = open[open.length - 1];
      const path =
        parent?.keys && parent.lastKey !== undefined
          ? join(parent.path, parent.lastKey)
          : (parent?.path ?? '');
      open.push({ keys: code === OPEN_OBJECT ? new Set() : null, path });
    } else if (code === CLOSE_OBJECT || code === CLOSE_ARRAY) {
      open.pop();
    }
    index += 1;
  }

  return undefined;
}
