/**
 * Just enough of Bicep's text to check a template against the code without the Bicep compiler
 * (not installable here): declared params, module calls and the keys they pass, and the
 * `{ name: 'KEY', value|secretRef|secretName: … }` settings entries. Strings are '…' with \' escapes.
 */
import fs from 'node:fs';
import path from 'node:path';

export interface Param {
  readonly name: string;
  readonly type: string;
  readonly hasDefault: boolean;
}

export interface ModuleCall {
  readonly symbol: string;
  readonly file: string;
  readonly passed: string[];
}

export interface Setting {
  readonly name: string;
  /** The value expression as written ('literal' includes its quotes). */
  readonly value: string;
  readonly file: string;
}

export function read(root: string, file: string): string {
  return fs.readFileSync(path.join(root, file), 'utf8');
}

/** Source with comments and string contents blanked (same length), so braces inside them do not count. */
function code(text: string): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === '/' && text[i + 1] === '/') {
      const end = text.indexOf('\n', i);
      const stop = end < 0 ? text.length : end;
      out += ' '.repeat(stop - i);
      i = stop;
    } else if (c === "'") {
      let j = i + 1;
      while (j < text.length && text[j] !== "'") j += text[j] === '\\' ? 2 : 1;
      out += `'${text.slice(i + 1, j).replace(/[{}[\]()\\']/g, ' ')}'`;
      i = j + 1;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

export function params(text: string): Param[] {
  return [...code(text).matchAll(/^param (\w+) (\w+)( =)?/gm)].map((m) => ({ name: m[1], type: m[2], hasDefault: m[3] !== undefined }));
}

export function outputs(text: string): string[] {
  return [...code(text).matchAll(/^output (\w+) /gm)].map((m) => m[1]);
}

/** The object literal starting at `open` ('{'), and the keys at its top level. */
function topLevelKeys(src: string, open: number): { keys: string[]; end: number } {
  const keys: string[] = [];
  let depth = 0;
  for (let i = open; i < src.length; i++) {
    const c = src[i];
    if (c === '{' || c === '[' || c === '(') depth++;
    else if (c === '}' || c === ']' || c === ')') {
      depth--;
      if (depth === 0) return { keys, end: i };
    } else if (depth === 1 && /[A-Za-z_]/.test(c) && !/[\w.'$]/.test(src[i - 1] ?? '')) {
      const m = /^(\w+)\s*:/.exec(src.slice(i));
      if (m && !/\?\s*$/.test(src.slice(open, i))) keys.push(m[1]);
      if (m) i += m[1].length;
      else while (/\w/.test(src[i + 1] ?? '')) i++;
    }
  }
  throw new Error('unbalanced braces');
}

export function moduleCalls(text: string): ModuleCall[] {
  const src = code(text);
  const raw = text;
  return [...src.matchAll(/^module (\w+) '/gm)].map((m) => {
    const fileMatch = /^module \w+ '([^']+)'/.exec(raw.slice(m.index));
    const paramsAt = src.indexOf('params: {', m.index);
    return { symbol: m[1], file: fileMatch![1], passed: topLevelKeys(src, paramsAt + 'params: '.length).keys };
  });
}

export function settings(text: string, file: string): Setting[] {
  return [...text.matchAll(/\{ name: '(\w+)', (?:value|secretRef|secretName): ([^\n]*?) \}/g)].map((m) => ({
    name: m[1],
    value: m[2],
    file,
  }));
}
