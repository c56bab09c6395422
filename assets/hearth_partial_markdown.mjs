// A reply still streaming (or cut off) read without markdown artefacts: the browser's twin of
// app/ui/partial_markdown.py, which mends saved replies; tests/ui/test_partial_markdown.py
// runs both on the same cases. Only the tail can be unfinished, so only the last paragraph is
// mended: an emphasis or code span left open loses its opening marker, a link cut short keeps
// its text, a list item or heading with no words yet is dropped, an open code fence is closed.

const FENCE = /^\s*(```|~~~)/gm;
const EMPTY_ITEM = /(?:^|\n)[ \t]*([-*+]|\d+[.)]|#{1,6})[ \t]*$/;
const CUT_LINK = /!?\[([^\]\n]*)\]\([^)\n]*$/;
const CUT_LINK_TEXT = /!?\[([^\]\n]*)$/;
const LIST_MARKER = /^[ \t]*([-*+]|\d+[.)])[ \t]+/;
const DELIMITERS = /\\.|`+|\*+|_+|~~/g;

const isSpace = (c) => /\s/.test(c);
const isAlnum = (c) => /[\p{L}\p{N}]/u.test(c);

export function mendPartialMarkdown(text) {
  text = text.trimEnd();
  const fences = [...text.matchAll(FENCE)];
  if (fences.length % 2) {
    // Cut inside a code block: close it, so the code still reads as code.
    return `${text}\n${fences[fences.length - 1][1]}`;
  }
  let previous = null;
  while (previous !== text) {
    previous = text;
    text = text.replace(EMPTY_ITEM, "").trimEnd();
    text = text.replace(CUT_LINK, "$1");
    text = text.replace(CUT_LINK_TEXT, "$1").trimEnd();
  }
  const blank = text.lastIndexOf("\n\n");
  const start = blank < 0 ? 0 : blank + 2;
  return text.slice(0, start) + closeSpans(text.slice(start));
}

// The paragraph without the opening markers of spans it never closes.
function closeSpans(paragraph) {
  const unmatched = []; // [start, end] of markers to remove
  const opened = []; // [marker, start, end]
  let code = null;
  let lineStart = 0;
  for (const line of paragraph.split("\n")) {
    const skip = line.match(LIST_MARKER);
    const from = lineStart + (skip ? skip[0].length : 0);
    const to = lineStart + line.length;
    DELIMITERS.lastIndex = from;
    let found;
    while ((found = DELIMITERS.exec(paragraph)) !== null && found.index < to) {
      const marker = found[0];
      const start = found.index;
      const end = start + marker.length;
      if (end > to) break;
      if (marker.startsWith("\\")) continue;
      if (code !== null) {
        if (marker === code[0]) code = null;
        continue;
      }
      if (marker.startsWith("`")) {
        code = [marker, start, end];
        continue;
      }
      const before = start ? paragraph[start - 1] : " ";
      const after = end < paragraph.length ? paragraph[end] : " ";
      if (marker.startsWith("_") && isAlnum(before) && isAlnum(after)) continue;
      if (!isSpace(before) && opened.some(([m]) => m === marker)) {
        while (opened.length) {
          const top = opened.pop();
          if (top[0] === marker) break;
          unmatched.push([top[1], top[2]]);
        }
      } else if (!isSpace(after)) {
        opened.push([marker, start, end]);
      } else if (end === paragraph.length) {
        unmatched.push([start, end]); // half a closing marker, cut
      }
    }
    lineStart = to + 1;
  }
  if (code !== null) unmatched.push([code[1], code[2]]);
  for (const [, start, end] of opened) unmatched.push([start, end]);
  unmatched.sort((a, b) => b[0] - a[0]);
  for (const [start, end] of unmatched) {
    paragraph = paragraph.slice(0, start) + paragraph.slice(end);
  }
  return paragraph.trimEnd();
}
