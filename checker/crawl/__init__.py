"""``--crawl``: the pages of ``http(s)://`` sources are read, their links
checked, and the pages inside the scope read and followed in turn.

A crawl is one more producer of targets on the scheduler's growing frontier
(docs/SCHEDULING.md): reading a page *is* that page's check, so it takes a
slot, waits for its host and is retried like any check, and the links it
finds join the on-disk target index (checker/targets.py), from which the
frontier reads them lazily. How each part works: crawler.py (which target is
a page, and what a page adds; the read itself is pages.py's, through the
probe), scope.py, robots.py, sitemap.py, feed.py (the growing input and the
places found late).
"""
