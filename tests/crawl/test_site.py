"""--crawl over a generated site on loopback (tests/crawl/site.py): what is
read, what is only checked, what is never asked for, and where each link was found."""

from __future__ import annotations

from tests.crawl.conftest import Served
from tests.crawl.site import DEEP


def test_a_site_is_crawled_page_by_page(served: Served) -> None:
    crawled = served.crawl()
    site = served.site
    assert crawled.code == 1  # /docs/missing is a 404
    assert crawled.by_url("/docs/missing")["status"] == 404
    # Deep pages: each found on the one before, read in turn.
    for n in range(1, DEEP + 1):
        assert site.gets(f"/docs/deep/{n}") == 1
    deepest = crawled.by_url(f"/docs/deep/{DEEP}")
    assert deepest["sources"] == [
        {"path": served.url(f"/docs/deep/{DEEP - 1}"), "line": 3, "column": 13}
    ]
    # Every URL reported once.
    assert len(crawled.urls()) == len(set(crawled.urls()))


def test_a_duplicate_link_is_one_url_with_every_place(served: Served) -> None:
    crawled = served.crawl()
    p1 = crawled.by_url("/docs/p1")
    seed = served.url("/docs/")
    listed = p1["sources"] + [
        s for late in crawled.late if late["url"].endswith("/docs/p1") for s in late["sources"]
    ]
    assert {"path": seed, "line": 3, "column": 13} in listed
    assert {"path": seed, "line": 4, "column": 13} in listed
    assert {"path": served.url("/docs/p2"), "line": 3, "column": 13} in listed
    assert served.site.gets("/docs/p1") == 1


def test_a_page_reached_by_a_redirect_is_read_once(served: Served) -> None:
    crawled = served.crawl()
    moved = crawled.by_url("/docs/moved")
    assert moved["final_url"] == served.url("/docs/p2")
    assert moved["outcome"] == "ok"
    # /docs/p2 was reached twice (as itself and through /docs/moved) but its
    # links were read once: /docs/leaf has one place, not two.
    assert crawled.by_url("/docs/leaf")["sources"] == [
        {"path": served.url("/docs/p2"), "line": 4, "column": 13}
    ]


def test_a_page_linked_with_fragments_is_one_get_and_its_anchors_are_judged(
    served: Served,
) -> None:
    crawled = served.crawl("--fragments", "all")
    assert served.site.gets("/docs/anchors") == 1, "page, page#here, page#gone: one read"
    assert crawled.by_url("/docs/anchors#here")["outcome"] == "ok"
    gone = crawled.by_url("/docs/anchors#gone")
    assert (gone["outcome"], gone["error"]["kind"]) == ("broken", "missing_fragment")


def test_a_page_linked_with_fragments_is_one_get_without_fragments_all(served: Served) -> None:
    crawled = served.crawl()  # --fragments local: a remote page's anchors are not judged
    assert served.site.gets("/docs/anchors") == 1
    assert crawled.by_url("/docs/anchors#gone")["outcome"] == "ok"


def test_a_pages_own_fragment_links_are_checked_on_that_page(served: Served) -> None:
    crawled = served.crawl("--fragments", "all")
    # The seed's "#top" is the seed's own: never missing, and not excluded.
    assert crawled.by_url("/docs/#top")["outcome"] == "ok"


def test_robots_txt_keeps_pages_unread_but_checked(served: Served) -> None:
    crawled = served.crawl()
    site = served.site
    assert crawled.by_url("/docs/private/secret")["outcome"] == "ok"
    assert site.gets("/docs/private/secret") == 0
    assert site.asked("/docs/private/never-found") == 0
    assert site.gets("/robots.txt") == 1


def test_ignore_robots_reads_them(served: Served) -> None:
    crawled = served.crawl("--ignore-robots")
    assert served.site.gets("/docs/private/secret") == 1
    assert crawled.by_url("/docs/private/never-found")["status"] == 404
    assert served.site.gets("/robots.txt") == 0


def test_out_of_scope_links_are_checked_not_read(served: Served) -> None:
    crawled = served.crawl()
    site = served.site
    assert crawled.by_url("/elsewhere")["outcome"] == "ok"  # the other host: checked
    assert site.asked("other:/never") == 0  # and not read
    assert crawled.by_url("/outside/prefix")["outcome"] == "ok"  # outside the path prefix
    assert site.gets("/outside/prefix") == 0
    assert site.asked("/outside/never") == 0


def test_crawl_scope_replaces_the_default(served: Served) -> None:
    crawled = served.crawl("--crawl-scope", r"/outside/")
    site = served.site
    assert site.gets("/docs/") == 1  # the seed is always read
    assert site.gets("/outside/prefix") == 1
    assert crawled.by_url("/outside/never")["status"] == 404
    assert site.gets("/docs/p1") == 0  # checked, not read
    assert site.asked("/docs/leaf") == 0


def test_a_page_too_large_is_checked_not_read(served: Served) -> None:
    crawled = served.crawl()
    big = crawled.by_url("/docs/big")
    assert big["outcome"] == "ok"
    assert "larger than" in big["reason"]
    assert served.site.asked("/docs/from-big") == 0


def test_links_of_a_non_html_body_are_not_looked_for(served: Served) -> None:
    crawled = served.crawl()
    assert crawled.by_url("/docs/image.png")["reason"] is None


def test_depth_zero_checks_the_seeds_links_only(served: Served) -> None:
    crawled = served.crawl("--depth", "0")
    site = served.site
    assert crawled.by_url("/docs/deep/1")["outcome"] == "ok"
    assert site.gets("/docs/deep/1") == 0
    assert site.asked("/docs/deep/2") == 0
    assert site.asked("/docs/leaf") == 0


def test_depth_two_reads_two_levels(served: Served) -> None:
    served.crawl("--depth", "2")
    site = served.site
    assert site.gets("/docs/deep/2") == 1
    assert site.gets("/docs/deep/3") == 0
    assert site.asked("/docs/deep/3") == 1  # checked
    assert site.asked("/docs/deep/4") == 0


def test_max_pages_bounds_the_pages_read(served: Served) -> None:
    crawled = served.crawl("--max-pages", "1")
    site = served.site
    assert site.gets("/docs/") == 1
    assert site.gets("/docs/p1") == 0
    assert site.asked("/docs/leaf") == 0
    assert crawled.by_url("/docs/p1")["outcome"] == "ok"


def test_sitemap_adds_pages(served: Served) -> None:
    crawled = served.crawl("--crawl-sitemap")
    orphan = crawled.by_url("/docs/orphan")
    assert orphan["sources"][0]["path"] == served.url("/sitemap.xml")
    assert crawled.by_url("/docs/orphan-child")["outcome"] == "ok"
    without = served.crawl()
    assert not [u for u in without.urls() if "orphan" in u]


def test_sitemap_missing_is_a_warning(served: Served) -> None:
    served.site.sitemap = False
    crawled = served.crawl("--crawl-sitemap")
    assert "warning: --crawl-sitemap" in crawled.stderr
    assert "404" in crawled.stderr
    assert crawled.by_url("/docs/p1")["outcome"] == "ok"  # the crawl goes on


def test_a_file_source_is_not_crawled(served: Served, tmp_path: object) -> None:
    from pathlib import Path

    from tests.conftest import run_cli

    page = Path(str(tmp_path)) / "a.html"
    page.write_text(f'<a href="{served.url("/docs/")}">x</a>')
    result = run_cli(["--crawl", "--format", "jsonl", str(page)])
    assert result.exit_code == 0
    assert served.site.gets("/docs/") == 0  # a link of a file is checked, not read
