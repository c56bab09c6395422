// A streaming reply's text drawn as markdown as it grows, the way the saved reply is drawn
// (app/ui/components/markdown.py: GitHub's flavour, no raw HTML, an image as a link), with its
// unfinished tail mended first so no stray `*` or empty bullet shows while it streams.
import ReactMarkdown from "react-markdown";
import remarkGfm from "remark-gfm";
import { mendPartialMarkdown } from "./hearth_partial_markdown.mjs";

// An image is never fetched (a reply could name any address): it is a link, as when saved.
function ImageAsLink({ src, alt }) {
  return (
    <a
      href={src}
      target="_blank"
      rel="noopener noreferrer nofollow"
      className="markdown-image-link"
    >
      {alt || src}
    </a>
  );
}

const COMPONENTS = { img: ImageAsLink };
const PLUGINS = [remarkGfm];

export function LiveMarkdown({ text }) {
  return (
    <div className="markdown">
      <ReactMarkdown remarkPlugins={PLUGINS} components={COMPONENTS}>
        {mendPartialMarkdown(text)}
      </ReactMarkdown>
    </div>
  );
}
