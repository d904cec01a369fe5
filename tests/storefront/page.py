"""Reading the customer page back as a person would: the visible text of an element, found by its class."""

from __future__ import annotations

import re
from html.parser import HTMLParser

VOID = {"br", "input", "meta", "img", "hr", "link"}


class _Finder(HTMLParser):
    def __init__(self, cls: str | None):
        super().__init__()
        self.cls = cls
        self.depth = 0  # > 0 while inside a matching element
        self.found: list[list[str]] = []
        self.skip = 0  # inside <style> or <head>

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("style", "title"):
            self.skip += 1
        if self.depth and not self.skip:
            self.found[-1].append(" ")  # elements are boxes apart on the screen
        if tag in VOID:
            return
        classes = (dict(attrs).get("class") or "").split()
        if self.depth:
            self.depth += 1
        elif self.cls is None or self.cls in classes:
            self.depth = 1
            self.found.append([])

    def handle_endtag(self, tag: str) -> None:
        if tag in ("style", "title"):
            self.skip -= 1
        if tag in VOID:
            return
        if self.depth:
            self.found[-1].append(" ")
            self.depth -= 1

    def handle_data(self, data: str) -> None:
        if self.depth and not self.skip:
            self.found[-1].append(data)


def texts(html: str, cls: str | None = None) -> list[str]:
    """The visible text of every element with class `cls` (of the whole body when None), whitespace collapsed."""
    finder = _Finder(cls)
    finder.feed(html)
    return [re.sub(r"\s+", " ", "".join(parts)).strip() for parts in finder.found]


def text(html: str, cls: str | None = None) -> str:
    found = texts(html, cls)
    assert found, f"no element with class {cls!r}"
    return found[0]


def hidden(html: str, name: str) -> str:
    match = re.search(rf'<input type="hidden" name="{name}" value="([^"]*)"', html)
    assert match, f"no hidden field {name}"
    return match.group(1)
