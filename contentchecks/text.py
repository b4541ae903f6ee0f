"""
What an editor's Markdown says, read the way the checks need it: its paragraphs,
list items and headings as plain text, its sentences, links and pictures.

The text is first rendered by the site's one renderer (publishing.markdown), so the
checks read exactly what the public will see: a "#" heading is a level 2 heading there,
raw HTML the renderer drops is not checked, and so on.
"""

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

from publishing.markdown import render_markdown

# Where the words of a page are: each becomes a Block. Text in other elements
# (a quote's <blockquote> holds paragraphs) belongs to the block inside it.
BLOCK_TAGS = {"p", "li", "dt", "dd", "td", "th", "h2", "h3", "h4", "h5", "h6"}
HEADINGS = {"h2", "h3", "h4", "h5", "h6"}
BOLD_TAGS = {"strong", "b"}
# Not prose: its words are left out of sentences and the reading age.
CODE_TAGS = {"code", "pre"}


@dataclass
class Link:
    text: str
    href: str


@dataclass
class Picture:
    alt: str
    src: str


@dataclass
class Block:
    """A paragraph, a list item, a table cell or a heading."""

    tag: str
    text: str = ""
    bold: str = ""  # the part of the text that is in bold
    explained: set = field(default_factory=set)  # abbreviations given a title (<abbr>)

    @property
    def is_heading(self):
        return self.tag in HEADINGS

    @property
    def level(self):
        return int(self.tag[1]) if self.is_heading else None


class _Reader(HTMLParser):
    """Reads the renderer's HTML (well formed: nh3 wrote it) into blocks, links and
    pictures."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.blocks = []
        self.links = []
        self.pictures = []
        self.open_blocks = []
        self.open_links = []
        self.bold = 0
        self.code = 0
        self.abbr_title = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in BLOCK_TAGS:
            self.open_blocks.append(Block(tag))
        elif tag == "a":
            # The renderer's own "link to this section" beside a heading has no words,
            # by design: a label says what it is.
            self.open_links.append(
                None if "aria-label" in attrs else Link("", attrs.get("href", ""))
            )
        elif tag in BOLD_TAGS:
            self.bold += 1
        elif tag in CODE_TAGS:
            self.code += 1
        elif tag == "abbr":
            self.abbr_title = attrs.get("title") or ""
        elif tag == "img":
            self.pictures.append(Picture(attrs.get("alt") or "", attrs.get("src") or ""))

    def handle_endtag(self, tag):
        if tag in BLOCK_TAGS and self.open_blocks:
            block = self.open_blocks.pop()
            block.text = " ".join(block.text.split())
            block.bold = " ".join(block.bold.split())
            if block.text or block.is_heading:
                self.blocks.append(block)
        elif tag == "a" and self.open_links:
            link = self.open_links.pop()
            if link is not None:
                link.text = " ".join(link.text.split())
                self.links.append(link)
        elif tag in BOLD_TAGS:
            self.bold = max(0, self.bold - 1)
        elif tag in CODE_TAGS:
            self.code = max(0, self.code - 1)
        elif tag == "abbr":
            self.abbr_title = None

    def handle_data(self, data):
        for link in self.open_links:
            if link is not None:
                link.text += data
        if self.code or not self.open_blocks:
            return
        block = self.open_blocks[-1]
        block.text += data
        if self.bold:
            block.bold += data
        if self.abbr_title:
            block.explained.add(data.strip())


@dataclass
class Text:
    """One Markdown text, read."""

    blocks: list
    links: list
    pictures: list

    @property
    def prose(self):
        """The blocks that hold sentences: everything but headings."""
        return [block for block in self.blocks if not block.is_heading]

    @property
    def headings(self):
        return [block for block in self.blocks if block.is_heading]

    def sentences(self):
        """Every sentence of the prose, in order. A list item or a table cell with no
        full stop of its own is a sentence too."""
        return [sentence for block in self.prose for sentence in sentences(block.text)]

    @property
    def plain(self):
        """All its words, block after block."""
        return "\n".join(block.text for block in self.blocks)


def read(markdown_text):
    reader = _Reader()
    reader.feed(str(render_markdown(markdown_text or "")))
    reader.close()
    return Text(reader.blocks, reader.links, reader.pictures)


# A sentence ends at . ! or ? (perhaps with a closing quote or bracket) followed by a
# space and something that can start a sentence. "e.g. this" and "2.5" do not end one.
SENTENCE_END = re.compile(r"(?:(?<=[.!?])|(?<=[.!?][\"”’)\]]))\s+(?=[\"“‘(\[]?[A-Z0-9])")
WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9'’&-]*")


def sentences(text):
    """The sentences of a paragraph (or of lines typed one under another)."""
    found = []
    for line in text.splitlines():
        found += [part.strip() for part in SENTENCE_END.split(line) if part.strip()]
    return found


def words(text):
    return WORD.findall(text)


def opening(text, count=8):
    """The first few words of a long text, to say which one is meant."""
    parts = text.split()
    return " ".join(parts[:count]) + ("…" if len(parts) > count else "")
