"""The platform crawler: listing pages → case pages → their attachments, raw into the archive.

Within each start URL's host and path prefix it follows the listing's pagination and the case
links in the listing's main content; attachments linked from case pages are fetched from the
same host wherever they live. robots.txt is fetched through the same polite client, a
Disallow is never requested, and every response is stored raw before it is parsed. Case pages
seen on an earlier run are checked again (one conditional request), so a page that disappears
is recorded as gone. A failing item is a warning and a counted failure; the crawl goes on.

The crawl is bounded: a redirect is followed only within the same scope (listing and case pages
within a start URL's host and prefix, attachments on their own host) and where robots.txt allows
the target, and at most ``max_pages`` listing pages are followed from each start URL (a
calendar or a pagination that never ends is a trap). Whatever is refused is listed with why.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, ClassVar, Iterable, Mapping, Sequence
from urllib.parse import urljoin, urlsplit

from archive.budget import OverBudget, check_size, limits, time_budget
from archive.case_parser import Case, parse_case
from archive.errors import FetchError
from archive.http import PoliteClient, RedirectRule, RobotsPolicy, disallow_all, host_of, parse_robots
from archive.page_text import drop_boilerplate, soup_of
from archive.site_urls import NOT_CASES, attachment_type, in_scope, is_pagination, normalise_url, same_host
from archive.store import ArchiveStore, utc_now
from archive.summary import Progress, RunSummary, Section

log = logging.getLogger(__name__)

NS_PAGE = "site.page"
NS_ATTACHMENT = "site.attachment"
NS_ROBOTS = "site.robots"
STATE_GONE = "site/gone"

MAX_PAGES = 100  # listing pages per start URL; the platform's own listing has a few dozen


@dataclass
class SiteSummary(RunSummary):
    """What a site or notes harvest did, per kind of item, with the failures listed."""

    name: ClassVar[str] = "site"
    counts: dict[str, Counter[str]] = field(default_factory=dict)
    notes_read: int = 0
    notes_failed: int = 0
    robots_skipped: list[str] = field(default_factory=list)
    channels: list[str] = field(default_factory=list)
    requests: int = 0
    notes_only: bool = False  # ``harvest notes``: no crawl, every item is a note
    outcomes: dict[tuple[str, str], str] = field(default_factory=dict, repr=False)  # (kind, url) → counted as
    note_failures: list[str] = field(default_factory=list, repr=False)  # the failures that are notes'

    def count(self, kind: str, outcome: str, url: str = "") -> None:
        """Count one item of ``kind`` (listing, case, attachment) with its outcome."""
        self.counts.setdefault(kind, Counter())[outcome] += 1
        if url:
            self.outcomes[(kind, url)] = outcome

    def fail_item(self, kind: str, url: str, reason: str, pages: Iterable[str] | None = None) -> None:
        """List a failed item and count it as failed, once: fetched and then unreadable is failed, not new."""
        before = self.outcomes.get((kind, url))
        if before != "failed":
            if before is not None:
                self.counts[kind][before] -= 1
                if not self.counts[kind][before]:
                    del self.counts[kind][before]
            self.count(kind, "failed", url)
        line = self.fail(url, reason, pages)
        if kind == "attachment":
            self.note_failures.append(line)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready summary for the run log and ``--format json``."""
        return {
            "counts": {kind: dict(counter) for kind, counter in self.counts.items()},
            "notes": {"read": self.notes_read, "failed": self.notes_failed},
            "robots_skipped": self.robots_skipped,
            "channels": self.channels,
            "failures": self.failures,
            "warnings": self.warnings,
            "requests": self.requests,
        }

    def _counts_of(self, kinds: tuple[str, ...]) -> dict[str, int]:
        """The standard counts over some kinds of item (a page gone from the platform is deactivated)."""
        total: Counter[str] = Counter()
        for kind in kinds:
            total.update(self.counts.get(kind, {}))
        return {"fetched": sum(n for k, n in total.items() if k != "skipped"), "new": total["new"],
                "changed": total["changed"], "unchanged": total["unchanged"], "failed": total["failed"],
                "deactivated": total["gone"], "skipped": total["skipped"]}

    def totals(self) -> dict[str, int]:
        """The standard counts over every kind of item."""
        return self._counts_of(("robots", "listing", "case", "attachment"))

    def sections(self) -> list[Section]:
        """Two sources: the pages crawled, and the notes fetched and read (only those after ``harvest notes``)."""
        notes = {**self._counts_of(("attachment",)), "read": self.notes_read, "unreadable": self.notes_failed}
        if self.notes_only:
            return [Section("notes", notes, list(self.failures), "notes of the archived cases")]
        pages = [f for f in self.failures if f not in self.note_failures]
        return [Section("site", self._counts_of(("robots", "listing", "case")), pages,
                        f"{len(self.channels)} channels linked", details=self.to_dict()),
                Section("notes", notes, list(self.note_failures), "fetched and read by the site step")]


def parse_case_safely(body: bytes, url: str, selectors: Mapping[str, str] | None = None,
                      known_companies: Mapping[str, Sequence[str]] | Sequence[str] | None = None
                      ) -> tuple[Case | None, str]:
    """A case page parsed, or None and why not: one malformed page, or one over its size or time
    budget (``archive.budget``), must not stop a run."""
    try:
        check_size(len(body), limits().page_bytes, "the page in bytes", "page_bytes")
        with time_budget("parsing the page"):
            return parse_case(body, url, selectors, known_companies), ""
    except OverBudget as exc:
        return None, f"the page is over budget: {exc}"
    except RecursionError:
        return None, "the page cannot be parsed: its markup is nested too deeply"
    except Exception as exc:  # a page is untrusted input; whatever it breaks, the crawl goes on
        return None, f"the page cannot be parsed: {type(exc).__name__}: {exc}"


@dataclass(frozen=True)
class ListingLinks:
    """What a listing page links to: more listing pages and case pages."""

    pages: tuple[str, ...]
    cases: tuple[str, ...]


def parse_listing(html: bytes, url: str, start_url: str, selectors: Mapping[str, str] | None = None) -> ListingLinks:
    """The pagination and case links of a listing page, within the start URL's scope."""
    selectors = selectors or {}
    soup = soup_of(html)
    pages: dict[str, None] = {}
    for tag in soup.select(selectors.get("next_page") or "a[href]"):
        href = normalise_url(urljoin(url, str(tag.get("href", ""))))
        classes = " ".join(tag.get("class") or [])
        rel = " ".join(tag.get("rel") or [])
        if in_scope(href, start_url) and (is_pagination(href) or "page-numbers" in classes
                                           or rel in ("next", "prev") or selectors.get("next_page")):
            pages[href] = None
    drop_boilerplate(soup, selectors.get("boilerplate"))
    cases: dict[str, None] = {}
    for tag in soup.select(selectors.get("case_links") or "a[href]"):
        href = normalise_url(urljoin(url, str(tag.get("href", ""))))
        if (in_scope(href, start_url) and href not in pages and href not in (url, start_url)
                and not is_pagination(href) and not NOT_CASES.search(urlsplit(href).path)
                and attachment_type(href) is None):
            cases[href] = None
    return ListingLinks(tuple(pages), tuple(cases))


class SiteCrawler:
    """Fetches listing pages, case pages and attachments into the archive, politely."""

    def __init__(
        self,
        store: ArchiveStore,
        client: PoliteClient,
        *,
        selectors: Mapping[str, str] | None = None,
        known_companies: Mapping[str, Sequence[str]] | Sequence[str] | None = None,
        progress: Progress | None = None,
        max_pages: int = MAX_PAGES,
    ) -> None:
        self.store = store
        self.max_pages = max(1, max_pages)
        self._starts: list[str] = []
        self.client = client
        self.selectors = dict(selectors or {})
        self.known_companies = known_companies
        self.progress = progress or (lambda label, done, total: None)
        self.summary = SiteSummary()
        self._robots: dict[str, RobotsPolicy] = {}
        self.cases: dict[str, Case] = {}
        self.found_on: dict[str, str] = {}  # case page → the listing page that linked it first
        self.unparseable: set[str] = set()  # case pages fetched this run that cannot be parsed

    # -- politeness -------------------------------------------------------------------------

    def robots(self, url: str) -> RobotsPolicy:
        """The robots.txt policy of a URL's host, fetched once per run (conditionally)."""
        host = host_of(url)
        if host not in self._robots:
            robots_url = host + "/robots.txt"
            latest = self.store.latest(NS_ROBOTS, host)
            try:
                response = self.client.get(robots_url, **_validators(latest))
            except FetchError as exc:
                # The client's message starts with the address, which the failure line already names.
                self._fail("robots", robots_url, "robots.txt unreachable, so the host is not crawled: "
                           + str(exc).removeprefix(f"{robots_url}: "))
                policy = disallow_all(self.client.user_agent)
            else:
                if response.status == 304 and latest is not None:
                    text: str | None = self.store.read(latest).decode("utf-8", errors="replace")
                elif response.status == 200:
                    self.store.put(NS_ROBOTS, host, response.body, url=robots_url, status=200,
                                   content_type=response.content_type, meta=response.validators)
                    text = response.body.decode("utf-8", errors="replace")
                else:
                    text = None  # 4xx: no robots.txt, everything allowed (RFC 9309)
                policy = parse_robots(text, self.client.user_agent)
            self.client.set_crawl_delay(host, policy.crawl_delay)
            self._robots[host] = policy
        return self._robots[host]

    # -- fetching ---------------------------------------------------------------------------

    def _fail(self, kind: str, url: str, reason: str) -> None:
        """List a failed item with where it was linked from (the CLI or update prints it, once)."""
        source = self.found_on.get(url)
        self.summary.fail_item(kind, url, reason, [source] if source else None)

    def fetch(self, url: str, namespace: str, kind: str) -> bytes | None:
        """Fetch one URL into the archive (conditional GET); its bytes, or None if it failed."""
        if not self.robots(url).allowed(url):
            log.info("[site] %s: disallowed by robots.txt, skipped", url)
            self.summary.robots_skipped.append(url)
            self.summary.count(kind, "skipped")
            return None
        latest = self.store.latest(namespace, url)
        try:
            response = self.client.get(url, **_validators(latest), follow=self._redirect_rule(url, kind))
        except FetchError as exc:
            self.store.record_fetch(namespace, url, status=None, outcome="failed", detail=str(exc))
            # The client's message starts with the address, which the failure line already names.
            self._fail(kind, url, str(exc).removeprefix(f"{url}: "))
            return None
        if response.status == 304 and latest is not None:
            self.store.record_fetch(namespace, url, status=304, outcome="not-modified")
            self.summary.count(kind, "unchanged", url)
            return self.store.read(latest)
        if response.status in (404, 410):
            self.store.record_fetch(namespace, url, status=response.status, outcome="gone")
            if latest is None:  # linked, never archived: a dead link on the platform
                self._fail(kind, url, f"HTTP {response.status}: dead link")
                return None
            # Gone from the platform: deactivated (its archived versions are kept), not a failure,
            # or the nightly job would exit 1 on every run after a page is taken down.
            self.summary.count(kind, "gone", url)
            if self._mark_gone(url, response.status):
                log.info("[site] %s: HTTP %d, gone (its archived versions are kept)", url, response.status)
                self.summary.warnings.append(f"{url}: HTTP {response.status}: gone from the platform "
                                             "(its archived versions are kept; it leaves the index)")
            return None
        if response.status != 200:
            self.store.record_fetch(namespace, url, status=response.status, outcome="failed")
            self._fail(kind, url, f"HTTP {response.status}")
            return None
        meta = {"kind": kind, **response.validators}
        if response.url != url:
            meta["final_url"] = response.url
        put = self.store.put(namespace, url, response.body, url=url, status=200,
                             content_type=response.content_type, meta=meta)
        self.summary.count(kind, put.status, url)
        gone = self.store.get_state(STATE_GONE, {})
        if gone.pop(url, None) is not None:
            self.store.set_state(STATE_GONE, gone)  # it came back
        return response.body

    def _redirect_rule(self, url: str, kind: str) -> RedirectRule:
        """Where a redirect from ``url`` may lead: its own scope, and only where robots.txt allows."""
        def follow(target: str) -> str | None:
            if kind == "attachment" or not self._starts:
                if not same_host(target, url) or urlsplit(target).scheme not in ("http", "https"):
                    return "another host"
            elif not any(in_scope(target, start) for start in self._starts):
                return "outside the start URLs' hosts and paths"
            if not self.robots(target).allowed(target):
                return "disallowed by robots.txt"
            return None
        return follow

    def _mark_gone(self, url: str, status: int) -> bool:
        """Record a page as gone; whether it was not gone before."""
        gone = self.store.get_state(STATE_GONE, {})
        if url in gone:
            return False
        gone[url] = {"status": status, "since": utc_now()}
        self.store.set_state(STATE_GONE, gone)
        return True

    # -- crawling ---------------------------------------------------------------------------

    def crawl(self, start_urls: Iterable[str]) -> list[str]:
        """Crawl listing and case pages from the start URLs; return the attachment URLs found."""
        starts = self._starts = list(start_urls)
        case_urls: dict[str, None] = {}
        for start in starts:
            queue, seen = [start], {start}
            while queue:
                if len(seen) - len(queue) >= self.max_pages:
                    self._fail("listing", queue[0], f"not followed: {self.max_pages} listing pages read from "
                               f"{start} already (site.max_pages); {len(queue)} more linked")
                    break
                url = queue.pop(0)
                self.progress("listing pages", len(seen) - len(queue), None)
                body = self.fetch(url, NS_PAGE, "listing")
                if body is None:
                    continue
                links = parse_listing(body, url, start, self.selectors)
                for page in links.pages:
                    if page not in seen:
                        seen.add(page)
                        queue.append(page)
                case_urls.update(dict.fromkeys(links.cases))
                for case_url in links.cases:
                    self.found_on.setdefault(case_url, url)
        # Cases archived earlier but no longer listed: one conditional request tells if they are gone.
        for key in self.store.keys(NS_PAGE):
            latest = self.store.latest(NS_PAGE, key)
            if latest and latest.meta.get("kind") == "case" and any(in_scope(key, s) for s in starts):
                case_urls.setdefault(key, None)
        attachments: dict[str, None] = {}
        for done, url in enumerate(case_urls, 1):
            self.progress("case pages", done, len(case_urls))
            body = self.fetch(url, NS_PAGE, "case")
            if body is None:
                continue
            case, why = parse_case_safely(body, url, self.selectors, self.known_companies)
            if case is None:  # archived as fetched; listed as a failure, left out of the index
                self.unparseable.add(url)
                self._fail("case", url, why)
                continue
            self.cases[url] = case
            for warning in case.warnings:
                log.info("[site] %s: %s", url, warning)
                self.summary.warnings.append(f"{url}: {warning}")
            attachments.update(dict.fromkeys(a.url for a in case.attachments if same_host(a.url, url)))
        return list(attachments)

    def fetch_attachments(self, urls: Sequence[str]) -> None:
        """Fetch attachments into the archive (conditional GET, robots.txt honoured)."""
        for done, url in enumerate(urls, 1):
            self.progress("attachments", done, len(urls))
            self.fetch(url, NS_ATTACHMENT, "attachment")

    def close(self) -> None:
        """Close the HTTP client and count its requests."""
        self.summary.requests = self.client.requests
        self.client.close()


def _validators(latest: Any) -> dict[str, Any]:
    """The conditional-request validators (ETag, Last-Modified) of the archived version, if any."""
    meta = latest.meta if latest is not None else {}
    return {"etag": meta.get("etag"), "last_modified": meta.get("last_modified")}
