"""Markdown → sanitised HTML (done once, on save), plain text, and jieba segmentation for search."""

import re

import jieba
import nh3
from markdown_it import MarkdownIt

jieba.setLogLevel(60)  # jieba logs its dictionary load at INFO on stderr

# Raw HTML is off in the parser and nh3 cleans what is left, so a stored
# body is safe to print with |safe.
_MD = MarkdownIt("commonmark", {"html": False}).enable("table").enable("strikethrough")
_TAGS = {"h2", "h3", "h4", "h5", "h6", "p", "ul", "ol", "li", "strong", "em", "del", "s", "table", "thead",
         "tbody", "tr", "th", "td", "blockquote", "code", "pre", "br", "hr", "a"}
_WORD = re.compile(r"\w", re.UNICODE)


def render_markdown(text: str) -> str:
    html = _MD.render(text or "")
    return nh3.clean(html, tags=_TAGS, attributes={"a": {"href", "title"}, "td": {"align"}, "th": {"align"}},
                     url_schemes={"http", "https", "mailto"}, link_rel="noopener noreferrer")


def plain_text(html: str) -> str:
    """The text of rendered HTML, for snippets and the index."""
    return re.sub(r"\s+", " ", nh3.clean(html, tags=set()).replace("&lt;", "<").replace("&gt;", ">")
                  .replace("&amp;", "&").replace("&quot;", '"').replace("&#39;", "'")).strip()


def segment(text: str) -> list[str]:
    """Search tokens: jieba's search mode (long words and their 2-character parts), lower-cased words only."""
    tokens = []
    for token in jieba.cut_for_search(text or ""):
        token = token.strip().lower()
        if token and all(_WORD.match(ch) for ch in token):
            tokens.append(token)
    return tokens


_CJK_RUN = re.compile(r"[\u3400-\u9fff]{2,}")


def bigrams(text: str) -> list[str]:
    """Every pair of adjacent Chinese characters: finds words jieba split differently in context."""
    out = []
    for run in _CJK_RUN.findall(text or ""):
        out += [run[i:i + 2] for i in range(len(run) - 1)]
    return out


def index_tokens(text: str) -> list[str]:
    return segment(text) + bigrams(text)


def query_tokens(text: str) -> list[str]:
    """Chinese words become their bigrams (all required), so any 2+-character word is found."""
    words = []
    for token in segment(text):
        words += bigrams(token) if _CJK_RUN.fullmatch(token) else [token]
    return list(dict.fromkeys(words))
