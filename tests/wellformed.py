"""Well-formedness of the HTML that tunelens objects show in Jupyter (``_repr_html_``)."""

from __future__ import annotations

from html.parser import HTMLParser

#: Elements without an end tag.
VOID = {"br", "hr", "img", "input", "meta", "link", "source", "wbr", "col"}


class _Nesting(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.open: list[str] = []
        self.text: list[str] = []
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag not in VOID:
            self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.open and self.open[-1] == tag, f"</{tag}> closes {self.open[-1:] or 'nothing'}"
        self.open.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse(markup: str) -> tuple[str, list[tuple[str, dict]]]:
    """Asserts every element is closed in order; returns the text (entities decoded) and the tags."""
    parser = _Nesting()
    parser.feed(markup)
    parser.close()
    assert not parser.open, f"unclosed elements {parser.open}"
    return " ".join(parser.text), parser.tags
