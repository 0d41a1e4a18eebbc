"""The words a participant reads on a page, as sentences, for reading-grade formulas: the
text of <main> (or the whole body), one sentence per block (a heading, a label, a button, a
list item ends where a reader stops), scripts, styles and hidden parts left out."""

import re
from html.parser import HTMLParser

BLOCKS = {
    "p", "li", "h1", "h2", "h3", "h4", "label", "legend", "button", "summary", "td", "th",
    "dt", "dd", "small", "option", "div", "section", "article", "figcaption", "nav", "ol", "ul",
}  # fmt: skip
SKIP = {"script", "style", "template", "noscript", "svg"}
# An element hidden from everyone (not nested in one of its own kind, as on these pages).
HIDDEN = re.compile(
    r"<(\w+)\b[^>]*?\s(?:hidden|aria-hidden=\"true\")(?:[\s=][^>]*)?>.*?</\1>", re.S
)


class _Text(HTMLParser):
    def __init__(self):
        super().__init__()
        self.blocks, self.current, self.skipping, self.in_main, self.saw_main = [], [], 0, 0, 0
        self.in_nav = 0  # links in a navigation bar are read one by one

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "main":
            self.in_main += 1
            self.saw_main = 1
        if tag in SKIP:
            self.skipping += 1
        self.in_nav += tag == "nav"
        if tag in BLOCKS or (tag == "a" and self.in_nav):
            self._flush()

    def handle_endtag(self, tag):
        if tag in SKIP and self.skipping:
            self.skipping -= 1
        if tag in BLOCKS or (tag == "a" and self.in_nav):
            self._flush()
        self.in_nav -= tag == "nav"
        if tag == "main":
            self.in_main -= 1

    def handle_data(self, data):
        if not self.skipping:
            self.current.append((self.in_main, data))

    def _flush(self):
        if self.current:
            self.blocks.append(self.current)
            self.current = []


def sentences(html):
    """The page's readable text, each block ending as a sentence."""
    parser = _Text()
    parser.feed(HIDDEN.sub(" ", html))
    parser._flush()
    out = []
    for block in parser.blocks:
        words = " ".join(text for in_main, text in block if in_main or not parser.saw_main)
        words = re.sub(r"\s+", " ", words).strip(" ·—→←")
        # Codes, dates and numbers alone are not sentences a reader has to parse.
        if not re.search(r"[^\W\d_]{2}", words):
            continue
        out.append(words if words[-1] in ".!?:;" else words + ".")
    return " ".join(out)
