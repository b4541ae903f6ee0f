"""Read a response the way a person does: its title, headings, links and text.

Entities are decoded and whitespace collapsed, so tests compare the words a reader
sees rather than how the template happened to escape or indent them.
"""

from html.parser import HTMLParser

VOID_TAGS = {
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
    "track", "wbr",
}  # fmt: skip


class Element:
    def __init__(self, tag, attrs, parents):
        self.tag = tag
        self.attrs = dict(attrs)
        self.parents = parents
        self.parts = []

    @property
    def text(self):
        return " ".join("".join(self.parts).split())


class Page(HTMLParser):
    def __init__(self, html):
        super().__init__(convert_charrefs=True)
        self.elements = []  # in document order
        self._open = []
        self.feed(html)
        self.close()

    @classmethod
    def of(cls, response):
        return cls(response.content.decode())

    def handle_starttag(self, tag, attrs):
        element = Element(tag, attrs, parents=list(self._open))
        self.elements.append(element)
        if tag not in VOID_TAGS:
            self._open.append(element)

    def handle_endtag(self, tag):
        for i in range(len(self._open) - 1, -1, -1):
            if self._open[i].tag == tag:
                del self._open[i:]
                return

    def handle_data(self, data):
        for element in self._open:
            element.parts.append(data)

    def find_all(self, tag, **attrs):
        return [
            element
            for element in self.elements
            if element.tag == tag
            and all(element.attrs.get(name) == value for name, value in attrs.items())
        ]

    def inside(self, container):
        """Every element within `container`, in document order."""
        return [element for element in self.elements if container in element.parents]

    def next_sibling_element(self, element):
        """The element that follows `element` under the same parent, or None."""
        later = self.elements[self.elements.index(element) + 1 :]
        siblings = [other for other in later if other.parents == element.parents]
        return siblings[0] if siblings else None

    def texts(self, tag):
        """The text of every `tag` element, in document order."""
        return [element.text for element in self.find_all(tag)]

    @property
    def title(self):
        [title] = self.texts("title")
        return title

    @property
    def text(self):
        [body] = self.find_all("body")
        return body.text

    @property
    def hrefs(self):
        return [element.attrs.get("href") for element in self.find_all("a")]
