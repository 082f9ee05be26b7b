"""MDX: the string href and src of JSX components are links; .md stays CommonMark."""

from __future__ import annotations

import io

from checker.sources import markdown

DOC = """import Card from './Card'

<Card href="/docs/intro" title="x" />

Text with <Badge src="https://e.example/b.svg" /> inline and [md](https://e.example/m).

<Tabs>
  <Tab href="../a.md">a</Tab>
  <Tab href={dynamic}>b</Tab>
</Tabs>

```jsx
<Card href="https://e.example/in-code" />
```
"""


def _links(path: str) -> list[tuple[int, int | None, str]]:
    return [
        (link.line, link.column, link.url)
        for link in markdown.parse(io.BytesIO(DOC.encode()), path)
    ]


def test_component_href_and_src_are_links_in_mdx() -> None:
    assert _links("guide.mdx") == [
        (3, 13, "/docs/intro"),
        (5, 23, "https://e.example/b.svg"),
        (5, 67, "https://e.example/m"),
        (8, 14, "../a.md"),
    ]


def test_markdown_files_read_only_html_elements() -> None:
    assert _links("guide.md") == [(5, 67, "https://e.example/m")]
